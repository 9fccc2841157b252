/**
 * `LLMOrchestrator`: the engine users call. One prompt in; a plan of variants fanned out through
 * the provider pool; their streams scored while they arrive; a decision as soon as enough agree
 * (the rest cancelled); the `Decision` out, with every variant's outcome, timings and cost.
 */
import { asyncScheduler, Observable, type SchedulerLike } from 'rxjs';
import { createDecisionCache, type DecisionCache } from './cache.js';
import { overrideConfig } from './config/overrideConfig.js';
import type { ChorusConfigInput } from './config/schema.js';
import type { ChorusConfig, ConsensusTask } from './config/types.js';
import { configOrigin, validateConfig } from './config/validateConfig.js';
import { type ConsensusEngineOptions, createConsensusEngine } from './consensus/consensusEngine.js';
import { lexicalSimilarity } from './consensus/lexicalSimilarity.js';
import {
  createReliabilityModel,
  type ReliabilityModel,
  type ReliabilityState,
  reliabilityModelFromJSON,
} from './consensus/reliabilityModel.js';
import { createCostLedger } from './cost/costLedger.js';
import { createPriceTable, type PriceTable } from './cost/priceTable.js';
import type { ConsensusEvent, Decision } from './decision.js';
import type { ScoreEmit } from './operators/scoreIncrementally.js';
import type { QuorumAgreement } from './operators/takeUntilQuorum.js';
import { buildPartials } from './orchestrator/buildDecision.js';
import { ChorusAbortError } from './orchestrator/chorusAbortError.js';
import { classifyTask } from './orchestrator/classifyTask.js';
import type { ProviderClients } from './orchestrator/emulatorClients.js';
import { extraVariants } from './orchestrator/extraVariants.js';
import { launchOrder } from './orchestrator/launchOrder.js';
import type { OrchestratorPool } from './orchestrator/poolContract.js';
import { promptComplexity } from './orchestrator/promptComplexity.js';
import { type LiveRun, type RunContext, runDecision } from './orchestrator/runDecision.js';
import type { ChatMessage, ProviderHealth, ProviderPool } from './pool/poolTypes.js';
import { createProviderPool } from './pool/providerPool.js';
import { answerKey } from './scorers/answerKey.js';
import { createDefaultScorers } from './scorers/registry.js';
import type { Scorer, TaskKind, WeightedScorer } from './scorers/scorer.js';
import { ParameterVariator, type VariantSpec } from './variation.js';

/** Scorers: a fixed list, or one per task kind (sync or async). */
export type ScorerSource =
  | readonly (Scorer | WeightedScorer)[]
  | ((
      task: TaskKind,
    ) => readonly (Scorer | WeightedScorer)[] | Promise<readonly (Scorer | WeightedScorer)[]>);

