/**
 * The scorers the benchmarks run: the project's default set, weighted, when `src/scorers` exports
 * one (`createDefaultScorers(task)`, which adds the syntax scorer for code, else
 * `defaultScorers(task)`), else every incremental scorer factory that exists, with its defaults.
 * Loaded by path at run time so a scorer still being written elsewhere cannot break the
 * benchmark; what was loaded (and what failed) is printed with the results.
 */
import type { Scorer, TaskKind, WeightedScorer } from '../../src/scorers/scorer.js';

/** A scorer as `scoreIncrementally` takes it. */
export type BenchScorer = Scorer | WeightedScorer;

/** The scorer of a (weighted) scorer. */
export function scorerOf(entry: BenchScorer): Scorer {
  return 'scorer' in entry ? entry.scorer : entry;
}

/** The scorers to use and where they came from. */
export interface BenchScorers {
  readonly scorers: readonly BenchScorer[];
  /** Names of the scorers, in order. */
  readonly names: readonly string[];
  /** `createDefaultScorers('code')`, `defaultScorers('code')` or `factories`. */
  readonly source: string;
  /** Factories that could not be loaded, with why. */
  readonly missing: readonly string[];
}

/** Module path (from src/scorers) and factory name; the syntax scorer's factory is async. */
const FACTORIES: readonly (readonly [string, string])[] = [
  ['syntaxScorer.js', 'createSyntaxScorer'],
  ['completenessScorer.js', 'createCompletenessScorer'],
  ['consistencyScorer.js', 'createConsistencyScorer'],
  ['bestPracticesScorer.js', 'createBestPracticesScorer'],
  ['performanceScorer.js', 'createPerformanceScorer'],
];

function isScorer(value: unknown): value is Scorer {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    typeof s.name === 'string' &&
    typeof s.init === 'function' &&
    typeof s.feed === 'function' &&
    typeof s.score === 'function'
  );
}

async function importScorers(file: string): Promise<Record<string, unknown>> {
  const url = new URL(`../../src/scorers/${file}`, import.meta.url).href;
  return (await import(url)) as Record<string, unknown>;
}

/**
 * Loads the default scorers for `task`.
 *
 * @example
 * const { scorers, names } = await loadScorers('code');
 */
export async function loadScorers(task: TaskKind = 'code'): Promise<BenchScorers> {
  const missing: string[] = [];
  try {
    const barrel = await importScorers('index.js');
    for (const registry of ['createDefaultScorers', 'defaultScorers']) {
      const make = barrel[registry];
      if (typeof make !== 'function') continue;
      const made: unknown = await (make as (task: TaskKind) => unknown)(task);
      const list = Array.isArray(made) ? (made as unknown[]) : [];
      const ok = list.every(
        (entry) =>
          isScorer(entry) ||
          (typeof entry === 'object' && entry !== null && isScorer((entry as { scorer?: unknown }).scorer)),
      );
      if (list.length > 0 && ok) {
        const scorers = list as BenchScorer[];
        const names = scorers.map((entry) => {
          const weight = 'scorer' in entry ? (entry.weight ?? 1) : 1;
          return `${scorerOf(entry).name}×${weight}`;
        });
        return { scorers, names, source: `${registry}('${task}')`, missing };
      }
      missing.push(`${registry}: did not return scorers`);
    }
  } catch (error) {
    missing.push(`index.js: ${error instanceof Error ? error.message : String(error)}`);
  }
  const scorers: Scorer[] = [];
  for (const [file, factory] of FACTORIES) {
    try {
      const create = (await importScorers(file))[factory];
      if (typeof create !== 'function') throw new Error(`no ${factory} export`);
      const scorer: unknown = await (create as () => unknown)();
      if (!isScorer(scorer)) throw new Error(`${factory}() did not return a scorer`);
      scorers.push(scorer);
    } catch (error) {
      missing.push(`${factory}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  return { scorers, names: scorers.map((s) => s.name), source: 'factories', missing };
}

/** One line naming the scorers, for the printed results. */
export function describeScorers(loaded: BenchScorers): string {
  const missing = loaded.missing.length > 0 ? `; not loaded: ${loaded.missing.join('; ')}` : '';
  return `scorers (${loaded.source}): ${loaded.names.join(', ') || 'none'}${missing}`;
}
