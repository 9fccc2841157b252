/**
 * Key functions for voting: "which answer does this snapshot give?", for `takeUntilQuorum` and the
 * consensus strategies.
 */
import { type AnswerKind, extractAnswer } from './answer.js';

/** Options of {@link answerKey}. */
export interface AnswerKeyOptions {
  /** The question, for `math` answers that state their result only in prose (see `extractAnswer`). */
  readonly prompt?: string;
  /** For `code`: the language (see `codeNormalForm`). @defaultValue detected */
  readonly language?: string;
  /** For `code`: the text continues a function (see `codeNormalForm`). @defaultValue false */
  readonly continuation?: boolean;
  /**
   * Whether to key snapshots that are still streaming. A half-written answer's last number is not
   * its answer, so by default a snapshot with `done: false` has no key (it cannot vote yet).
   * Snapshots without a `done` field are always keyed.
   * @defaultValue false
   */
  readonly whileStreaming?: boolean;
}

/** What a key function reads: any object with the text so far (a `Snapshot` fits). */
export interface KeyedText {
  readonly text: string;
  readonly done?: boolean;
}

const KINDS: readonly string[] = ['math', 'choice', 'code', 'text'];

/**
 * Returns a key function for `takeUntilQuorum({ agree })` and the strategies: equal keys mean
 * "the same answer"; `undefined` means "no answer (yet)", which never agrees with anything.
 * Options are checked here, once, rather than on every snapshot.
 *
 * @example
 * snapshots$.pipe(takeUntilQuorum({ quorum: 2, agree: answerKey('math') }));
 * answerKey('math')({ text: 'so \\boxed{18}', done: true }); // → '18'
 * answerKey('math')({ text: 'so \\boxed{1', done: false });  // → undefined (still streaming)
 */
export function answerKey(
  kind: AnswerKind,
  options: AnswerKeyOptions = {},
): (snapshot: KeyedText) => string | undefined {
  if (!KINDS.includes(kind)) {
    throw new TypeError(
      `\`kind\` must be one of 'math', 'choice', 'code', 'text'; got ${JSON.stringify(kind)}`,
    );
  }
  if (options.prompt !== undefined && typeof options.prompt !== 'string') {
    throw new TypeError('`prompt` must be a string (the question) or undefined');
  }
  if (options.language !== undefined && typeof options.language !== 'string') {
    throw new TypeError('`language` must be a string such as "python" or undefined');
  }
  if (options.whileStreaming !== undefined && typeof options.whileStreaming !== 'boolean') {
    throw new TypeError('`whileStreaming` must be a boolean');
  }
  const whileStreaming = options.whileStreaming ?? false;
  const extract = {
    ...(options.prompt !== undefined && { prompt: options.prompt }),
    ...(options.language !== undefined && { language: options.language }),
    ...(options.continuation !== undefined && { continuation: options.continuation }),
  };
  return (snapshot) => {
    if (!whileStreaming && snapshot.done === false) return undefined;
    return extractAnswer(snapshot.text, kind, extract);
  };
}
