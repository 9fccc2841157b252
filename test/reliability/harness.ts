/**
 * Shared by the reliability tests (issue 9): configs of N variants over the three protocols, an
 * orchestrator pointed at the emulator, a run that records every event, and the checks every test
 * repeats (emulator idle, no handle left, no unhandled rejection).
 */
import type { ChorusConfigInput } from '../../src/config/schema.js';
import type { ChorusConfig, ConsensusMethod } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validateConfig.js';
import type { ConsensusEvent, Decision } from '../../src/decision.js';
import type { Emulator } from '../../src/emulator/index.js';
import { emulatorClients } from '../../src/orchestrator/emulatorClients.js';
import { type CallOptions, LLMOrchestrator, type LLMOrchestratorOptions } from '../../src/orchestrator.js';

export type Protocol = 'openai' | 'anthropic' | 'ollama';
export const PROTOCOLS: readonly Protocol[] = ['openai', 'anthropic', 'ollama'];

/** USD per million tokens given to every provider, so that every variant has a price. */
export const PRICE = { input: 1, output: 2 } as const;

/** One planned variant: its own provider (named `name`) speaking `protocol`, serving `model`. */
export interface VariantPlan {
  readonly name: string;
  readonly protocol: Protocol;
  readonly model: string;
  /** Provider time limits in ms. @defaultValue 10 s each */
  readonly firstTokenMs?: number;
  readonly idleMs?: number;
  /** Attempts in all (1 = no retry). @defaultValue 1 */
  readonly attempts?: number;
}

export interface PlanOptions {
  readonly quorum: number;
  readonly timeoutSeconds?: number;
  readonly method?: ConsensusMethod;
  readonly task?: 'math' | 'code' | 'text' | 'choice';
}

/** A validated config whose plan is exactly `variants`, in order, one per provider. */
export function planConfig(variants: readonly VariantPlan[], options: PlanOptions): ChorusConfig {
  const providers: Record<string, object> = {};
  for (const v of variants) {
    providers[v.name] = {
      kind: v.protocol,
      model: v.model,
      prices: PRICE,
      retries: { max_attempts: v.attempts ?? 1, base_delay_ms: 5, max_delay_ms: 20 },
      timeouts: { first_token_ms: v.firstTokenMs ?? 10_000, idle_ms: v.idleMs ?? 10_000 },
    };
  }
  const input: ChorusConfigInput = {
    orchestration: {
      timeout_seconds: options.timeoutSeconds ?? 20,
      max_providers: variants.length,
      variations: { providers: variants.map((v) => v.name) },
      consensus: {
        method: options.method ?? 'majority',
        min_responses: options.quorum,
        task: options.task ?? 'math',
      },
    },
    providers,
  } as ChorusConfigInput;
  return validateConfig(input);
}

/** An orchestrator over `config` whose providers all talk to `emulator` (no cache). */
export function orchestratorFor(
  config: ChorusConfig,
  emulator: Emulator,
  options: LLMOrchestratorOptions = {},
): LLMOrchestrator {
  return new LLMOrchestrator(config, {
    clients: emulatorClients(config, emulator),
    cache: false,
    ...options,
  });
}

/** What one `stream()` subscription produced. */
export interface ObservedRun {
  readonly events: readonly ConsensusEvent[];
  readonly decision: Decision | undefined;
  readonly error: unknown;
  /** Ms from subscribing to the decision (or the error). */
  readonly ms: number;
  /** Events received after the `decision` event (must stay empty). */
  readonly afterDecision: readonly ConsensusEvent[];
  readonly completed: boolean;
}

/** Subscribes to `chorus.stream(prompt)` and records everything until it completes or errors. */
export function observe(
  chorus: LLMOrchestrator,
  prompt: string,
  options: CallOptions = {},
): Promise<ObservedRun> {
  return new Promise((resolve) => {
    const events: ConsensusEvent[] = [];
    const afterDecision: ConsensusEvent[] = [];
    let decision: Decision | undefined;
    let ms = 0;
    const started = performance.now();
    chorus.stream(prompt, options).subscribe({
      next: (event) => {
        if (decision !== undefined) afterDecision.push(event);
        events.push(event);
        if (event.type === 'decision') {
          decision = event.decision;
          ms = performance.now() - started;
        }
      },
      error: (error: unknown) =>
        resolve({
          events,
          decision,
          error,
          ms: performance.now() - started,
          afterDecision,
          completed: false,
        }),
      complete: () => resolve({ events, decision, error: undefined, ms, afterDecision, completed: true }),
    });
  });
}

/** Resolves when the emulator has no open request; rejects after `timeoutMs`. */
export async function idleWithin(emulator: Emulator, timeoutMs = 3000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      emulator.idle(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the emulator still had open requests after ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The handles of this process, as a multiset (`process.getActiveResourcesInfo()`). */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/**
 * Resource kinds present now in greater number than in `before`, restricted to `kinds` when given
 * (polls until `timeoutMs`, so handles that are closing have the time to go).
 */
export async function leakedResources(
  before: Map<string, number>,
  kinds?: readonly string[],
  timeoutMs = 2000,
): Promise<string[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const extra = [...activeResources()]
      .filter(([name, n]) => (kinds === undefined || kinds.includes(name)) && n > (before.get(name) ?? 0))
      .map(([name, n]) => `${name}×${n - (before.get(name) ?? 0)}`);
    if (extra.length === 0 || performance.now() > deadline) return extra;
    await delay(20);
  }
}

/** Collects unhandled rejections and uncaught exceptions while installed. */
export function watchUnhandled(): { readonly seen: unknown[]; stop(): void } {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown) => seen.push(reason);
  const onException = (error: unknown) => seen.push(error);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    seen,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}

/** A Markdown table. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** Words of a text, as the emulator counts a prompt's input tokens by default. */
export function words(text: string): number {
  return text.split(/\s+/).filter((w) => w !== '').length;
}
