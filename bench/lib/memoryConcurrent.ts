/**
 * The "peak RSS" half of bench/memory.ts, in a fresh process (the emulator runs in another):
 * `decisions` concurrent decisions, each a race of 3 variants (one per protocol, through the real
 * adapters) → snapshots → scoreIncrementally(default scorers) → takeUntilQuorum(2 of 3), which
 * cancels the slowest. RSS and heap are sampled every 10 ms; `resourceUsage().maxRSS` gives the
 * kernel's peak. Replies over IPC.
 */
import { CODE_PROMPT } from './codeAnswer.js';
import { raceDecision } from './raceDecision.js';
import { loadScorers } from './scorers.js';
import { type BaseURLs, createVariantFactory, PROTOCOLS } from './variants.js';

/** What one run measured, in bytes and ms. */
export interface ConcurrentResult {
  readonly baselineRss: number;
  readonly baselineHeap: number;
  readonly peakRss: number;
  readonly peakHeap: number;
  readonly maxRss: number;
  readonly wallMs: number;
  readonly decided: number;
  readonly cancelled: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

process.once('message', async (job: { baseURLs: BaseURLs; decisions: number }) => {
  try {
    const { scorers } = await loadScorers('code');
    const variants = createVariantFactory(job.baseURLs);
    const context = { prompt: CODE_PROMPT, task: 'code' as const, language: 'python' };
    const decide = () =>
      raceDecision({
        variants: PROTOCOLS.map((protocol, i) => variants.stream(protocol, `m${i}`, `v${i}`, CODE_PROMPT)),
        quorum: 2,
        scorers,
        context,
      });
    await decide(); // warm-up: lazy modules, JIT, connection pools
    gc?.();
    gc?.();
    const baseline = process.memoryUsage();
    let peakRss = baseline.rss;
    let peakHeap = baseline.heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 10);
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: job.decisions }, decide));
    const wallMs = performance.now() - t0;
    clearInterval(sampler);
    const result: ConcurrentResult = {
      baselineRss: baseline.rss,
      baselineHeap: baseline.heapUsed,
      peakRss,
      peakHeap,
      maxRss: process.resourceUsage().maxRSS * 1024,
      wallMs,
      decided: results.filter((r) => r.decision.reached).length,
      cancelled: results.reduce((n, r) => n + r.decision.unfinished.length, 0),
    };
    process.send?.({ type: 'done', result });
  } catch (error) {
    process.send?.({
      type: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
  process.disconnect?.();
});
