/**
 * Splits a streamed answer into complete lines and says what each line is (prose, a fence, or code
 * of which language), for the line-based scorers. Not public.
 *
 * Each line is looked at once, when its newline arrives; the last line (no newline) only at
 * `finish`. So the classification of a text is the same for any chunking, and the total cost is
 * O(text).
 *
 * Two modes:
 * - Markdown (the default): code is what `createFenceTracker` finds between fences.
 * - Raw code: the whole answer is code. Chosen when the context has a `codePrefix` (the answer
 *   continues a program, as in HumanEval), or when the task is `code` and the first non-blank line
 *   of the answer looks like code rather than prose or a fence. The prefix is replayed first as
 *   code lines marked `prefix`, so scorers see the parameters and imports it defines.
 *
 * A continuation answer (with a `codePrefix`) is cut where a harness would cut it: at the first
 * line that starts one of the language's stop sequences (HumanEval's for Python: a line starting
 * `def `, `class `, `if `, `print` or `#`, after the answer's first line). Lines from there on
 * are ignored, as they would never run.
 */
import { createFenceTracker, normalizeLanguage } from './codeBlocks.js';
import type { ScoreContext } from './scorer.js';
import type { ReportCache } from './scoringInternals.js';

/**
 * HumanEval's stop sequences, by language: where the harness cuts a continuation answer. The same
 * default as the syntax scorer's. Only sequences of the form `\n…` (a line start) are supported.
 */
export const DEFAULT_STOP_SEQUENCES: Readonly<Record<string, readonly string[]>> = {
  python: ['\ndef ', '\nclass ', '\nif ', '\nprint', '\n#'],
};

/** Options of a line reader. */
export interface LineReaderOptions {
  /** Stop sequences of continuation answers, by language. @defaultValue DEFAULT_STOP_SEQUENCES */
  readonly stopSequences?: Readonly<Record<string, readonly string[]>> | undefined;
}

/** Validates a `stopSequences` option; throws a `TypeError` naming it. */
export function checkStopSequences(value: unknown): Readonly<Record<string, readonly string[]>> | undefined {
  if (value === undefined) return undefined;
  const ok =
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every(
      (list) => Array.isArray(list) && list.every((seq) => typeof seq === 'string' && /^\n[^\n]+$/.test(seq)),
    );
  if (!ok) {
    throw new TypeError(
      '`stopSequences` must map languages to arrays of strings of the form "\\n…" (one line start each)',
    );
  }
  return value as Readonly<Record<string, readonly string[]>>;
}

/** What a line is. */
export type LineKind = 'prose' | 'fence' | 'code';

/** One complete line of the answer (or of the code prefix). */
export interface AnswerLine {
  /** The line without its newline (and without a trailing `\r`). */
  readonly text: string;
  readonly kind: LineKind;
  /** Offset of the line in the answer; undefined for prefix lines. */
  readonly offset: number | undefined;
  /** 1-based line number in the answer; undefined for prefix lines. */
  readonly line: number | undefined;
  /** Normalized language of the code block (code and fence lines), when known or detected. */
  readonly language: string | undefined;
  /** Index of the code block (code and fence lines); -1 for prose. Raw code is block 0. */
  readonly block: number;
  /** True for lines of `context.codePrefix`. */
  readonly prefix: boolean;
  /** True for the last line of the text, delivered by `finish`. */
  readonly final: boolean;
}

/** Callbacks of a line reader. */
export interface LineHandlers {
  line(line: AnswerLine): void;
  /** A code block ended: its closing fence arrived (`closed`), or the text ended inside it. */
  blockEnd?(block: number, closed: boolean, language: string | undefined): void;
}

