/**
 * One live decision: launches the variants through the pool, runs them through the operators
 * (`snapshots` → `scoreIncrementally` → `takeUntilQuorum`), rescues the quorum with fallback or
 * cascade launches, enforces the budget, the total timeout and the quality threshold, and builds
 * the `Decision` once every cancelled variant has reported its usage. Not public: the orchestrator
 * calls it, the cache shares it.
 */
import {
  concat,
  defer,
  EMPTY,
  finalize,
  map,
  mergeAll,
  Observable,
  of,
  type SchedulerLike,
  Subject,
  type Subscription,
  takeUntil,
  tap,
} from 'rxjs';
import type { ChorusConfig } from '../config/types.js';
import type { ConsensusEngine } from '../consensus/consensusEngine.js';
import { type FuseFunction, llmFuse } from '../consensus/llmFuse.js';
import { llmJudgeComparator } from '../consensus/llmJudgeComparator.js';
import type { Selection } from '../consensus/selection.js';
import { createCostLedger } from '../cost/costLedger.js';
import type { PriceTable } from '../cost/priceTable.js';
import type {
  ConsensusEvent,
  ConsensusProgress,
  Decision,
  DecisionNotice,
  DecisionStop,
  VariantOrigin,
} from '../decision.js';
import { ProviderError } from '../errors.js';
import {
  assertNever,
  type EndEvent,
  type ScoredSnapshot,
  type VariantEvent,
  type VariantId,
} from '../events.js';
import { endOnError } from '../operators/endOnError.js';
import type { QuorumDecision, QuorumEvent, QuorumProgress } from '../operators/quorumEvents.js';
import { type ScoreEmit, scoreIncrementally } from '../operators/scoreIncrementally.js';
import { snapshots } from '../operators/snapshots.js';
import { type QuorumAgreement, takeUntilQuorum } from '../operators/takeUntilQuorum.js';
import type { ChatMessage, PoolCallOptions, PoolNotice, VariantRequest } from '../pool/poolTypes.js';
import type { Scorer, TaskKind, WeightedScorer } from '../scorers/scorer.js';
import type { VariantSpec } from '../variation.js';
import {
  budgetError,
  buildDecision,
  buildPartials,
  type Choice,
  type OutcomeAgreement,
} from './buildDecision.js';
import { type Chosen, chooseAnswer, mergeSources } from './chooseAnswer.js';
import { ChorusAbortError } from './chorusAbortError.js';
import type { OrchestratorPool } from './poolContract.js';
import type { PromptComplexity } from './promptComplexity.js';
import { type Regrouped, regroup } from './regroup.js';
import { createVariantTracker, type TrackedVariant } from './variantTracker.js';

/** Everything one decision needs, resolved by the orchestrator. */
export interface RunContext {
  readonly config: ChorusConfig;
  readonly pool: OrchestratorPool;
  readonly messages: readonly ChatMessage[];
  /** The text scorers and answer extraction read (the last user message). */
  readonly prompt: string;
  /** Every message's text, for the budget's input-token estimate. */
  readonly promptTokensText: string;
  readonly task: TaskKind;
  readonly scorers: readonly (Scorer | WeightedScorer)[];
  readonly engine: ConsensusEngine;
  readonly prices: PriceTable;
  /** Variants launched at the start, in order. */
  readonly initial: readonly VariantSpec[];
  /** Planned variants held back (cascade), launched in order when the quorum needs them. */
  readonly reserve: readonly VariantSpec[];
  readonly agreement: QuorumAgreement;
  readonly complexity: PromptComplexity;
  /** Timers (total timeout, progress throttle). */
  readonly scheduler: SchedulerLike;
  /** The clock of the variant events' `at` (the adapters use `performance.now()`). */
  readonly now: () => number;
  readonly progressMs: number;
  readonly scoreEmit: ScoreEmit;
  /**
   * Variants `on_low_confidence = "ask"` may add after the cascade reserve, in order (the plan's
   * continuation, then fallback providers); those already launched are passed over.
   */
  readonly extras: readonly VariantSpec[];
  /** The LLM judge of `tournament` (`consensus.judge`): the spec of its calls (ids get `#n`). */
  readonly judge?: VariantSpec | undefined;
  /** The LLM fuser of `hybrid_merge` (`consensus.fuser`). */
  readonly fuser?: VariantSpec | undefined;
  /** How many of the best answers the fuser is given. */
  readonly fuseTop: number;
}