/** Options of `new LLMOrchestrator(config, options)`. */
export interface LLMOrchestratorOptions {
  /**
   * The provider pool. Its rate limiters, circuit breakers and TTFT statistics live as long as it
   * does, so one orchestrator (one pool) should serve many calls.
   * @defaultValue `createProviderPool(config, { env, scheduler, clients })`
   */
  readonly pool?: ProviderPool | Pick<ProviderPool, 'variant' | 'fallbackSpec'>;
  /** SDK clients by provider name for the default pool (e.g. `emulatorClients(config, emulator)`). */
  readonly clients?: ProviderClients;
  /** Where the default pool reads API keys. @defaultValue `process.env` */
  readonly env?: NodeJS.ProcessEnv;
  /** Timers: the total timeout, the progress throttle (and the default pool's). @defaultValue `asyncScheduler` */
  readonly scheduler?: SchedulerLike;
  /**
   * The decision cache, or `false` for none.
   * @defaultValue `createDecisionCache({ ttlMs: cache_ttl × 1000, maxSize: cache_size, namespace })`
   */
  readonly cache?: DecisionCache<Decision> | false;
  /** Default cache namespace (e.g. a tenant id). @defaultValue `''` */
  readonly namespace?: string;
  /** Prices. @defaultValue `createPriceTable(config)` (the shipped table with the config's overrides) */
  readonly prices?: PriceTable;
  /** @defaultValue the task's defaults (`createDefaultScorers(task)`) */
  readonly scorers?: ScorerSource;
  /**
   * Source reliabilities, learned after every decision (unsupervised) and used by
   * `quality_weighted`; a model, or its saved JSON. @defaultValue a new model
   */
  readonly reliability?: ReliabilityModel | ReliabilityState;
  /**
   * Extra options of the consensus engine: a comparator (`compare`, `swap`) for `tournament`, a
   * fuse function (`fuse`) and `top` for `hybrid_merge`, `useScores`, `base`, `onLow`… `method`
   * and `kind` come from the config and the task. The config's `judge` and `fuser` (a provider of
   * the pool, billed to the decision) take precedence over `compare` and `fuse`.
   */
  readonly consensus?: Omit<ConsensusEngineOptions, 'method' | 'kind' | 'reliability' | 'path'>;
  /**
   * Text tasks vote by similarity (character-trigram cosine, `lexicalSimilarity`): answers at or
   * above this agree. Other tasks vote by extracted answer (`answerKey`). @defaultValue 0.7
   */
  readonly textAgreement?: number;
  /** Least ms between two `progress` events caused by new text (state changes are immediate). @defaultValue 100 */
  readonly progressMs?: number;
  /** When scorers run on streaming text (see `scoreIncrementally`). @defaultValue `{ everyChars: 256 }` */
  readonly scoreEmit?: ScoreEmit;
}

/** A prompt: text (one user message), or chat messages. */
export type Prompt = string | { readonly messages: readonly ChatMessage[] };

/** Options of one call. */
export interface CallOptions {
  /** Cancels the call: every request is aborted; `run` rejects with a `ChorusAbortError`. */
  readonly signal?: AbortSignal;
  /**
   * Config keys for this call only, in the config's own vocabulary, merged and validated like the
   * file (e.g. `{ orchestration: { consensus: { method: 'majority' } } }`). The pool's settings
   * (keys, URLs, rate limits, retries, breakers, timeouts) are the pool's and stay as created.
   */
  readonly overrides?: ChorusConfigInput;
  /** The task kind; overrides `orchestration.consensus.task`. */
  readonly task?: ConsensusTask;
  /** Cache namespace of this call. @defaultValue the orchestrator's `namespace` */
  readonly namespace?: string;
  /** `false` skips the cache for this call (no lookup, no store). @defaultValue true */
  readonly cache?: boolean;
}

const TASKS: readonly ConsensusTask[] = ['code', 'math', 'choice', 'text', 'auto'];
const ROLES: readonly string[] = ['system', 'user', 'assistant'];

/**
 * The LLMOrchestrator of the design: coordinates the variator, the provider pool, the scorers,
 * the quorum, the consensus engine, the cache and the cost ledger.
 *
 * One call, in order:
 * 1. the per-call config (`overrides` merged and validated), the task (`auto`: `classifyTask`) and
 *    the prompt's complexity (`promptComplexity`);
 * 2. the plan (`ParameterVariator`), split by `strategy` (`launchOrder`: `parallel` launches every
 *    variant; `cascade` the cheapest `min_responses` first for a prompt that is not complex);
 * 3. the cache (when `cache_ttl` > 0): a stored decision is replayed with zero requests; an
 *    identical call in flight is joined (single flight);
 * 4. each variant through `pool.variant()` (retries, fallback chain, hedging, timeouts inside);
 *    a launch that would pass `budget_usd` is skipped, and inside the pool so is a retry, hedge or
 *    fallback (`mayLaunch`);
 * 5. their merge → `snapshots()` → `scoreIncrementally(scorers)` → `takeUntilQuorum({ quorum:
 *    min_responses, agree: answerKey(task) (text: similarity), confidence: confidence_threshold })`;
 *    the quorum completing cancels the variants still streaming (their HTTP requests are aborted
 *    and billed from the tokens received, marked estimated);
 * 6. a variant that fails is not restarted: when the quorum can no longer be met by the variants
 *    still running, a fallback (`pool.fallbackSpec`) or the next cascade variant is launched;
 *    a finished answer scoring `quality_threshold` decides at once; `timeout_seconds` decides with
 *    what finished (else the best partial text, flagged);
 * 7. the consensus engine (`method`) picks among every finished answer, learning each source's
 *    reliability as it goes (`chorus.reliability`); with `judge`, a tournament's matches are LLM
 *    calls through the pool, billed to the decision;
 * 8. with `on_low_confidence = "ask"`, a choice that would be "no consensus" launches up to
 *    `max_extra_variants` more variants and chooses again once they have finished;
 * 9. with `hybrid_merge` and `fuser`, the best answers are fused by that provider, streamed like a
 *    variant; its text becomes the decision's (the section-level merge if it fails);
 * 10. the `Decision`, built once every cancelled request has reported its usage.
 *
 * @example
 * ```ts
 * const chorus = new LLMOrchestrator(await loadConfig('chorus.toml'));
 * const decision = await chorus.run('What is 17 * 23?');
 * decision.text; decision.winner; decision.confidence; decision.cost.usd;
 *
 * chorus.stream(prompt, { signal }).subscribe((e) => {
 *   if (e.type === 'progress') render(e.variants, e.leader, e.agreeing, e.quorum);
 *   if (e.type === 'decision') show(e.decision);
 * });
 * ```
 */
