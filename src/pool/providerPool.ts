import { asyncScheduler, type Observable } from 'rxjs';
import type { ChorusConfig, ProviderConfig } from '../config/types.js';
import { ProviderError } from '../errors.js';
import type { VariantEvent } from '../events.js';
import { endOnError } from '../operators/endOnError.js';
import { totalTimeout } from '../operators/totalTimeout.js';
import type { VariantSpec } from '../variation.js';
import { createProviderClient, type ProviderClient } from './createClient.js';
import { fallback } from './fallback.js';
import { fallbackChain } from './fallbackChain.js';
import { type HedgeBudget, hedge } from './hedge.js';
import type {
  PoolCallOptions,
  PoolLaunch,
  PoolNotice,
  ProviderHealth,
  ProviderPool,
  ProviderPoolOptions,
  VariantRequest,
} from './poolTypes.js';
import { createProviderLane, type LaneHooks, type ProviderLane, safely } from './providerLane.js';

/**
 * Creates the provider pool of a validated config: one lane per provider (its SDK client, created
 * on first use; its concurrency limit, rate limiter, circuit breaker, timeouts and retries), plus
 * fallback chains and hedging across them. See `ProviderPool.variant` for what a subscription does.
 *
 * A variant's stream is built from the inside out:
 *
 * ```
 * attempt    = client → circuit pre-check → max_concurrency slot → rpm/tpm wait → breaker
 *              → adapter request with firstTokenTimeout + idleTimeout           (providerLane)
 * on P       = retryBeforeFirstToken(attempt)                                   (P's retries)
 * hedged P   = hedge(on P, backup: on P)    when hedging is on and P has enough TTFT samples
 * stage P    = hedged P + totalTimeout(P.total_ms)
 * variant    = fallback(stage P, stage F1, stage F2, …) + endOnError(spec.id)
 * ```
 *
 * Why this order: the timeouts of one request sit inside the retries, so a first-token timeout is
 * retried; each retry passes the limiter and breaker again because each is a new HTTP request the
 * provider counts; the total timeout bounds one provider's whole effort (its retries and a hedge
 * included) so that the fallback chain still gets its turn; the fallback comes last because only
 * a failure that survived the retries of a provider should move a variant to another one.
 *
 * Hedging (`orchestration.hedging`, off when `max_extra` is 0): when a variant has no first token
 * `percentile` of its provider's recent TTFTs after its request went out (once the provider has
 * `min_samples` of them), one backup of the same request is sent **to the same provider** (the
 * slow-path tail of a provider is per request, and the same model keeps the variant what the plan
 * asked for), within a pool-wide budget of `max_extra` concurrent extra requests (shared by every
 * decision using the pool: a cap on the extra load sent to providers at any moment, not a count
 * per decision). The first to yield a token wins; the other is aborted (and billed through
 * `onUsage`).
 *
 * Extra requests (retries, hedges, fallbacks) ask the call's `mayLaunch` first, with the provider
 * and model they would go to; a refusal sends nothing (see `PoolCallOptions.mayLaunch`).
 *
 * @throws TypeError for a malformed config or `options` (an `openai_compatible` provider without
 *   `base_url`, a client in `options.clients` that does not fit its provider's kind).
 * @example
 * ```ts
 * const pool = createProviderPool(await loadConfig('chorus.toml'));
 * pool.variant(spec, { messages: [{ role: 'user', content: 'Hi' }] }, { onUsage: (r) => ledger.record(r) })
 *   .subscribe((event) => console.log(event));
 * ```
 */
