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
  type Observable,
  of,
  type SchedulerLike,
  Subject,
  type Subscription,
  takeUntil,
  tap,
} from 'rxjs';
import type { ChorusConfig } from '../config/types.js';
import type { ConsensusEngine } from '../consensus/consensusEngine.js';
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
import type { ChatMessage, PoolNotice } from '../pool/poolTypes.js';
import type { Scorer, TaskKind, WeightedScorer } from '../scorers/scorer.js';
import type { VariantSpec } from '../variation.js';
import {
  budgetError,
  buildDecision,
  buildPartials,
  type Choice,
  type OutcomeAgreement,
} from './buildDecision.js';
import { chooseAnswer } from './chooseAnswer.js';
import { ChorusAbortError } from './chorusAbortError.js';
import type { OrchestratorPool } from './poolContract.js';
import type { PromptComplexity } from './promptComplexity.js';
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
  const launches = new Subject<Observable<VariantEvent>>();
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
  // 'choosing': the strategy decides.
  let phase: 'running' | 'usage' | 'choosing' = 'running';
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
  const emitProgress = (): void => {
    trailing?.unsubscribe();
    trailing = undefined;
    if (settled || stopReason !== undefined || quorumDecision !== undefined) return;
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

  const variantStream = (spec: VariantSpec): Observable<VariantEvent> => {
    const id = spec.id;
    const hooks = {
      onUsage: (record: Parameters<typeof ledger.record>[0]) => {
        ledger.record({ ...record, variant: id });
        const entry = tracker.get(id);
        if (entry) {
          entry.reservedUsd = 0;
          entry.usageRecords++;
        }
      },
      onNotice: (n: PoolNotice) => {
        // The pool's own fallback chain moved this variant: those providers count as tried.
        if (n.type === 'fallback') tracker.get(id)?.tried.push(n.from, n.to);
        notice({ type: 'pool', variant: id, atMs: atMs(), notice: n });
      },
    };
    const events = defer(() => ctx.pool.variant(spec, request, hooks)).pipe(
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

  const reserved = (): number => tracker.entries().reduce((sum, e) => sum + e.reservedUsd, 0);

  /** Launches a variant unless the budget forbids it; true when launched. */
  const launch = (specIn: VariantSpec, origin_: VariantOrigin, parent?: TrackedVariant): boolean => {
    const spec = uniqueId(specIn);
    let estimate = 0;
    if (budget !== undefined) {
      const provider = config.providers[spec.provider];
      const next = ledger.estimate({
        provider: spec.provider,
        model: spec.model,
        kind: spec.kind,
        prompt: ctx.promptTokensText,
        maxOutputTokens: provider?.max_tokens ?? config.orchestration.max_tokens,
      });
      if (ledger.wouldExceed(budget, next === undefined ? undefined : reserved() + next)) {
        tracker.skip(spec, origin_, budgetError(spec.provider, spec.id, next, budget), parent);
        notice({ type: 'budget', variant: spec.id, atMs: atMs(), estimateUsd: next, budgetUsd: budget });
        return false;
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
    return true;
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
        if (launch(next, 'fallback', entry)) deficit--;
      }
    }
    while (deficit > 0 && reserve.length > 0) {
      if (launch(reserve.shift()!, 'cascade')) deficit--;
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
        send({
          type: 'variant',
          change,
          variant: tracker.row(entry, now()),
          ...(change === 'failed' && entry.error !== undefined && { error: entry.error }),
        });
        // An end's progress waits for the vote to count it (see `onQuorum`).
        if (change === 'started') progress(true);
        return;
      }
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

  const choose = (stop: DecisionStop): Promise<Choice> =>
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
  const fail = (error: unknown): void => {
    if (settled) return;
    settled = true;
    signal.removeEventListener('abort', onAbort);
    reject(error);
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

  const settle = (): void => {
    phase = 'choosing';
    if (aborted) {
      fail(new ChorusAbortError(partials(), signal.reason));
      return;
    }
    if (pipelineError !== undefined) {
      fail(pipelineError);
      return;
    }
    const stop: DecisionStop = stopReason ?? (quorumDecision?.reached ? 'quorum' : 'exhausted');
    choose(stop).then(
      (choice) => {
        if (settled) return;
        if (signal.aborted) {
          fail(new ChorusAbortError(partials(), signal.reason));
          return;
        }
        const groups = quorumDecision?.groups ?? lastQuorum?.groups ?? [];
        settled = true;
        signal.removeEventListener('abort', onAbort);
        resolve(
          buildDecision({
            choice,
            stop,
            method: ctx.engine.method,
            task: ctx.task,
            confidenceThreshold: consensus.confidence_threshold,
            quorum: {
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
          }),
        );
      },
      (error: unknown) => {
        fail(signal.aborted ? new ChorusAbortError(partials(), signal.reason) : error);
      },
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
      case 'usage':
        return; // `settle` is about to run and sees `aborted`
      case 'choosing':
        fail(new ChorusAbortError(partials(), signal.reason));
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
