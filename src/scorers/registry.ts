/**
 * The default scorers per task kind, with their weights.
 */
import { createBestPracticesScorer } from './bestPracticesScorer.js';
import { createCompletenessScorer } from './completenessScorer.js';
import { createConsistencyScorer } from './consistencyScorer.js';
import { createPerformanceScorer } from './performanceScorer.js';
import type { Scorer, TaskKind, WeightedScorer } from './scorer.js';
import { isScorer } from './scoringInternals.js';

/**
 * Default weights by task kind and scorer name. Why these (measured on the public data, see
 * bench/README.scorers.md): on HumanEval candidates consistency (undefined names, unused
 * parameters) and best practices (placeholders, cut-off code) separate passing from failing
 * candidates best, completeness a little, performance not at all (correct code is often
 * quadratic), so performance only breaks ties. On GSM8K the text consistency check (arithmetic,
 * several final answers) is the only signal; completeness is kept low because grade-school math
 * prompts state few checkable requirements. The syntax scorer, when present, weighs as much as
 * consistency: code that does not parse cannot pass.
 */
export const DEFAULT_WEIGHTS: Readonly<Record<TaskKind, Readonly<Record<string, number>>>> = {
  code: { syntax: 2, consistency: 2, bestPractices: 1.5, completeness: 1, performance: 0.25 },
  math: { consistency: 2, completeness: 0.5 },
  choice: { consistency: 2, completeness: 0.5 },
  text: { completeness: 2, consistency: 1, bestPractices: 1 },
};

const TASKS: readonly TaskKind[] = ['code', 'math', 'choice', 'text'];

/** Options of `defaultScorers` and `createDefaultScorers`. */
export interface DefaultScorersOptions {
  /**
   * The syntax scorer (made with `await createSyntaxScorer()`), included for `code` tasks. Without
   * it, `defaultScorers` has no syntax check; `createDefaultScorers` makes one.
   */
  readonly syntax?: Scorer;
}

function checkTask(task: unknown): TaskKind {
  if (!TASKS.includes(task as TaskKind)) {
    throw new TypeError(
      `\`task\` must be one of ${TASKS.map((t) => `'${t}'`).join(', ')}, got ${String(task)}`,
    );
  }
  return task as TaskKind;
}

/**
 * The default scorers of a task kind, weighted (see `DEFAULT_WEIGHTS`), ready for
 * `scoreIncrementally`:
 * - `code`: syntax (if given), consistency (code and prose), best practices, completeness
 *   (requirements, entry point), performance;
 * - `math` and `choice`: consistency of the prose only (final answers, arithmetic), completeness;
 * - `text`: completeness, consistency, best practices limited to placeholders and cut-off answers.
 *
 * @example
 * events$.pipe(snapshots(), scoreIncrementally(defaultScorers('math'), { context: { prompt, task: 'math' } }));
 */
export function defaultScorers(
  task: TaskKind = 'text',
  options: DefaultScorersOptions = {},
): WeightedScorer[] {
  const kind = checkTask(task);
  if (options.syntax !== undefined && !isScorer(options.syntax)) {
    throw new TypeError('`syntax` must be a scorer (an object with name, version, init, feed and score)');
  }
  const weights = DEFAULT_WEIGHTS[kind];
  const scorers: Scorer[] = [];
  switch (kind) {
    case 'code':
      if (options.syntax !== undefined) scorers.push(options.syntax);
      scorers.push(
        createConsistencyScorer(),
        createBestPracticesScorer(),
        createCompletenessScorer(),
        createPerformanceScorer(),
      );
      break;
    case 'math':
    case 'choice':
      scorers.push(createConsistencyScorer({ code: false }), createCompletenessScorer());
      break;
    case 'text':
      scorers.push(
        createCompletenessScorer(),
        createConsistencyScorer(),
        createBestPracticesScorer({ languageChecks: false }),
      );
      break;
  }
  return scorers.map((scorer) => ({ scorer, weight: weights[scorer.name] ?? 1 }));
}

/**
 * Like `defaultScorers`, but for `code` tasks also creates the syntax scorer (loading its parsers,
 * once per process) unless one is given.
 *
 * @example
 * const scorers = await createDefaultScorers('code');
 * events$.pipe(snapshots(), scoreIncrementally(scorers, { context: { prompt, task: 'code' } }));
 */
export async function createDefaultScorers(
  task: TaskKind = 'text',
  options: DefaultScorersOptions = {},
): Promise<WeightedScorer[]> {
  const kind = checkTask(task);
  if (kind !== 'code' || options.syntax !== undefined) return defaultScorers(kind, options);
  const { createSyntaxScorer } = await import('./syntaxScorer.js');
  const syntax: Scorer = await createSyntaxScorer();
  return defaultScorers(kind, { syntax });
}