export class LLMOrchestrator {
  /** The validated config every call starts from. */
  readonly config: ChorusConfig;
  /** The provider pool (given, or created from the config). */
  readonly pool: OrchestratorPool;
  /** The decision cache (`cache.stats` for hits, misses, joins). Stores nothing when `cache_ttl` is 0. */
  readonly cache: DecisionCache<Decision> | undefined;
  /** What the consensus engine has learned about each source; save it with `toJSON()`. */
  readonly reliability: ReliabilityModel;
  readonly prices: PriceTable;
  readonly #scheduler: SchedulerLike;
  readonly #scorers: ScorerSource | undefined;
  readonly #defaultScorers = new Map<TaskKind, Promise<readonly (Scorer | WeightedScorer)[]>>();
  readonly #pricesGiven: boolean;
  readonly #consensus: LLMOrchestratorOptions['consensus'];
  readonly #textAgreement: number;
  readonly #progressMs: number;
  readonly #scoreEmit: ScoreEmit;
  readonly #namespace: string;

  /**
   * @param config - a validated `ChorusConfig` (`loadConfig`, `validateConfig`), or a config
   *   object in the same vocabulary, validated here (a `ConfigError` names any bad key).
   * @throws ConfigError for an invalid config; TypeError for an invalid option (named).
   */
  constructor(config: ChorusConfig | ChorusConfigInput, options: LLMOrchestratorOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError('`options` must be an object');
    this.config =
      configOrigin(config as ChorusConfig) !== undefined ? (config as ChorusConfig) : validateConfig(config);
    const scheduler = options.scheduler ?? asyncScheduler;
    if (typeof scheduler?.schedule !== 'function' || typeof scheduler?.now !== 'function') {
      throw new TypeError('`scheduler` must be an RxJS SchedulerLike (with `schedule` and `now`)');
    }
    this.#scheduler = scheduler;
    if (options.pool !== undefined) {
      if (typeof options.pool?.variant !== 'function' || typeof options.pool?.fallbackSpec !== 'function') {
        throw new TypeError('`pool` must be a ProviderPool (from `createProviderPool(config)`)');
      }
      this.pool = options.pool;
    } else {
      this.pool = createProviderPool(this.config, {
        scheduler,
        ...(options.env !== undefined && { env: options.env }),
        ...(options.clients !== undefined && { clients: options.clients }),
      });
    }
    if (options.prices !== undefined && typeof options.prices?.lookup !== 'function') {
      throw new TypeError('`prices` must be a PriceTable (from `createPriceTable(…)`)');
    }
    this.#pricesGiven = options.prices !== undefined;
    this.prices = options.prices ?? createPriceTable(this.config);
    const scorers = options.scorers;
    if (scorers !== undefined && typeof scorers !== 'function' && !Array.isArray(scorers)) {
      throw new TypeError(
        '`scorers` must be a list of scorers, or a function of the task kind returning one',
      );
    }
    this.#scorers = scorers;
    const reliability = options.reliability;
    this.reliability =
      reliability === undefined
        ? createReliabilityModel()
        : typeof (reliability as ReliabilityModel).observe === 'function'
          ? (reliability as ReliabilityModel)
          : reliabilityModelFromJSON(reliability);
    this.#consensus = options.consensus;
    this.#textAgreement = checkNumber('textAgreement', options.textAgreement ?? 0.7, 0, 1);
    this.#progressMs = checkNumber('progressMs', options.progressMs ?? 100, 0, Number.MAX_SAFE_INTEGER);
    this.#scoreEmit = options.scoreEmit ?? { everyChars: 256 };
    const namespace = options.namespace ?? '';
    if (typeof namespace !== 'string') throw new TypeError('`namespace` must be a string');
    this.#namespace = namespace;
    const consensus = this.config.orchestration.consensus;
    if (options.cache === false) this.cache = undefined;
    else if (options.cache !== undefined) {
      if (typeof options.cache?.getOrRun !== 'function') {
        throw new TypeError('`cache` must be a DecisionCache (from `createDecisionCache`) or false');
      }
      this.cache = options.cache;
    } else {
      this.cache = createDecisionCache<Decision>({
        ttlMs: consensus.cache_ttl * 1000,
        maxSize: consensus.cache_size,
        namespace,
        cacheable: isCacheable,
      });
    }
  }

