/**
 * An executor that looks results up instead of running anything: for benchmarks and for results
 * computed elsewhere (a CI run, a dataset such as CodeT's `generated_tests_passed`).
 */
import type { ExecutionResult } from './candidate.js';
import type { Executor } from './executor.js';

/**
 * Creates an executor that returns the given results by candidate id. A result is a bit string
 * (`'0110'`, one character per test, `1` = passed) or an array of booleans. Asking for an unknown
 * id rejects with a `TypeError`, since a silent "all failed" would bias a vote.
 *
 * @example
 * const executor = precomputedExecutor({ 'cand-0': '0110', 'cand-1': [true, true, false, false] });
 * await executor.execute({ id: 'cand-0', text }, { tests }); // → { passed: [false, true, true, false] }
 */
export function precomputedExecutor(
  results:
    | Readonly<Record<string, string | readonly boolean[]>>
    | ReadonlyMap<string, string | readonly boolean[]>,
): Executor {
  if (typeof results !== 'object' || results === null) {
    throw new TypeError('precomputedExecutor: `results` must be an object or Map of id → bit string');
  }
  const table = new Map<string, ExecutionResult>();
  const entries = results instanceof Map ? [...results.entries()] : Object.entries(results);
  for (const [id, value] of entries) {
    if (typeof value === 'string') {
      if (!/^[01]*$/.test(value)) {
        throw new TypeError(
          `precomputedExecutor: result of \`${id}\` must be a string of 0 and 1, got ${JSON.stringify(value.slice(0, 20))}`,
        );
      }
      table.set(id, { passed: [...value].map((ch) => ch === '1') });
    } else if (Array.isArray(value) && value.every((v) => typeof v === 'boolean')) {
      table.set(id, { passed: [...value] });
    } else {
      throw new TypeError(`precomputedExecutor: result of \`${id}\` must be a bit string or boolean[]`);
    }
  }
  return {
    execute(candidate) {
      const found = table.get(candidate.id);
      if (found === undefined) {
        return Promise.reject(
          new TypeError(`precomputedExecutor: no result for candidate \`${candidate.id}\``),
        );
      }
      return Promise.resolve(found);
    },
  };
}
