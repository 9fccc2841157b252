/**
 * chorus as users run it, for the latency benchmark: one `LLMOrchestrator` per quorum
 * configuration, pointed at the child emulator through each provider's `base_url`, and one timed
 * `run()`.
 */
import { validateConfig } from '../../src/config/validateConfig.js';
import type { Decision } from '../../src/decision.js';
import type { Protocol } from '../../src/emulator/index.js';
import { LLMOrchestrator } from '../../src/orchestrator.js';
import type { BenchScorer } from './scorers.js';
import type { BaseURLs } from './variants.js';

/** What {@link createBenchOrchestrator} needs. */
export interface BenchOrchestratorOptions {
  readonly baseURLs: BaseURLs;
  /** `min_responses`. */
  readonly quorum: number;
  /** One protocol per variant slot: slot i is provider `p<i>` serving model `v<i>`. */
  readonly protocols: readonly Protocol[];
  /** @defaultValue the task's default scorers (the orchestrator's own default) */
  readonly scorers?: readonly BenchScorer[];
}

/** An hour: far beyond any trial, so no timeout ever shapes a measurement. */
const GENEROUS_MS = 3_600_000;

/**
 * An orchestrator whose plan is exactly the benchmark's slots: providers `p0…p(n−1)`, provider i
 * of kind `protocols[i]` serving model `v<i>` (the emulator model names the scenario scripts per
 * trial, so every trial's plan applies without a per-call config). Method `majority`, task
 * `math`, quorum `quorum`; no cache, no retries, no hedging, a breaker that never opens, timeouts
 * of an hour.
 *
 * @example
 * const chorus = createBenchOrchestrator({ baseURLs: emulator.baseURLs, quorum: 2, protocols: ['openai', 'anthropic', 'ollama'] });
 * const decision = await chorus.run('What is 6 × 7?');
 */
export function createBenchOrchestrator(options: BenchOrchestratorOptions): LLMOrchestrator {
  const { baseURLs, quorum, protocols } = options;
  const names = protocols.map((_, i) => `p${i}`);
  const providers = Object.fromEntries(
    protocols.map((protocol, i) => [
      names[i]!,
      {
        kind: protocol,
        model: `v${i}`,
        base_url: baseURLs[protocol],
        ...(protocol !== 'ollama' && { api_key_env: 'BENCH_API_KEY' }),
        retries: { max_attempts: 1 },
        timeouts: { first_token_ms: GENEROUS_MS, idle_ms: GENEROUS_MS, total_ms: GENEROUS_MS },
        circuit_breaker: { failure_rate: 1, min_requests: 1_000_000 },
      },
    ]),
  );
  const config = validateConfig(
    {
      orchestration: {
        strategy: 'parallel',
        timeout_seconds: GENEROUS_MS / 1000,
        max_providers: protocols.length,
        // The direct adapters ask for 100k: no answer of the scenario is ever cut.
        max_tokens: 100_000,
        variations: { providers: names },
        consensus: { method: 'majority', min_responses: quorum, cache_ttl: 0, task: 'math' },
        hedging: { max_extra: 0 },
      },
      providers,
    },
    'bench/lib/benchOrchestrator.ts',
  );
  return new LLMOrchestrator(config, {
    env: { BENCH_API_KEY: 'bench' },
    cache: false,
    ...(options.scorers !== undefined && { scorers: options.scorers }),
  });
}

/** One timed `run()`, on this process's `performance.now()` clock. */
export interface TimedDecision {
  readonly decision: Decision;
  /** Just before `run()` was called. */
  readonly calledAt: number;
  /** When `run()` resolved. */
  readonly decidedAt: number;
  /**
   * The physical limit, ms after the orchestrator's start (`timings.endMs`): the k-th end among
   * the variants that agree with the quorum (its key); without a quorum, the last end.
   */
  readonly kthEndMs: number;
  /** An answer that disagreed with the quorum ended before its k-th member did. */
  readonly disagreed: boolean;
}

/**
 * Runs `prompt` and says when the decision arrived and when its k-th agreeing variant ended.
 *
 * @example
 * const { decidedAt, calledAt, kthEndMs } = await runDecisionTimed(chorus, question);
 * const overheadUpperBoundMs = decidedAt - (calledAt + kthEndMs);
 */
export async function runDecisionTimed(chorus: LLMOrchestrator, prompt: string): Promise<TimedDecision> {
  const calledAt = performance.now();
  const decision = await chorus.run(prompt, { cache: false });
  const decidedAt = performance.now();
  const k = decision.quorum.required;
  const finished = decision.variants.filter(
    (v) => v.outcome !== 'cancelled' && v.outcome !== 'failed' && v.timings.endMs !== undefined,
  );
  const ends = (list: typeof finished) => list.map((v) => v.timings.endMs!).sort((a, b) => a - b);
  const all = ends(finished);
  // Without a quorum the decision needs every answer: its limit is the last end.
  const kthEndMs = decision.quorum.reached
    ? (ends(finished.filter((v) => v.key === decision.quorum.key))[k - 1] ?? Number.NaN)
    : (all[all.length - 1] ?? Number.NaN);
  return { decision, calledAt, decidedAt, kthEndMs, disagreed: (all[k - 1] ?? Number.NaN) < kthEndMs };
}