  /**
   * Per provider: circuit state, requests in flight and waiting, observed TTFT p95 (from the pool;
   * `{}` for a pool without `health()`).
   */
  health(): Readonly<Record<string, ProviderHealth>> {
    const pool = this.pool as Partial<ProviderPool>;
    return typeof pool.health === 'function' ? pool.health() : {};
  }

  /**
   * Decides, streaming what happens on the way: `progress` (every variant's row, the leader, the
   * vote), `variant` (launched, started, finished, failed), `notice` (retries, fallbacks, hedges,
   * budget, timeout), then one `decision`, then completion. Cold: each subscription is one call.
   * Unsubscribing (or `signal`) cancels every request; with `signal` the stream errors with a
   * `ChorusAbortError` carrying the partial outcomes and cost. A cache hit emits only the
   * `decision` (with `cached: true`) and sends no request.
   *
   * @example
   * ```ts
   * chorus.stream('Write isPrime(n) in TypeScript', { task: 'code' }).subscribe((e) => {
   *   if (e.type === 'progress') console.log(e.variants.map((v) => `${v.id} ${v.state} ${v.tokens}`));
   *   if (e.type === 'decision') console.log(e.decision.text);
   * });
   * ```
   */
  stream(prompt: Prompt, options: CallOptions = {}): Observable<ConsensusEvent> {
    return new Observable<ConsensusEvent>((subscriber) => {
      const controller = new AbortController();
      const outer = options.signal;
      const forward = (): void => controller.abort(outer?.reason);
      let over = false;
      if (outer?.aborted) forward();
      else outer?.addEventListener('abort', forward, { once: true });
      this.#decide(prompt, options, controller.signal, (event) => {
        if (!subscriber.closed) subscriber.next(event);
      }).then(
        (decision) => {
          over = true;
          outer?.removeEventListener('abort', forward);
          subscriber.next({ type: 'decision', decision });
          subscriber.complete();
        },
        (error: unknown) => {
          over = true;
          outer?.removeEventListener('abort', forward);
          subscriber.error(error);
        },
      );
      return () => {
        outer?.removeEventListener('abort', forward);
        if (!over) controller.abort(new DOMException('The subscriber unsubscribed', 'AbortError'));
      };
    });
  }

  /**
   * Decides and resolves with the `Decision`. Rejects with a `ChorusAbortError` when `signal`
   * aborts, with a `DecisionError` when no variant produced any text (all failed, or the timeout
   * came first), and with a `ConfigError` for invalid `overrides`; each error carries the partial
   * outcomes and cost.
   *
   * @example
   * ```ts
   * const decision = await chorus.run('What is 17 * 23?', { task: 'math', signal: AbortSignal.timeout(10_000) });
   * console.log(decision.text, decision.confidence, decision.cost.usd);
   * ```
   */
  run(prompt: Prompt, options: CallOptions = {}): Promise<Decision> {
    return new Promise<Decision>((resolve, reject) => {
      this.stream(prompt, options).subscribe({
        next: (event) => {
          if (event.type === 'decision') resolve(event.decision);
        },
        error: reject,
      });
    });
  }

  async #decide(
    prompt: Prompt,
    options: CallOptions,
    signal: AbortSignal,
    emit: (event: ConsensusEvent) => void,
  ): Promise<Decision> {
    const call = this.#prepare(prompt, options);
    const scorers = await this.#scorersFor(call.task);
    if (signal.aborted) throw new ChorusAbortError(emptyPartials(call.prices), signal.reason);
    const consensus = call.config.orchestration.consensus;
    const { fuse: _fuse, ...engineOptions } = this.#consensus ?? {};
    const engine = createConsensusEngine({
      // A configured fuser runs after the decision (runDecision): the engine merges by sections.
      ...(consensus.fuser === undefined ? this.#consensus : engineOptions),
      method: consensus.method,
      kind: call.task,
      reliability: this.reliability,
      ...(consensus.method === 'confidence' && {
        minAgreement: consensus.confidence_threshold > 0 ? consensus.confidence_threshold : 0.5,
      }),
      ...(consensus.on_low_confidence === 'ask' && { onLow: 'ask' as const }),
      path: 'orchestration.consensus',
    });
    const agreement: QuorumAgreement =
      call.task === 'text'
        ? { similarity: lexicalSimilarity, threshold: this.#textAgreement }
        : answerKey(call.task, { prompt: call.prompt });
    const ctx: RunContext = {
      config: call.config,
      pool: this.pool,
      messages: call.messages,
      prompt: call.prompt,
      promptTokensText: call.messages.map((m) => m.content).join('\n'),
      task: call.task,
      scorers,
      engine,
      prices: call.prices,
      initial: call.order.initial,
      reserve: call.order.reserve,
      agreement,
      complexity: call.complexity,
      scheduler: this.#scheduler,
      now: () => performance.now(),
      progressMs: this.#progressMs,
      scoreEmit: this.#scoreEmit,
      extras: call.extras,
      judge: consensus.method === 'tournament' ? helperSpec(call.config, 'judge') : undefined,
      fuser: consensus.method === 'hybrid_merge' ? helperSpec(call.config, 'fuser') : undefined,
      fuseTop: this.#consensus?.top ?? 3,
    };

    let local: LiveRun | undefined;
    let runSignal: AbortSignal | undefined;
    const start = (s: AbortSignal): Promise<Decision> => {
      runSignal = s;
      local = runDecision(ctx, s, emit);
      return local.promise;
    };
    const cache = this.cache;
    if (cache === undefined || options.cache === false || consensus.cache_ttl === 0) return start(signal);

    const key = cache.keyFor({
      messages: call.messages,
      plan: call.plan,
      consensus,
      scorerVersions: scorers.map((s) => ('scorer' in s ? s.scorer : s)),
      namespace: options.namespace ?? this.#namespace,
      maxTokens: call.config.orchestration.max_tokens,
      strategy: call.config.orchestration.strategy,
    });
    try {
      const decision = await cache.getOrRun(key, start, { signal });
      return local === undefined ? { ...decision, cached: true } : decision;
    } catch (error) {
      if (!(signal.aborted && error === signal.reason)) throw error;
      // The cache gave up waiting for us. If our run was cancelled with us, it has rejected (at
      // once, with the partials); if others still wait for it, report what it had.
      if (local !== undefined && runSignal?.aborted)
        throw await local.promise.then(
          () => error,
          (e: unknown) => e,
        );
      throw new ChorusAbortError(local?.partials() ?? emptyPartials(call.prices), signal.reason);
    }
  }

  #prepare(prompt: Prompt, options: CallOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('`options` must be an object');
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
      throw new TypeError('`options.signal` must be an AbortSignal');
    }
    const config =
      options.overrides !== undefined ? overrideConfig(this.config, options.overrides) : this.config;
    const messages = toMessages(prompt);
    const text = lastUserText(messages);
    const configured = options.task ?? config.orchestration.consensus.task;
    if (!TASKS.includes(configured)) {
      throw new TypeError(
        `\`options.task\` must be one of ${TASKS.map((t) => `'${t}'`).join(', ')}, got ${String(configured)}`,
      );
    }
    const task: TaskKind = configured === 'auto' ? classifyTask(text) : configured;
    const complexity = promptComplexity(text, task);
    const plan = new ParameterVariator(config).variants();
    const prices =
      this.#pricesGiven || options.overrides === undefined ? this.prices : createPriceTable(config);
    const estimator = createCostLedger(prices);
    const promptText = messages.map((m) => m.content).join('\n');
    const order = launchOrder(
      plan,
      config.orchestration.strategy,
      config.orchestration.consensus.min_responses,
      complexity,
      (spec) =>
        estimator.estimate({
          provider: spec.provider,
          model: spec.model,
          kind: spec.kind,
          prompt: promptText,
          maxOutputTokens: config.providers[spec.provider]?.max_tokens ?? config.orchestration.max_tokens,
        }),
    );
    const consensus = config.orchestration.consensus;
    const extras =
      consensus.on_low_confidence === 'ask'
        ? extraVariants(config, plan, consensus.max_extra_variants, this.pool)
        : [];
    return { config, messages, prompt: text, task, complexity, plan, prices, order, extras };
  }

  #scorersFor(task: TaskKind): Promise<readonly (Scorer | WeightedScorer)[]> {
    const source = this.#scorers;
    if (Array.isArray(source)) return Promise.resolve(source);
    if (typeof source === 'function') return Promise.resolve(source(task));
    let found = this.#defaultScorers.get(task);
    if (found === undefined) {
      found = createDefaultScorers(task);
      // A failed load (e.g. a parser that could not start) is retried on the next call.
      found.catch(() => this.#defaultScorers.delete(task));
      this.#defaultScorers.set(task, found);
    }
    return found;
  }
}