export function createProviderPool(config: ChorusConfig, options: ProviderPoolOptions = {}): ProviderPool {
  if (typeof config !== 'object' || config === null || typeof config.providers !== 'object') {
    throw new TypeError('`config` must be a validated ChorusConfig (see `validateConfig` / `loadConfig`)');
  }
  const scheduler = options.scheduler ?? asyncScheduler;
  if (typeof scheduler.schedule !== 'function' || typeof scheduler.now !== 'function') {
    throw new TypeError('`options.scheduler` must be an RxJS SchedulerLike (with `schedule` and `now`)');
  }
  const env = options.env ?? process.env;
  const given = options.clients ?? {};
  const providers = config.providers;
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(providers, name)) {
      throw new TypeError(`\`clients.${name}\`: no provider \`${name}\` in \`config.providers\``);
    }
  }

  const clients = new Map<string, ProviderClient>();
  const clientOf = (name: string, provider: ProviderConfig) => (): ProviderClient => {
    let client = clients.get(name);
    if (client === undefined) {
      // A missing key throws (an `auth` ProviderError) and is not cached: setting the variable
      // later makes the next request work.
      client = createProviderClient(name, provider, env, given[name]);
      clients.set(name, client);
    }
    return client;
  };
  const lanes = new Map<string, ProviderLane>();
  for (const [name, provider] of Object.entries(providers)) {
    if (provider.kind === 'openai_compatible' && provider.base_url === undefined && !given[name]) {
      throw new TypeError(`\`providers.${name}.base_url\` is required for kind "openai_compatible"`);
    }
    // Clients the caller gave are checked now, where the mistake is written.
    if (given[name] !== undefined) clientOf(name, provider)();
    lanes.set(name, createProviderLane(name, provider, { scheduler, client: clientOf(name, provider) }));
  }

  const hedging = config.orchestration.hedging;
  let extraInUse = 0;
  const budget: HedgeBudget = {
    tryAcquire: () => {
      if (extraInUse >= hedging.max_extra) return false;
      extraInUse += 1;
      return true;
    },
    release: () => {
      extraInUse -= 1;
    },
  };

  const laneOf = (name: string): ProviderLane => {
    const lane = lanes.get(name);
    if (!lane) throw new TypeError(`no provider \`${name}\` in \`config.providers\``);
    return lane;
  };

  /** `spec` moved to `provider`: same parameters, that provider's first model, same id. */
  const moved = (spec: VariantSpec, provider: string): VariantSpec => {
    const settings = laneOf(provider).config;
    return {
      ...spec,
      provider,
      kind: settings.kind,
      model: settings.models[0]!,
    };
  };

  /** One provider's part of a variant: its retries, maybe a hedge, its total timeout. */
  const stage = (
    spec: VariantSpec,
    request: VariantRequest,
    hooks: LaneHooks,
    permit: Permit,
  ): Observable<VariantEvent> => {
    const lane = laneOf(spec.provider);
    const timing = { provider: spec.provider, variant: spec.id, scheduler };
    const afterMs = (): number | undefined =>
      lane.ttft.count >= hedging.min_samples ? lane.ttft.percentile(hedging.percentile) : undefined;
    const laneHooks: LaneHooks = {
      ...hooks,
      mayRetry: () =>
        permit('retry', spec.provider, spec.model)
          ? undefined
          : refusedError('retry', spec.provider, spec.id, undefined),
    };
    // A hedge takes a place in the pool-wide budget, then asks the call: a refusal gives it back.
    const hedgeBudget: HedgeBudget = {
      tryAcquire: () => {
        if (!budget.tryAcquire()) return false;
        if (permit('hedge', spec.provider, spec.model)) return true;
        budget.release();
        return false;
      },
      release: budget.release,
    };
    const body =
      hedging.max_extra > 0
        ? hedge({
            primary: (sent) => lane.run(spec, request, { ...laneHooks, onSent: sent }),
            backup: () => lane.run(spec, request, laneHooks),
            afterMs,
            budget: hedgeBudget,
            onHedge: (ms) =>
              safely(hooks.onNotice, {
                type: 'hedge',
                variant: spec.id,
                provider: spec.provider,
                afterMs: ms,
              } satisfies PoolNotice),
            scheduler,
          })
        : lane.run(spec, request, laneHooks);
    return body.pipe(totalTimeout(lane.config.timeouts.total_ms, timing));
  };

  /** The call's `mayLaunch`, asked safely; a refusal is told as a `refused` notice. */
  const permitOf =
    (spec: VariantSpec, callOptions: PoolCallOptions, hooks: LaneHooks): Permit =>
    (launch, provider, model) => {
      const ask = callOptions.mayLaunch;
      if (ask === undefined) return true;
      let allowed: boolean;
      try {
        allowed = ask(launch, provider, model) !== false;
      } catch (error) {
        // A broken permission callback refuses (spending is what it guards), and is reported.
        safely(() => {
          throw error;
        }, undefined);
        allowed = false;
      }
      if (!allowed) {
        safely(hooks.onNotice, {
          type: 'refused',
          variant: spec.id,
          launch,
          provider,
          model,
        } satisfies PoolNotice);
      }
      return allowed;
    };

  return {
    variant(spec, request, callOptions = {}) {
      checkSpec(spec);
      checkRequest(request);
      laneOf(spec.provider);
      const hooks: LaneHooks = { onUsage: callOptions.onUsage, onNotice: callOptions.onNotice };
      const permit = permitOf(spec, callOptions, hooks);
      const chain = fallbackChain(providers, spec.provider);
      return fallback(
        chain,
        (provider, index) => stage(index === 0 ? spec : moved(spec, provider), request, hooks, permit),
        (from, to, error) => {
          const target = moved(spec, to);
          // Thrown, the refusal ends the chain here: the variant ends with it (see `fallback`).
          if (!permit('fallback', to, target.model)) throw refusedError('fallback', to, spec.id, error);
          safely(hooks.onNotice, {
            type: 'fallback',
            variant: spec.id,
            from,
            to,
            error: asProviderError(error, from, spec.id),
          } satisfies PoolNotice);
        },
      ).pipe(endOnError(spec.id));
    },

    fallbackSpec(spec, tried) {
      checkSpec(spec);
      if (!Array.isArray(tried)) throw new TypeError('`tried` must be an array of provider names');
      const next = fallbackChain(providers, spec.provider)
        .slice(1)
        .find((name) => !tried.includes(name));
      if (next === undefined) return undefined;
      const target = moved(spec, next);
      // A new id: the rescue runs next to the variant it replaces, and the plain id of that
      // provider × model × parameters may belong to another planned variant.
      return { ...target, id: `${spec.id}>${next}:${target.model}` };
    },

    health() {
      const out: Record<string, ProviderHealth> = {};
      for (const [name, lane] of lanes) out[name] = lane.health();
      return Object.freeze(out);
    },
  };
}