/** The line reader. */
export interface LineReader {
  feed(delta: string): void;
  /** Replays the code prefix if not done yet (feed and finish do it too). Idempotent. */
  start(): void;
  /** Delivers the last line and ends an open block. Idempotent. */
  finish(): void;
  readonly finished: boolean;
  /** True while inside a code block (in raw mode: always, once the answer started). */
  readonly inBlock: boolean;
  /** True when the whole answer is treated as code. */
  readonly rawCode: boolean;
  /** Number of complete lines delivered from the answer. */
  readonly lines: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([^\n]*?)[ \t]*$/;

/**
 * A line "looks like code" when it starts like a statement or declaration in a common language.
 * Used only to choose raw-code mode for `task: 'code'` answers without fences.
 */
const CODE_START =
  /^\s*(?:def |class \w|import \w|from [\w.]+ import|async def |@\w|#include|#!|package \w|using \w|fn \w|func \w|function\b|const \w|let \w|var \w|export |public |private |static |interface \w|type \w+\s*=|module\.exports|console\.|print\(|if \(|for \(|while \(|return\b|\w+\s*=\s*\S|\w+\(.*\)\s*[;{]?\s*$)/;

/** Guesses the language of a code line: `python`, `typescript`, `javascript`, or undefined. */
export function detectLanguage(line: string): string | undefined {
  const t = line.trim();
  if (t === '') return undefined;
  if (
    /^(?:async\s+)?def\s+\w+\s*\(|^class\s+\w+(?:\([^)]*\))?\s*:|^from\s+[\w.]+\s+import\b|^import\s+[\w.]+(?:\s+as\s+\w+)?\s*$|^(?:if|elif|while|for)\b.*:\s*(?:#.*)?$|^print\(/.test(
      t,
    )
  ) {
    return 'python';
  }
  if (
    /^(?:export\s+)?(?:interface|type|enum)\s+\w+|:\s*(?:string|number|boolean|void|unknown)\b|\bas\s+const\b|<\w+>\(/.test(
      t,
    )
  ) {
    return 'typescript';
  }
  if (
    /^(?:export\s+)?(?:const|let|var|function|class)\b|=>|console\.\w+\(|require\(|^import\s.*\sfrom\s/.test(
      t,
    )
  ) {
    return 'javascript';
  }
  return undefined;
}

/**
 * Creates a line reader for one variant's answer.
 *
 * @example
 * const r = createLineReader({ prompt: '', variant: 'v' }, { line: (l) => console.log(l.kind, l.text) });
 * r.feed('Hi\n```py\nx = 1\n```\n'); // prose Hi, fence, code x = 1, fence
 * r.finish();
 */
export function createLineReader(
  context: ScoreContext,
  handlers: LineHandlers,
  options: LineReaderOptions = {},
): LineReader {
  const tracker = createFenceTracker();
  const stops = options.stopSequences ?? DEFAULT_STOP_SEQUENCES;
  let stopped = false;
  let partial = '';
  let offset = 0;
  let lineNo = 1;
  let finished = false;
  // undecided until the first non-blank line when the task is code and there is no prefix
  let mode: 'markdown' | 'raw' | 'undecided' =
    context.codePrefix !== undefined ? 'raw' : context.task === 'code' ? 'undecided' : 'markdown';
  let block = -1;
  let blockLanguage: string | undefined;
  let blockOpen = false;
  const contextLanguage = context.language === undefined ? undefined : normalizeLanguage(context.language);

  const languageOf = (text: string): string | undefined => {
    if (blockLanguage === undefined) blockLanguage = detectLanguage(text);
    return blockLanguage;
  };

  const startRaw = (): void => {
    mode = 'raw';
    block = 0;
    blockOpen = true;
    blockLanguage = contextLanguage;
  };

  const emit = (
    text: string,
    at: number | undefined,
    n: number | undefined,
    isPrefix: boolean,
    final: boolean,
  ) => {
    if (stopped) return;
    if (
      context.codePrefix !== undefined &&
      !isPrefix &&
      n !== undefined &&
      n > 1 &&
      blockLanguage !== undefined
    ) {
      const line = `\n${text}`;
      if (stops[blockLanguage]?.some((seq) => line.startsWith(seq))) {
        stopped = true;
        return;
      }
    }
    if (mode === 'undecided' && text.trim() !== '') {
      if (!FENCE.test(text) && CODE_START.test(text)) startRaw();
      else mode = 'markdown';
    }
    if (mode === 'raw') {
      if (!blockOpen) startRaw();
      if (FENCE.test(text)) {
        handlers.line({
          text,
          kind: 'fence',
          offset: at,
          line: n,
          language: blockLanguage,
          block,
          prefix: isPrefix,
          final,
        });
        return;
      }
      const language = languageOf(text);
      handlers.line({ text, kind: 'code', offset: at, line: n, language, block, prefix: isPrefix, final });
      return;
    }
    const wasIn = tracker.inBlock;
    const closed = tracker.feed(final ? text : text + '\n');
    const finalClosed = final && wasIn && tracker.finish() === undefined && !tracker.inBlock;
    const isIn = tracker.inBlock;
    if (!wasIn && !isIn) {
      handlers.line({
        text,
        kind: 'prose',
        offset: at,
        line: n,
        language: undefined,
        block: -1,
        prefix: isPrefix,
        final,
      });
    } else if (!wasIn && isIn) {
      block += 1;
      blockOpen = true;
      const info = FENCE.exec(text)?.[2] ?? '';
      blockLanguage = normalizeLanguage(info) ?? contextLanguage;
      handlers.line({
        text,
        kind: 'fence',
        offset: at,
        line: n,
        language: blockLanguage,
        block,
        prefix: isPrefix,
        final,
      });
    } else if (closed.length > 0 || finalClosed) {
      handlers.line({
        text,
        kind: 'fence',
        offset: at,
        line: n,
        language: blockLanguage,
        block,
        prefix: isPrefix,
        final,
      });
      blockOpen = false;
      handlers.blockEnd?.(block, true, blockLanguage);
    } else {
      const language = languageOf(text);
      handlers.line({ text, kind: 'code', offset: at, line: n, language, block, prefix: isPrefix, final });
    }
  };

  // replayed on the first feed rather than here, so that handlers may refer to state that is
  // created after the reader
  let prefixPending = context.codePrefix !== undefined && context.codePrefix !== '';
  const replayPrefix = (): void => {
    prefixPending = false;
    startRaw();
    const prefixLines = (context.codePrefix ?? '').split('\n');
    // a prefix ending with a newline has an empty last piece: not a line
    if (prefixLines[prefixLines.length - 1] === '') prefixLines.pop();
    for (const text of prefixLines)
      emit(text.endsWith('\r') ? text.slice(0, -1) : text, undefined, undefined, true, false);
  };

  return {
    start() {
      if (prefixPending) replayPrefix();
    },
    feed(delta) {
      if (finished) throw new Error('feed() after the text ended (score(state, true) was called)');
      if (prefixPending) replayPrefix();
      let start = 0;
      let nl = delta.indexOf('\n');
      while (nl !== -1) {
        const raw = partial + delta.slice(start, nl);
        partial = '';
        emit(raw.endsWith('\r') ? raw.slice(0, -1) : raw, offset, lineNo, false, false);
        offset += raw.length + 1;
        lineNo += 1;
        start = nl + 1;
        nl = delta.indexOf('\n', start);
      }
      partial += delta.slice(start);
    },
    finish() {
      if (finished) return;
      if (prefixPending) replayPrefix();
      finished = true;
      if (partial !== '') {
        const raw = partial;
        partial = '';
        emit(raw.endsWith('\r') ? raw.slice(0, -1) : raw, offset, lineNo, false, true);
        offset += raw.length;
      }
      if (blockOpen) {
        blockOpen = false;
        // raw code has no fence to close: it ends with the text, which is not a cut-off by itself
        handlers.blockEnd?.(block, mode === 'raw', blockLanguage);
      }
    },
    get finished() {
      return finished;
    },
    get inBlock() {
      return blockOpen;
    },
    get rawCode() {
      return mode === 'raw';
    },
    get lines() {
      return lineNo - 1;
    },
  };
}

/** The part of a line-based scorer's state that the two helpers below need. */
interface LineScorerState {
  readonly reader: LineReader;
  readonly cache: ReportCache;
}

/**
 * A line-based scorer's `feed`: reads the delta, and invalidates the cached report only when a
 * whole new line was read (a partial line changes nothing the report says).
 */
export function feedLines<S extends LineScorerState>(state: S, delta: string): S {
  if (delta === '') return state;
  const before = state.reader.lines;
  state.reader.feed(delta);
  if (state.reader.lines !== before) state.cache.version += 1;
  return state;
}

/**
 * What a line-based scorer's `score` does before reporting: starts the reader (the context is
 * complete by now), and at `done` reads the last, unterminated line and invalidates the report.
 */
export function settleLines(state: LineScorerState, done: boolean): void {
  if (state.reader.finished) return;
  state.reader.start();
  if (done) {
    state.reader.finish();
    state.cache.version += 1;
  }
}