/** A running decision. */
export interface LiveRun {
  readonly promise: Promise<Decision>;
  /** What the run has so far (for a caller that leaves while others still wait for the run). */
  partials(): ReturnType<typeof buildPartials>;
}

type StopReason = Extract<DecisionStop, 'quality' | 'timeout'>;

/** How long the decision waits for cancelled requests to report their usage (normally one turn). */
const USAGE_GRACE_MS = 250;

/**
 * Starts a decision. `emit` receives the progress, variant and notice events (never the decision:
 * that is the promise's). The promise rejects with a `ChorusAbortError` when `signal` aborts, and
 * with a `DecisionError` when the run ends with no text at all.
 */
export function runDecision(
  ctx: RunContext,
  signal: AbortSignal,
  emit: (event: ConsensusEvent) => void,
): LiveRun {
  const { config, scheduler, now } = ctx;
  const consensus = config.orchestration.consensus;
  const quorum = consensus.min_responses;
  const budget = config.orchestration.budget_usd;
  const timeoutMs = config.orchestration.timeout_seconds * 1000;
  const startedAt = Date.now();
  const origin = now();
  const tracker = createVariantTracker(now);
  const ledger = createCostLedger(ctx.prices);
  const notices: DecisionNotice[] = [];
  const stop$ = new Subject<void>();
  const reserve = [...ctx.reserve];
  const request = { messages: ctx.messages };

  let stopReason: StopReason | undefined;
  let qualityWinner: VariantId | undefined;
  let lastQuorum: QuorumProgress | undefined;
  let quorumDecision: QuorumDecision | undefined;
  let launchesClosed = false;
  let settled = false;
  let aborted = false;
  // 'running': variants stream; 'usage': they are cancelled, waiting for their usage reports;
  // 'choosing': the strategy decides; 'asking': more variants stream after a decision that was not
  // confident enough (`on_low_confidence = "ask"`); 'fusing': the LLM fuser streams.
  let phase: 'running' | 'usage' | 'choosing' | 'asking' | 'fusing' = 'running';
  let launches = new Subject<Observable<VariantEvent>>();
  let asked: Decision['asked'];
  /** The vote over every finished answer, once extra variants joined it. */
  let recount: Regrouped | undefined;
  let askSubscription: Subscription | undefined;
  let askTimer: Subscription | undefined;
  let fuseSubscription: Subscription | undefined;
  const askStop$ = new Subject<void>();
  let launchingExtras = false;
  const schedulerOrigin = scheduler.now();
  let pipelineError: unknown;
  let subscription: Subscription | undefined;
  let timer: Subscription | undefined;
  let trailing: Subscription | undefined;
  let lastProgressAt = Number.NEGATIVE_INFINITY;

  const atMs = (): number => Math.round((now() - origin) * 1000) / 1000;
  const partials = () =>
    buildPartials({
      entries: tracker.entries(),
      skipped: tracker.skipped(),
      ledger,
      notices,
      startedAt,
      origin,
      at: now(),
    });
  // Nothing reaches the caller after the run settled or was aborted.
  const send = (event: ConsensusEvent): void => {
    if (!settled && !aborted) emit(event);
  };
  const notice = (n: DecisionNotice): void => {
    notices.push(n);
    send({ type: 'notice', notice: n });
  };

  // ---- progress (throttled for text, immediate for state changes) ----
  const progressEvent = (): ConsensusProgress => {
    const at = now();
    const entries = tracker.entries();
    let leader = lastQuorum?.leader;
    if (leader === undefined) {
      let best: TrackedVariant | undefined;
      for (const e of entries) {
        if (e.state === 'streaming' && e.score !== undefined && (best === undefined || e.score > best.score!))
          best = e;
      }
      leader = best?.spec.id;
    }
    let finished = 0;
    let failed = 0;
    for (const e of entries) {
      if (e.state === 'done') finished++;
      else if (e.state === 'failed' || e.state === 'cancelled') failed++;
    }
    return {
      type: 'progress',
      elapsedMs: Math.round(at - origin),
      variants: entries.map((e) => tracker.row(e, at)),
      leader,
      agreeing: lastQuorum?.agreeing ?? 0,
      quorum,
      groups: lastQuorum?.groups ?? [],
      finished,
      failed,
      streaming: tracker.running(),
      spentUsd: ledger.total.usd,
    };
  };
  /** Progress is live while variants stream towards a decision, and while extras or the fuser stream. */
  const progressOpen = (): boolean =>
    phase === 'asking' ||
    phase === 'fusing' ||
    (phase === 'running' && stopReason === undefined && quorumDecision === undefined);
  const emitProgress = (): void => {
    trailing?.unsubscribe();
    trailing = undefined;
    if (settled || !progressOpen()) return;
    lastProgressAt = scheduler.now();
    send(progressEvent());
  };
  const progress = (immediate: boolean): void => {
    if (settled) return;
    const wait = lastProgressAt + ctx.progressMs - scheduler.now();
    if (immediate || wait <= 0) emitProgress();
    else trailing ??= scheduler.schedule(emitProgress, wait);
  };

  // ---- launching ----
  const uniqueId = (spec: VariantSpec): VariantSpec => {
    if (!tracker.has(spec.id)) return spec;
    let n = 2;
    while (tracker.has(`${spec.id}~${n}`)) n++;
    return { ...spec, id: `${spec.id}~${n}` };
  };

  // ---- the budget ----
  // Worst-case USD of one request: its prompt's tokens plus the provider's output limit. Only
  // computed under a budget (counting tokens may load a tokenizer).
  const estimates = new Map<string, number | undefined>();
  const estimateOf = (provider: string, model: string, prompt?: string): number | undefined => {
    const key = `${provider}\u0000${model}`;
    if (prompt === undefined && estimates.has(key)) return estimates.get(key);
    const settings = config.providers[provider];
    const usd = ledger.estimate({
      provider,
      model,
      ...(settings !== undefined && { kind: settings.kind }),
      prompt: prompt ?? ctx.promptTokensText,
      maxOutputTokens: settings?.max_tokens ?? config.orchestration.max_tokens,
    });
    if (prompt === undefined) estimates.set(key, usd);
    return usd;
  };
  /** USD reserved by model calls that are not variants (the judge's), until their usage is in. */
  let helperReserved = 0;
  const reserved = (): number =>
    tracker.entries().reduce((sum, e) => sum + e.reservedUsd, 0) + helperReserved;
  /** Whether a request of worst case `next` fits: what was spent, plus what runs, plus it. */
  const fits = (next: number | undefined): boolean =>
    budget === undefined || !ledger.wouldExceed(budget, next === undefined ? undefined : reserved() + next);

  /**
   * The pool's callbacks for one variant: usage to the ledger, notices to the decision, and the
   * budget asked before every extra request the pool sends on its own (retry, hedge, fallback).
   */
  const hooksFor = (id: VariantId, prompt?: string): PoolCallOptions => ({
    onUsage: (record) => {
      ledger.record({ ...record, variant: id });
      const entry = tracker.get(id);
      if (entry) {
        entry.usageRecords++;
        // That request is paid for: its reservation is released.
        if (entry.reservedUsd > 0) {
          entry.reservedUsd = Math.max(
            0,
            entry.reservedUsd - (estimateOf(record.provider, record.model, prompt) ?? 0),
          );
        }
      }
    },
    onNotice: (n: PoolNotice) => {
      // The pool's own fallback chain moved this variant: those providers count as tried.
      if (n.type === 'fallback') tracker.get(id)?.tried.push(n.from, n.to);
      notice({ type: 'pool', variant: id, atMs: atMs(), notice: n });
    },
    ...(budget !== undefined && {
      mayLaunch: (_launch, provider, model) => {
        const next = estimateOf(provider, model, prompt);
        if (!fits(next)) return false;
        const entry = tracker.get(id);
        if (entry) entry.reservedUsd += next ?? 0;
        return true;
      },
    }),
  });

  const variantStream = (
    spec: VariantSpec,
    req: VariantRequest = request,
    prompt?: string,
  ): Observable<VariantEvent> => {
    const id = spec.id;
    const hooks = hooksFor(id, prompt);
    const events = defer(() => ctx.pool.variant(spec, req, hooks)).pipe(
      // Attribute every event to this variant, whatever the pool called it.
      map((event) => (event.variant === id ? event : { ...event, variant: id })),
      endOnError(id),
    );
    // A stream that completes without its `end` still ends the variant, as a failure.
    return concat(
      events,
      defer(() => {
        const entry = tracker.get(id);
        if (entry === undefined || entry.endedAt !== undefined) return EMPTY;
        const end: EndEvent = {
          type: 'end',
          variant: id,
          finish: 'error',
          at: now(),
          error: new ProviderError({
            type: 'truncated',
            provider: entry.provider,
            variant: id,
            message: 'the variant stream completed without an end event',
          }),
        };
        return of(end);
      }),
    );
  };

  /** Launches a variant unless the budget forbids it; its id when launched. */
  const launch = (
    specIn: VariantSpec,
    origin_: VariantOrigin,
    parent?: TrackedVariant,
  ): VariantId | undefined => {
    const spec = uniqueId(specIn);
    let estimate = 0;
    if (budget !== undefined) {
      const next = estimateOf(spec.provider, spec.model);
      if (!fits(next)) {
        tracker.skip(spec, origin_, budgetError(spec.provider, spec.id, next, budget), parent);
        notice({ type: 'budget', variant: spec.id, atMs: atMs(), estimateUsd: next, budgetUsd: budget });
        return undefined;
      }
      estimate = next ?? 0;
    }
    const entry = tracker.launch(spec, origin_, estimate, parent);
    if (origin_ !== 'plan') {
      notice({
        type: 'launch',
        variant: spec.id,
        atMs: atMs(),
        origin: origin_,
        ...(parent !== undefined && { fallbackOf: parent.spec.id }),
        provider: spec.provider,
      });
    }
    send({ type: 'variant', change: 'launched', variant: tracker.row(entry, now()) });
    launches.next(variantStream(spec));
    return spec.id;
  };

  /** After a variant ended: launch what the quorum needs, or close the launches when done. */
  const afterEnd = (variant: VariantId): void => {
    if (stopReason !== undefined || quorumDecision !== undefined || launchesClosed) return;
    let deficit = quorum - ((lastQuorum?.agreeing ?? 0) + tracker.running());
    if (deficit > 0) {
      // A failed variant is never restarted; a fallback joins only when the quorum needs it. The
      // variant that just failed goes first, then earlier failures not rescued yet.
      const failed = tracker
        .entries()
        .filter((e) => e.state === 'failed' && !e.rescued)
        .sort((a, b) => (a.spec.id === variant ? -1 : b.spec.id === variant ? 1 : 0));
      for (const entry of failed) {
        if (deficit <= 0) break;
        const tried = [...new Set([...entry.tried, entry.spec.provider, entry.provider])];
        const next = ctx.pool.fallbackSpec(entry.root, tried);
        if (next === undefined) continue;
        entry.rescued = true;
        if (launch(next, 'fallback', entry) !== undefined) deficit--;
      }
    }
    while (deficit > 0 && reserve.length > 0) {
      if (launch(reserve.shift()!, 'cascade') !== undefined) deficit--;
    }
    if (tracker.running() === 0) {
      launchesClosed = true;
      launches.complete();
    }
  };

  // ---- the pipeline ----
  const onRaw = (event: VariantEvent): void => {
    const change = tracker.onEvent(event);
    switch (change) {
      case 'none':
        return;
      case 'text':
        progress(false);
        return;
      case 'started':
      case 'finished':
      case 'failed': {
        const entry = tracker.get(event.variant)!;
        // Its request is over (its usage, reported before its end, released what was left).
        if (change !== 'started') entry.reservedUsd = 0;
        send({
          type: 'variant',
          change,
          variant: tracker.row(entry, now()),
          ...(change === 'failed' && entry.error !== undefined && { error: entry.error }),
        });
        // While running, an end's progress waits for the vote to count it (see `onQuorum`).
        if (change === 'started' || phase !== 'running') progress(true);
        if (change !== 'started' && phase === 'asking' && !launchingExtras && tracker.running() === 0) {
          launches.complete();
        }
        return;
      }
      default:
        assertNever(change, 'variant change');
    }
  };

  const onScored = (snapshot: ScoredSnapshot): void => {
    tracker.onScored(snapshot);
    const threshold = consensus.quality_threshold;
    if (
      threshold !== undefined &&
      snapshot.done &&
      snapshot.finish === 'stop' &&
      snapshot.score >= threshold &&
      stopReason === undefined
    ) {
      stopReason = 'quality';
      qualityWinner = snapshot.variant;
      stop$.next();
    }
  };

  const onQuorum = (event: QuorumEvent): void => {
    if (event.type === 'quorum') {
      quorumDecision = event;
      return;
    }
    lastQuorum = event;
    if (event.cause === 'finished' || event.cause === 'failed') {
      afterEnd(event.variant);
      progress(true);
    }
  };

  // ---- the LLM judge (tournament) ----
  let judgeCalls = 0;
  /** One judge call through the pool, billed to this decision; aborted with `abort`. */
  const judgeOnce = (prompt: string, abort: AbortSignal): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      const base = ctx.judge!;
      judgeCalls += 1;
      const spec: VariantSpec = { ...base, id: `${base.id}#${judgeCalls}` };
      if (abort.aborted) {
        reject(abort.reason);
        return;
      }
      let held = 0;
      const hold = (usd: number): void => {
        held += usd;
        helperReserved += usd;
      };
      const release = (usd = held): void => {
        const r = Math.min(held, usd);
        held -= r;
        helperReserved -= r;
      };
      if (budget !== undefined) {
        const next = estimateOf(spec.provider, spec.model, prompt);
        if (!fits(next)) {
          notice({ type: 'budget', variant: spec.id, atMs: atMs(), estimateUsd: next, budgetUsd: budget });
          reject(budgetError(spec.provider, spec.id, next, budget));
          return;
        }
        hold(next ?? 0);
      }
      let text = '';
      let over = false;
      const done = (): void => {
        over = true;
        release();
        abort.removeEventListener('abort', onAbort);
      };
      const hooks: PoolCallOptions = {
        onUsage: (record) => {
          ledger.record({ ...record, variant: spec.id });
          release(estimateOf(record.provider, record.model, prompt) ?? 0);
        },
        onNotice: (n) => notice({ type: 'pool', variant: spec.id, atMs: atMs(), notice: n }),
        ...(budget !== undefined && {
          mayLaunch: (_launch, provider, model) => {
            const next = estimateOf(provider, model, prompt);
            if (!fits(next)) return false;
            hold(next ?? 0);
            return true;
          },
        }),
      };
      const subscription = defer(() =>
        ctx.pool.variant(spec, { messages: [{ role: 'user', content: prompt }] }, hooks),
      )
        .pipe(endOnError(spec.id))
        .subscribe({
          next: (event) => {
            if (over) return;
            if (event.type === 'delta') text += event.text;
            else if (event.type === 'end') {
              done();
              if (event.finish === 'stop' || event.finish === 'length') resolve(text);
              else reject(event.error ?? truncated(spec, 'the judge stream ended without an answer'));
            }
          },
          complete: () => {
            if (over) return;
            done();
            reject(truncated(spec, 'the judge stream completed without an end event'));
          },
        });
      function onAbort(): void {
        if (over) return;
        subscription.unsubscribe(); // aborts the request; its usage is billed on the way out
        done();
        reject(abort.reason);
      }
      if (!over) abort.addEventListener('abort', onAbort, { once: true });
    });
  const judge =
    ctx.judge === undefined ? undefined : llmJudgeComparator({ question: ctx.prompt, judge: judgeOnce });
  const judgeLabel = ctx.judge === undefined ? undefined : `${ctx.judge.provider}:${ctx.judge.model}`;

  const choose = (stop: DecisionStop, learn: boolean): Promise<Chosen> =>
    chooseAnswer({
      stop,
      entries: tracker.entries(),
      skipped: tracker.skipped().length,
      qualityWinner,
      engine: ctx.engine,
      prompt: ctx.prompt,
      signal,
      config,
      quorumDecision,
      partials,
      compare: judge,
      learn,
      judgeLabel:
        judge === undefined
          ? undefined
          : () => `${judgeLabel}, ${judgeCalls} call${judgeCalls === 1 ? '' : 's'}`,
    });

  const outcomeAgreement = (): OutcomeAgreement => {
    const a = ctx.agreement;
    return typeof a === 'function'
      ? { kind: 'key', key: (s) => a(s as unknown as ScoredSnapshot) }
      : { kind: 'similarity', similarity: a.similarity, threshold: a.threshold };
  };

  let resolve!: (decision: Decision) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<Decision>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const stopTimers = (): void => {
    timer?.unsubscribe();
    trailing?.unsubscribe();
    askTimer?.unsubscribe();
  };
  const fail = (error: unknown): void => {
    if (settled) return;
    settled = true;
    stopTimers();
    signal.removeEventListener('abort', onAbort);
    reject(error);
  };
  const abortError = (): ChorusAbortError => new ChorusAbortError(partials(), signal.reason);
  const onChooseError = (error: unknown): void => {
    fail(signal.aborted ? abortError() : error);
  };

  const onFinal = (): void => {
    phase = 'usage';
    timer?.unsubscribe();
    trailing?.unsubscribe();
    tracker.cancelRunning(now());
    // Every variant has been unsubscribed by now, and the adapters report a cancelled request's
    // usage during the unsubscribe; the grace period covers usage that arrives later (e.g. a
    // custom pool whose requests settle asynchronously).
    afterUsage(settle);
  };

  /** Waits (a few event-loop turns at most) until every answered variant has reported usage. */
  const afterUsage = (then: () => void): void => {
    const deadline = now() + USAGE_GRACE_MS;
    const pending = (): boolean => tracker.entries().some((e) => e.answered && e.usageRecords === 0);
    const step = (): void => {
      if (pending() && now() < deadline) setImmediate(step);
      else then();
    };
    step();
  };

  // With `ask`, the first choice may be followed by a second one: learn once, from the last.
  const mayAsk = consensus.on_low_confidence === 'ask';

  const settle = (): void => {
    phase = 'choosing';
    if (aborted) {
      fail(abortError());
      return;
    }
    if (pipelineError !== undefined) {
      fail(pipelineError);
      return;
    }
    const stop: DecisionStop = stopReason ?? (quorumDecision?.reached ? 'quorum' : 'exhausted');
    choose(stop, !mayAsk).then((chosen) => afterChoice(stop, chosen, mayAsk), onChooseError);
  };

  /** After a choice: ask for more variants, learn, fuse, or decide. */
  const afterChoice = (stop: DecisionStop, chosen: Chosen, learnNow: boolean): void => {
    if (settled) return;
    if (signal.aborted) {
      fail(abortError());
      return;
    }
    if (asked === undefined && shouldAsk(stop, chosen)) {
      ask(stop, chosen);
      return;
    }
    if (learnNow && chosen.selection !== undefined) {
      ctx.engine.learn?.(chosen.candidates, chosen.selection, { prompt: ctx.prompt });
    }
    if (shouldFuse(stop, chosen)) {
      fuse(stop, chosen);
      return;
    }
    finish(stop, chosen.choice);
  };

  // ---- on_low_confidence = "ask" ----
  /**
   * Why a choice would be reported as "no consensus" (as `buildDecision` decides it), or undefined.
   * Asking on every such choice, not only on a low confidence, keeps the threshold monotone:
   * were a choice without a quorum flagged and not asked at a low threshold while a higher one
   * asked, the higher threshold could turn "no consensus" into a decision.
   */
  const shortOf = (stop: DecisionStop, chosen: Chosen): string | undefined => {
    const { choice } = chosen;
    if (choice.confidence < consensus.confidence_threshold) {
      return `confidence ${choice.confidence.toFixed(2)} < confidence_threshold ${consensus.confidence_threshold}`;
    }
    if (stop !== 'quorum') return `no quorum of ${quorum}`;
    if (choice.lowAgreement || choice.moreVariants === true) return 'the method found too little agreement';
    return undefined;
  };
  const shouldAsk = (stop: DecisionStop, chosen: Chosen): boolean =>
    mayAsk &&
    chosen.selection !== undefined &&
    !chosen.choice.partial &&
    (stop === 'quorum' || stop === 'exhausted') &&
    shortOf(stop, chosen) !== undefined;

  /**
   * Launches up to `max_extra_variants` more variants (the cascade reserve first, then
   * `ctx.extras`, each within the budget), lets them finish (within what is left of
   * `timeout_seconds`), and chooses again among every finished answer.
   */
  const ask = (stop: DecisionStop, chosen: Chosen): void => {
    const before = chosen.choice;
    const why = shortOf(stop, chosen)!;
    const leftMs = timeoutMs - (scheduler.now() - schedulerOrigin);
    const launched: VariantId[] = [];
    asked = { confidence: before.confidence, winner: before.winner, launched };
    phase = 'asking';
    let nothing = false;
    launches = new Subject<Observable<VariantEvent>>();
    askSubscription = launches
      .pipe(
        mergeAll(),
        tap(onRaw),
        snapshots(),
        scoreIncrementally(ctx.scorers, {
          context: { prompt: ctx.prompt, task: ctx.task },
          emit: ctx.scoreEmit,
        }),
        tap((snapshot) => tracker.onScored(snapshot)),
        takeUntil(askStop$),
        finalize(() => {
          if (nothing) return;
          askTimer?.unsubscribe();
          trailing?.unsubscribe();
          tracker.cancelRunning(now());
          afterUsage(() => {
            phase = 'choosing';
            if (aborted) {
              fail(abortError());
              return;
            }
            if (pipelineError !== undefined) {
              fail(pipelineError);
              return;
            }
            // The extra answers vote too: enough of them agreeing is a quorum after all.
            recount = regroup(tracker.entries(), outcomeAgreement(), quorum);
            const after: DecisionStop = stop === 'quorum' || recount.reached ? 'quorum' : stop;
            choose(after, true).then((again) => {
              const prefix = `${why}: asked for ${launched.length} more variant${launched.length === 1 ? '' : 's'}; `;
              afterChoice(
                after,
                { ...again, choice: { ...again.choice, reason: prefix + again.choice.reason } },
                false,
              );
            }, onChooseError);
          });
        }),
      )
      .subscribe({
        error: (error: unknown) => {
          pipelineError = error;
        },
      });
    if (leftMs > 0) {
      askTimer = scheduler.schedule(() => {
        notice({ type: 'timeout', atMs: atMs(), timeoutMs });
        askStop$.next();
      }, leftMs);
      const pending = [...reserve.splice(0), ...ctx.extras];
      // A pool that ends a variant synchronously must not close the launches between two of them.
      launchingExtras = true;
      for (const spec of pending) {
        if (launched.length >= consensus.max_extra_variants) break;
        if (tracker.has(spec.id)) continue;
        const id = launch(spec, 'extra');
        if (id !== undefined) launched.push(id);
      }
      launchingExtras = false;
    }
    if (launched.length === 0) {
      // Nothing could be added: the first choice stands, and says why.
      nothing = true;
      askTimer?.unsubscribe();
      askSubscription.unsubscribe();
      phase = 'choosing';
      const cause =
        leftMs <= 0
          ? 'no time was left'
          : consensus.max_extra_variants === 0
            ? 'max_extra_variants is 0'
            : tracker.skipped().some((v) => v.origin === 'extra')
              ? 'the budget allowed none'
              : 'no variant was left to launch';
      const reason = `${why}; no more variants were launched (${cause}); ${before.reason}`;
      afterChoice(stop, { ...chosen, choice: { ...before, reason } }, true);
      return;
    }
    if (tracker.running() === 0) launches.complete();
    progress(true);
  };

  // ---- the LLM fuser (hybrid_merge) ----
  let fuserId: VariantId | undefined;
  const shouldFuse = (stop: DecisionStop, chosen: Chosen): boolean =>
    ctx.fuser !== undefined &&
    ctx.engine.method === 'hybrid_merge' &&
    chosen.selection !== undefined &&
    chosen.candidates.length >= 2 &&
    ctx.fuseTop >= 2 &&
    !chosen.choice.partial &&
    stop !== 'timeout' &&
    stop !== 'quality';

  /** The fuser's model call: a tracked variant of its own, streamed like any other. */
  const fuseCall: FuseFunction = (prompt) =>
    new Observable<string>((subscriber) => {
      const spec = uniqueId(ctx.fuser!);
      let estimate = 0;
      if (budget !== undefined) {
        const next = estimateOf(spec.provider, spec.model, prompt);
        if (!fits(next)) {
          const error = budgetError(spec.provider, spec.id, next, budget);
          tracker.skip(spec, 'fuser', error);
          notice({ type: 'budget', variant: spec.id, atMs: atMs(), estimateUsd: next, budgetUsd: budget });
          subscriber.error(error);
          return undefined;
        }
        estimate = next ?? 0;
      }
      const entry = tracker.launch(spec, 'fuser', estimate);
      fuserId = spec.id;
      notice({ type: 'launch', variant: spec.id, atMs: atMs(), origin: 'fuser', provider: spec.provider });
      send({ type: 'variant', change: 'launched', variant: tracker.row(entry, now()) });
      progress(true);
      const inner = variantStream(spec, { messages: [{ role: 'user', content: prompt }] }, prompt).subscribe({
        next: (event) => {
          onRaw(event);
          if (event.type === 'delta') subscriber.next(event.text);
          else if (event.type === 'end') {
            if (event.finish === 'stop' || event.finish === 'length') subscriber.complete();
            else subscriber.error(event.error ?? truncated(spec, 'the fuser ended without an answer'));
          }
        },
      });
      return () => {
        inner.unsubscribe();
        tracker.cancelRunning(now());
      };
    });

  /** Sends the best answers to the fuser; its answer becomes the decision's, or the merge stands. */
  const fuse = (stop: DecisionStop, chosen: Chosen): void => {
    phase = 'fusing';
    let last: Selection | undefined;
    const done = (selection: Selection | undefined, error: unknown): void => {
      if (settled) return;
      phase = 'choosing';
      const base = chosen.choice;
      const id = fuserId ?? ctx.fuser!.id;
      if (selection === undefined || selection.text.trim() === '') {
        const what =
          error === undefined
            ? 'gave no text'
            : `failed (${error instanceof Error ? error.message : String(error)})`;
        finish(stop, {
          ...base,
          reason: `${base.reason}; the LLM fuser ${id} ${what}, so the text is the section-level merge`,
        });
        return;
      }
      finish(stop, {
        ...base,
        text: selection.text,
        winner: id,
        reason: `${selection.reason} through ${ctx.fuser!.provider}:${ctx.fuser!.model}; before fusing: ${base.reason}`,
        sources: mergeSources(selection),
      });
    };
    fuseSubscription = llmFuse(chosen.candidates, {
      question: ctx.prompt,
      fuse: fuseCall,
      top: ctx.fuseTop,
    }).subscribe({
      next: (event) => {
        if (event.type === 'selection') last = event.selection;
      },
      error: (error: unknown) => done(undefined, error),
      complete: () => done(last, undefined),
    });
  };

  /** Builds the decision and resolves. */
  const finish = (stop: DecisionStop, choice: Choice): void => {
    if (settled) return;
    const groups = quorumDecision?.groups ?? lastQuorum?.groups ?? [];
    settled = true;
    stopTimers();
    signal.removeEventListener('abort', onAbort);
    resolve(
      buildDecision({
        choice,
        stop,
        method: ctx.engine.method,
        task: ctx.task,
        confidenceThreshold: consensus.confidence_threshold,
        quorum: recount ?? {
          required: quorum,
          reached: quorumDecision?.reached ?? false,
          agreeing: quorumDecision?.agreeing ?? lastQuorum?.agreeing ?? 0,
          key: quorumDecision?.reached ? quorumDecision.key : undefined,
          groups,
        },
        entries: tracker.entries(),
        skipped: tracker.skipped(),
        agreement: outcomeAgreement(),
        ledger,
        notices,
        startedAt,
        origin,
        at: now(),
        complexity: ctx.complexity,
        ...(asked !== undefined && { asked }),
      }),
    );
  };

  function onAbort(): void {
    if (settled) return;
    aborted = true;
    switch (phase) {
      case 'running':
        // Aborts every request at once; the rejection follows once their usage is in.
        subscription?.unsubscribe();
        return;
      case 'asking':
        askSubscription?.unsubscribe(); // the same, for the extra variants
        return;
      case 'usage':
        return; // `settle` is about to run and sees `aborted`
      case 'choosing':
        fail(abortError());
        return;
      case 'fusing':
        // Aborts the fuser's request (its usage is recorded on the way out), then rejects.
        fuseSubscription?.unsubscribe();
        fail(abortError());
        return;
      default:
        assertNever(phase, 'phase');
    }
  }

  // Created first: an invalid scorer or rule throws here, before any timer or request exists.
  const score = scoreIncrementally(ctx.scorers, {
    context: { prompt: ctx.prompt, task: ctx.task },
    emit: ctx.scoreEmit,
  });
  const vote = takeUntilQuorum({
    quorum,
    agree: ctx.agreement,
    confidence: consensus.confidence_threshold,
    onNoQuorum: 'best',
    progress: 'changes',
    scheduler,
  });

  if (signal.aborted) {
    fail(new ChorusAbortError(partials(), signal.reason));
    return { promise, partials };
  }
  signal.addEventListener('abort', onAbort, { once: true });

  timer = scheduler.schedule(() => {
    if (stopReason !== undefined || quorumDecision !== undefined) return;
    stopReason = 'timeout';
    notice({ type: 'timeout', atMs: atMs(), timeoutMs });
    stop$.next();
  }, timeoutMs);

  subscription = launches
    .pipe(
      mergeAll(),
      tap(onRaw),
      snapshots(),
      score,
      tap(onScored),
      vote,
      takeUntil(stop$),
      // Runs once the whole pipeline above has been unsubscribed, i.e. every variant still
      // streaming has been cancelled (a `complete` handler would run before that teardown).
      finalize(onFinal),
    )
    .subscribe({
      next: onQuorum,
      error: (error: unknown) => {
        pipelineError = error;
      },
    });

  for (const spec of ctx.initial) launch(spec, 'plan');
  if (tracker.running() === 0 && !launchesClosed) {
    launchesClosed = true;
    launches.complete();
  }
  progress(true);

  return { promise, partials };
}

/** The error of a model call that ended without an answer or an error of its own. */
function truncated(spec: VariantSpec, message: string): ProviderError {
  return new ProviderError({ type: 'truncated', provider: spec.provider, variant: spec.id, message });
}
