/**
 * A tournament comparator that asks an LLM which of two responses is better.
 */
import type { Candidate } from './candidate.js';

/** Options of {@link llmJudgeComparator}. */
export interface LlmJudgeOptions {
  /**
   * Sends a prompt to the judging model and resolves to its reply. Pass `signal` on to the
   * provider call so a torn-down tournament aborts the request.
   */
  readonly judge: (prompt: string, signal: AbortSignal) => Promise<string>;
  /** The user's request both responses answer. */
  readonly question: string;
  /**
   * Judge both orders (A, B) and (B, A); a verdict counts only if it survives the swap, else it
   * is a tie. LLM judges favour a position; this cancels that bias at twice the calls. Leave it
   * off if `tournamentReduce` already swaps (`{ swap: true }`).
   * @defaultValue true
   */
  readonly swap?: boolean;
  /** Builds the judging prompt. @defaultValue {@link judgePrompt} */
  readonly template?: (question: string, first: string, second: string) => string;
}

/**
 * The default judging prompt: the request, the two responses labelled A and B, and a verdict
 * format that is easy to parse (`[[A]]`, `[[B]]` or `[[tie]]`).
 */
export function judgePrompt(question: string, first: string, second: string): string {
  return [
    'Two assistants answered the same request. Decide which response serves the request better:',
    'correct first, then complete, then clear. The order of the responses and their length say',
    'nothing about quality.',
    '',
    '### Request',
    question,
    '',
    '### Response A',
    first,
    '',
    '### Response B',
    second,
    '',
    'Explain your reasoning in at most three sentences, then end with exactly one verdict:',
    '[[A]] if A is better, [[B]] if B is better, [[tie]] if neither is.',
  ].join('\n');
}

/** Reads a verdict from a judge's reply: +1 for A, −1 for B, 0 for a tie or an unreadable reply. */
export function parseVerdict(reply: string): number {
  const marks = [...reply.matchAll(/\[\[\s*(A|B|tie)\s*\]\]/gi)];
  const last = marks[marks.length - 1]?.[1]?.toLowerCase();
  if (last !== undefined) return last === 'a' ? 1 : last === 'b' ? -1 : 0;
  const bare = /(?:^|\n)\s*(?:verdict:?\s*)?\**\s*(A|B)\s*\**\s*\.?\s*$/i.exec(reply.trim());
  if (bare?.[1] !== undefined) return bare[1].toLowerCase() === 'a' ? 1 : -1;
  return 0;
}

/**
 * Creates a comparator for `tournamentReduce` / `tournament` that asks an LLM judge. Returns a
 * Promise of +1 (a better), −1 (b better) or 0. With `swap`, both orders are asked concurrently
 * and only a consistent verdict counts.
 *
 * @example
 * const compare = llmJudgeComparator({
 *   question: prompt,
 *   judge: (p, signal) => openai.chat.completions.create({ model: 'gpt-4o-mini',
 *     messages: [{ role: 'user', content: p }] }, { signal }).then((r) => r.choices[0].message.content ?? ''),
 * });
 * finished$.pipe(tournamentReduce(compare));
 */
export function llmJudgeComparator(
  options: LlmJudgeOptions,
): (a: Candidate, b: Candidate, context: { readonly signal: AbortSignal }) => Promise<number> {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('llmJudgeComparator: `options` must be an object');
  const { judge, question, swap = true, template = judgePrompt } = options;
  if (typeof judge !== 'function') {
    throw new TypeError('llmJudgeComparator: `judge` must be a function (prompt, signal) => Promise<string>');
  }
  if (typeof question !== 'string') throw new TypeError('llmJudgeComparator: `question` must be a string');
  if (typeof swap !== 'boolean') throw new TypeError('llmJudgeComparator: `swap` must be a boolean');
  if (typeof template !== 'function')
    throw new TypeError('llmJudgeComparator: `template` must be a function');
  return async (a, b, { signal }) => {
    const ask = async (first: Candidate, second: Candidate): Promise<number> =>
      parseVerdict(await judge(template(question, first.text, second.text), signal));
    if (!swap) return ask(a, b);
    const [direct, swapped] = await Promise.all([ask(a, b), ask(b, a)]);
    // `swapped` is from b's point of view: a consistent verdict has direct = −swapped.
    return direct === -swapped ? direct : 0;
  };
}
