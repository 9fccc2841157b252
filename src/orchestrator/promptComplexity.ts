import type { TaskKind } from '../scorers/scorer.js';
import { estimateTokens } from '../tokens.js';

/** How hard a prompt looks. */
export interface PromptComplexity {
  /** In [0, 1]. */
  readonly score: number;
  /** `simple` below 0.35, `complex` from 0.65, `moderate` between. */
  readonly level: 'simple' | 'moderate' | 'complex';
}

const STEPS = /^\s*(?:\d+[.)]|[-*•])\s+\S/gm;
const DEMANDS =
  /\b(?:must|should|ensure|without|at least|at most|exactly|edge cases?|optimi[sz]e|efficient|complexity|prove|proof|derive|explain why|justify|analy[sz]e|design|architecture|compare|trade-?offs?|step by step|thread-?safe|concurren\w*|scal\w+|secure|security)\b/gi;
const QUESTION = /\?/g;
const FENCE = /```|~~~/;

/**
 * A cheap estimate of how hard a prompt is, for `strategy = "cascade"`: linear in the prompt, no
 * model. The score is the sum, capped at 1, of:
 * - length: 0 up to 30 tokens, rising with the logarithm of the length to 0.45 at 1,000 tokens
 *   (long prompts carry more context to get right);
 * - a fenced code block: 0.15;
 * - structure: 0.05 per numbered or bulleted line (at most 0.15), and 0.05 per question mark after
 *   the first (at most 0.1);
 * - demands: 0.05 per word such as must, exactly, edge case, optimize, prove, explain why, design,
 *   trade-off, step by step (at most 0.3);
 * - the task: 0.15 for `code`, 0.05 for `math`.
 *
 * The thresholds are round numbers, not fitted: one-line questions ("What is the capital of
 * Peru?", "What is 17 * 23?") are `simple`; a function with requirements and edge cases is
 * `moderate` or `complex`; a long multi-part design question is `complex`.
 *
 * @example
 * ```ts
 * promptComplexity('What is the capital of Peru?'); // { score: 0, level: 'simple' }
 * promptComplexity('Design a thread-safe LRU cache in Rust. It must support … edge cases …', 'code').level; // 'complex'
 * ```
 */
export function promptComplexity(prompt: string, task?: TaskKind): PromptComplexity {
  if (typeof prompt !== 'string') throw new TypeError('`prompt` must be a string');
  const tokens = estimateTokens(prompt);
  const length = tokens <= 30 ? 0 : Math.min(0.45, (0.45 * Math.log(tokens / 30)) / Math.log(1000 / 30));
  const fence = FENCE.test(prompt) ? 0.15 : 0;
  const steps = Math.min(0.15, 0.05 * (prompt.match(STEPS)?.length ?? 0));
  const questions = Math.min(0.1, 0.05 * Math.max(0, (prompt.match(QUESTION)?.length ?? 0) - 1));
  const demands = Math.min(0.3, 0.05 * (prompt.match(DEMANDS)?.length ?? 0));
  const kind = task === 'code' ? 0.15 : task === 'math' ? 0.05 : 0;
  const score = Math.min(1, Math.round((length + fence + steps + questions + demands + kind) * 1000) / 1000);
  return { score, level: score < 0.35 ? 'simple' : score < 0.65 ? 'moderate' : 'complex' };
}
