/**
 * Runs candidates through an executor with bounded concurrency, attaching the results.
 */
import type { Candidate } from './candidate.js';
import type { ExecutionTask, Executor } from './executor.js';

/** Options of {@link executeCandidates}. */
export interface ExecuteCandidatesOptions {
  /** How many candidates run at once. @defaultValue 2 */
  readonly concurrency?: number;
  /** Aborts the runs in progress and rejects. */
  readonly signal?: AbortSignal;
}

/**
 * Executes every candidate against the task and returns copies with `execution` set, in the input
 * order. At most `concurrency` run at once (a subprocess executor uses a core each).
 *
 * @example
 * const executed = await executeCandidates(candidates, executor, { prefix: prompt, tests });
 * executionAgreement(executed);
 */
export async function executeCandidates(
  candidates: readonly Candidate[],
  executor: Executor,
  task: ExecutionTask,
  options: ExecuteCandidatesOptions = {},
): Promise<Candidate[]> {
  const { concurrency = 2, signal } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError(
      `executeCandidates: \`concurrency\` must be a positive integer, got ${String(concurrency)}`,
    );
  }
  if (typeof executor?.execute !== 'function') {
    throw new TypeError('executeCandidates: `executor` must have an `execute(candidate, task)` method');
  }
  signal?.throwIfAborted();
  const out: Candidate[] = new Array(candidates.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < candidates.length) {
      const i = next++;
      signal?.throwIfAborted();
      const c = candidates[i]!;
      const execution = await executor.execute(c, task, signal === undefined ? {} : { signal });
      out[i] = { ...c, execution };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, candidates.length) }, worker));
  return out;
}
