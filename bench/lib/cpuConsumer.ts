/**
 * One consumer of bench/cpu.ts in a fresh process (forked with `--expose-gc`): waits for
 * `{ consumer, baseURL, jobs: [{ warmModel, model, runs }] }` over IPC and, for each job, consumes
 * `warmModel` once (JIT warm-up, not reported), then `model` `runs` times, each after a full GC;
 * replies with the process CPU time (user + system, all threads: `process.cpuUsage()`) of each run,
 * from just before the request to the end of the stream.
 */
import { type ConsumerName, createConsumer } from './cpuConsumers.js';
import { loadScorers } from './scorers.js';

interface Job {
  readonly consumer: ConsumerName;
  readonly baseURL: string;
  readonly jobs: readonly { readonly warmModel: string; readonly model: string; readonly runs: number }[];
}

/** One measured run. */
export interface CpuRun {
  readonly cpuUs: number;
  readonly wallMs: number;
  readonly tokens: number;
  readonly chars: number;
  readonly reads?: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

process.once('message', async (job: Job) => {
  try {
    const scorers = job.consumer === 'chorus+ops' ? (await loadScorers('code')).scorers : [];
    const consume = createConsumer(job.consumer, job.baseURL, scorers);
    const results: CpuRun[][] = [];
    for (const { warmModel, model, runs: count } of job.jobs) {
      await consume(warmModel);
      const runs: CpuRun[] = [];
      for (let i = 0; i < count; i++) {
        gc?.();
        const wall = performance.now();
        const cpu = process.cpuUsage();
        const got = await consume(model);
        const used = process.cpuUsage(cpu);
        runs.push({ cpuUs: used.user + used.system, wallMs: performance.now() - wall, ...got });
      }
      results.push(runs);
    }
    process.send?.({ type: 'done', results });
  } catch (error) {
    process.send?.({
      type: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
  process.disconnect?.();
});