/** The spec of the judge's or the fuser's calls: the provider's first model, its default settings. */
function helperSpec(config: ChorusConfig, role: 'judge' | 'fuser'): VariantSpec | undefined {
  const provider = config.orchestration.consensus[role];
  if (provider === undefined) return undefined;
  const settings = config.providers[provider];
  if (settings === undefined) return undefined;
  const model = settings.models[0]!;
  return { id: `${role}:${provider}:${model}`, provider, kind: settings.kind, model, attempt: 1 };
}

/** Decided results only: no best guess, no timeout, no partial text. */
function isCacheable(decision: Decision): boolean {
  return (
    !decision.noConsensus &&
    !decision.partial &&
    decision.stoppedBy !== 'timeout' &&
    decision.winner !== undefined
  );
}

function toMessages(prompt: Prompt): ChatMessage[] {
  if (typeof prompt === 'string') {
    if (prompt.trim() === '') throw new TypeError('`prompt` must not be empty');
    return [{ role: 'user', content: prompt }];
  }
  const messages = (prompt as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new TypeError(
      '`prompt` must be a string or { messages: [{ role, content }, …] } with at least one message',
    );
  }
  return messages.map((m: unknown, i) => {
    const message = m as Partial<ChatMessage> | null;
    if (!ROLES.includes(message?.role as string) || typeof message?.content !== 'string') {
      throw new TypeError(
        `\`prompt.messages[${i}]\` must be { role: 'system' | 'user' | 'assistant', content: string }`,
      );
    }
    return { role: message.role!, content: message.content };
  });
}

function lastUserText(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i]!.role === 'user') return messages[i]!.content;
  return messages[messages.length - 1]!.content;
}

function emptyPartials(prices: PriceTable) {
  const now = performance.now();
  return buildPartials({
    entries: [],
    skipped: [],
    ledger: createCostLedger(prices),
    notices: [],
    startedAt: Date.now(),
    origin: now,
    at: now,
  });
}

function checkNumber(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    throw new TypeError(`\`${name}\` must be a number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}
