/**
 * Shared by the pool's integration tests: a config whose providers `a` (openai), `b` (anthropic)
 * and `c` (ollama) all point at one emulator, with models `a-model`, `b-model`, `c-model`, and a
 * runner that collects a variant's events, notices and usage records.
 */
import type { Observable } from 'rxjs';
import type { ChorusConfig } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validateConfig.js';
import type { UsageRecord } from '../../src/cost/costLedger.js';
import type { Emulator } from '../../src/emulator/index.js';
import type { EndEvent, VariantEvent } from '../../src/events.js';
import type { PoolNotice, VariantRequest } from '../../src/pool/poolTypes.js';
import type { VariantSpec } from '../../src/variation.js';

export type ProviderInput = Record<string, unknown>;

const FAST = {
  retries: { max_attempts: 1, base_delay_ms: 0, max_delay_ms: 0 },
  timeouts: { first_token_ms: 3000, idle_ms: 3000, total_ms: 10_000 },
  // Effectively off unless a test turns it on.
  circuit_breaker: { failure_rate: 1, min_requests: 1000, window_ms: 60_000, cooldown_ms: 1000 },
};

/** A validated config for the emulator; `overrides` are merged into each provider's section. */
export function poolConfig(
  emulator: Emulator,
  overrides: { a?: ProviderInput; b?: ProviderInput; c?: ProviderInput; hedging?: ProviderInput } = {},
): ChorusConfig {
  return validateConfig({
    orchestration: {
      variations: { providers: ['a', 'b', 'c'] },
      ...(overrides.hedging && { hedging: overrides.hedging }),
    },
    providers: {
      a: {
        kind: 'openai',
        model: 'a-model',
        base_url: emulator.baseURLs.openai,
        api_key: 'test-key',
        ...FAST,
        ...overrides.a,
      },
      b: {
        kind: 'anthropic',
        model: 'b-model',
        base_url: emulator.baseURLs.anthropic,
        api_key: 'test-key',
        ...FAST,
        ...overrides.b,
      },
      c: {
        kind: 'ollama',
        model: 'c-model',
        base_url: emulator.baseURLs.ollama,
        api_key: 'test-key',
        ...FAST,
        ...overrides.c,
      },
    },
  });
}

const KINDS = { a: 'openai', b: 'anthropic', c: 'ollama' } as const;

/** A variant spec on provider `a`, `b` or `c`. */
export function specOn(
  provider: 'a' | 'b' | 'c',
  id = `${provider}#1`,
  extra: Partial<VariantSpec> = {},
): VariantSpec {
  return { id, provider, kind: KINDS[provider], model: `${provider}-model`, attempt: 1, ...extra };
}

export const REQUEST: VariantRequest = {
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Say hello to the general.' },
  ],
};

/** Collects what one variant call reports. */
export function recorder() {
  const notices: PoolNotice[] = [];
  const usage: UsageRecord[] = [];
  return {
    notices,
    usage,
    options: { onNotice: (n: PoolNotice) => notices.push(n), onUsage: (u: UsageRecord) => usage.push(u) },
  };
}

export interface Run {
  readonly events: VariantEvent[];
  readonly text: string;
  readonly end: EndEvent | undefined;
}

/** Runs a variant stream to completion. The pool's streams never error; a rejection here is a bug. */
export function run(stream: Observable<VariantEvent>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const events: VariantEvent[] = [];
    stream.subscribe({
      next: (e) => events.push(e),
      error: reject,
      complete: () =>
        resolve({
          events,
          text: events.map((e) => (e.type === 'delta' ? e.text : '')).join(''),
          end: events.find((e): e is EndEvent => e.type === 'end'),
        }),
    });
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it is true (or throws after `timeoutMs`). */
export async function until(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}
