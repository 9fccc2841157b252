// Helpers for the tests of the heuristic scorers (completeness, consistency, best practices,
// performance, quality).
import type { Finding } from '../../src/events.js';
import type { ScoreContext, ScoreReport, Scorer } from '../../src/scorers/scorer.js';

/** Feeds `text` in pieces of `chunk` characters (all at once by default) and scores it. */
export function run<S>(
  scorer: Scorer<S>,
  context: Partial<ScoreContext>,
  text: string,
  chunk = 0,
  done = true,
): ScoreReport {
  let state = scorer.init({ prompt: '', variant: 'v', ...context });
  if (chunk <= 0) state = scorer.feed(state, text);
  else for (let i = 0; i < text.length; i += chunk) state = scorer.feed(state, text.slice(i, i + chunk));
  return report(scorer.score(state, done));
}

/** Feeds `text` cut at the given points and scores it. */
export function runCuts<S>(
  scorer: Scorer<S>,
  context: Partial<ScoreContext>,
  text: string,
  cuts: readonly number[],
  done = true,
): ScoreReport {
  let state = scorer.init({ prompt: '', variant: 'v', ...context });
  let last = 0;
  for (const p of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (p <= last || p >= text.length) continue;
    state = scorer.feed(state, text.slice(last, p));
    last = p;
  }
  state = scorer.feed(state, text.slice(last));
  return report(scorer.score(state, done));
}

/** A report, whether the scorer returned a number or a report. */
export function report(result: number | ScoreReport): ScoreReport {
  return typeof result === 'number' ? { value: result } : result;
}

/** The codes of the findings that are not `info`, sorted. */
export function problems(r: ScoreReport): string[] {
  return (r.findings ?? [])
    .filter((f) => f.severity !== 'info')
    .map((f) => f.code)
    .sort();
}

/** The findings with a given code. */
export function withCode(r: ScoreReport, code: string): Finding[] {
  return (r.findings ?? []).filter((f) => f.code === code);
}
