import { performance } from 'node:perf_hooks';
import type { Fault, Protocol } from './scenario.js';

/** Counters for one model (or for all of them). */
export interface ModelStats {
  /** Chat requests the scenario answered (rejected ones are not counted here). */
  readonly requests: number;
  /** Responses that ended normally, end marker included. */
  readonly completed: number;
  /** Requests in which a fault took effect. */
  readonly faults: number;
  /** Text chunks written (one per streamed event; the whole answer counts its chunks). */
  readonly tokensWritten: number;
  /** Response body bytes written (headers not included). */
  readonly bytesWritten: number;
  /** Responses the client abandoned before the emulator ended them. */
  readonly clientsGone: number;
  /** Chunks the emulator tried to write after the client had gone: a cancellation bug if not 0. */
  readonly tokensAfterGone: number;
  /** Requests still open. */
  readonly open: number;
}

/**
 * How a request ended: `completed` (end marker sent), `fault` (the emulator broke it on purpose),
 * `gone` (the client went away first), `closed` (the emulator was closed under it), or still `open`.
 */
export type RequestOutcome = 'open' | 'completed' | 'fault' | 'gone' | 'closed';

/** One chat request, as the emulator saw it. Times are `performance.now()` milliseconds. */
export interface RequestRecord {
  /** 1-based sequence number of the request in this emulator. */
  readonly id: number;
  readonly protocol: Protocol;
  /** The model name the client asked for. */
  readonly model: string;
  /** 0-based index among this model's requests (the `index` the scenario saw). */
  readonly index: number;
  readonly stream: boolean;
  /** HTTP status sent; 0 until headers are sent (and for a reset before headers). */
  readonly status: number;
  readonly fault?: Fault['kind'];
  /** The drawn time to first chunk (ms, scaled), so a benchmark can tell scripted from measured latency. */
  readonly plannedTtftMs: number;
  readonly startedAt: number;
  readonly headersAt?: number;
  readonly firstChunkAt?: number;
  readonly lastWriteAt?: number;
  readonly endedAt?: number;
  /** When the emulator saw the client go away (`res` closed before it finished). */
  readonly goneAt?: number;
  /** `goneAt - lastWriteAt` (or `- startedAt` if nothing was written). */
  readonly msFromLastWriteToGone?: number;
  readonly tokensWritten: number;
  readonly bytesWritten: number;
  readonly tokensAfterGone: number;
  readonly outcome: RequestOutcome;
}

/** A snapshot of the emulator's counters: plain data, safe to keep and compare. */
export interface EmulatorStats {
  /** All models together, plus requests refused before reaching the scenario (auth, bad JSON, unknown model, 404 path). */
  readonly totals: ModelStats & { readonly rejected: number };
  /** By the model name the client asked for. */
  readonly models: Readonly<Record<string, ModelStats>>;
  /** The most recent requests (at most {@link LOG_LIMIT}), oldest first. */
  readonly log: readonly RequestRecord[];
}

/** The request log keeps this many most recent records; the counters are never truncated. */
export const LOG_LIMIT = 50_000;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** The record the server updates while the request runs. */
export type LiveRecord = Mutable<RequestRecord>;

const zero = (): Mutable<ModelStats> => ({
  requests: 0,
  completed: 0,
  faults: 0,
  tokensWritten: 0,
  bytesWritten: 0,
  clientsGone: 0,
  tokensAfterGone: 0,
  open: 0,
});

/** The bookkeeping behind {@link EmulatorStats}: the server reports, tests read snapshots. */
export interface StatsBook {
  start(
    init: Pick<RequestRecord, 'id' | 'protocol' | 'model' | 'index' | 'stream' | 'fault' | 'plannedTtftMs'>,
  ): LiveRecord;
  headers(record: LiveRecord, status: number): void;
  /** A body write of `bytes`, carrying `tokens` text chunks. */
  wrote(record: LiveRecord, bytes: number, tokens: number): void;
  /** A write attempted after the socket closed: counted, never sent. */
  wroteAfterGone(record: LiveRecord, tokens: number): void;
  faulted(record: LiveRecord): void;
  finish(record: LiveRecord, outcome: Exclude<RequestOutcome, 'open'>): void;
  rejected(): void;
  snapshot(): EmulatorStats;
  reset(): void;
}

/** Creates the emulator's stats book. */
export function createStatsBook(): StatsBook {
  let totals = zero();
  let rejected = 0;
  let models = new Map<string, Mutable<ModelStats>>();
  let log: LiveRecord[] = [];
  const open = new Set<LiveRecord>();
  const countersOf = (record: LiveRecord) => {
    let counters = models.get(record.model);
    if (counters === undefined) {
      counters = zero();
      models.set(record.model, counters);
    }
    return [totals, counters];
  };

  return {
    start(init) {
      const record: LiveRecord = {
        ...init,
        status: 0,
        startedAt: performance.now(),
        tokensWritten: 0,
        bytesWritten: 0,
        tokensAfterGone: 0,
        outcome: 'open',
      };
      if (record.fault === undefined) delete record.fault;
      for (const c of countersOf(record)) {
        c.requests++;
        c.open++;
      }
      open.add(record);
      log.push(record);
      // Drop in batches so a long-running emulator does not shift the array on every request.
      if (log.length > LOG_LIMIT + 1000) log = log.slice(log.length - LOG_LIMIT);
      return record;
    },
    headers(record, status) {
      record.status = status;
      record.headersAt = performance.now();
    },
    wrote(record, bytes, tokens) {
      const now = performance.now();
      record.lastWriteAt = now;
      record.bytesWritten += bytes;
      record.tokensWritten += tokens;
      if (tokens > 0 && record.firstChunkAt === undefined) record.firstChunkAt = now;
      for (const c of countersOf(record)) {
        c.bytesWritten += bytes;
        c.tokensWritten += tokens;
      }
    },
    wroteAfterGone(record, tokens) {
      record.tokensAfterGone += tokens;
      for (const c of countersOf(record)) c.tokensAfterGone += tokens;
    },
    faulted(record) {
      for (const c of countersOf(record)) c.faults++;
    },
    finish(record, outcome) {
      if (record.outcome !== 'open') return;
      const now = performance.now();
      record.outcome = outcome;
      record.endedAt = now;
      if (outcome === 'gone') {
        record.goneAt = now;
        record.msFromLastWriteToGone = now - (record.lastWriteAt ?? record.startedAt);
      }
      open.delete(record);
      for (const c of countersOf(record)) {
        c.open--;
        if (outcome === 'completed') c.completed++;
        if (outcome === 'gone') c.clientsGone++;
      }
    },
    rejected() {
      rejected++;
    },
    snapshot() {
      const copy = (c: ModelStats): ModelStats => ({ ...c });
      return {
        totals: { ...copy(totals), rejected },
        models: Object.fromEntries([...models].map(([name, c]) => [name, copy(c)])),
        log: log.slice(-LOG_LIMIT).map((record) => ({ ...record })),
      };
    },
    reset() {
      // Requests still open stay visible (in the log and `open`) so their ending is still counted.
      totals = zero();
      rejected = 0;
      models = new Map();
      log = [...open];
      for (const record of open) for (const c of countersOf(record)) c.open++;
    },
  };
}