/** Whether the call lets an extra request go to `provider` / `model`. */
type Permit = (launch: PoolLaunch, provider: string, model: string) => boolean;

/** The error that ends a variant whose retry or fallback the call refused. */
function refusedError(launch: PoolLaunch, provider: string, variant: string, cause: unknown): ProviderError {
  const what = launch === 'retry' ? 'a retry' : launch === 'fallback' ? 'the fallback' : 'a hedge';
  return new ProviderError({
    type: 'budget',
    provider,
    variant,
    message: `not sent: ${what} to \`${provider}\` was refused (the decision's budget does not allow another request)`,
    ...(cause !== undefined && { cause }),
  });
}

function asProviderError(error: unknown, provider: string, variant: string): ProviderError {
  if (error instanceof ProviderError) return error.withVariant(variant);
  return new ProviderError({
    type: 'bad_response',
    provider,
    variant,
    message: `the stream failed with an unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    cause: error,
  });
}

function checkSpec(spec: VariantSpec): void {
  if (typeof spec !== 'object' || spec === null) throw new TypeError('`spec` must be a VariantSpec');
  for (const key of ['id', 'provider', 'model'] as const) {
    if (typeof spec[key] !== 'string' || spec[key] === '') {
      throw new TypeError(`\`spec.${key}\` must be a non-empty string, got ${JSON.stringify(spec[key])}`);
    }
  }
}

function checkRequest(request: VariantRequest): void {
  if (typeof request !== 'object' || request === null || !Array.isArray(request.messages)) {
    throw new TypeError('`request.messages` must be an array of { role, content }');
  }
  request.messages.forEach((m, i) => {
    if (!m || !['system', 'user', 'assistant'].includes(m.role) || typeof m.content !== 'string') {
      throw new TypeError(
        `\`request.messages[${i}]\` must be { role: 'system' | 'user' | 'assistant', content: string }`,
      );
    }
  });
  const max = request.maxTokens;
  if (max !== undefined && !(Number.isInteger(max) && max >= 1)) {
    throw new TypeError(`\`request.maxTokens\` must be an integer >= 1, got ${String(max)}`);
  }
}
