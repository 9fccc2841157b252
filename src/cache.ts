/**
 * The decision cache: a TTL + LRU store of decided results (quick-lru) with single-flight, and the
 * stable key a decision is cached under.
 *
 * Expiry uses quick-lru's `maxAge`, which reads `Date.now()`: tests drive it with
 * `vi.useFakeTimers()` (which fakes `Date`). quick-lru keeps two generations, so between `maxSize`
 * and `2 × maxSize` entries may be held for a while; `size` never reports more than `maxSize`.
 */
import { createHash } from 'node:crypto';
import QuickLRU from 'quick-lru';
import type { ConsensusConfig } from './config/types.js';
import type { VariantSpec } from './variation.js';

/** Options of `createDecisionCache`. */
export interface DecisionCacheOptions<T> {
  /** How long a result stays, in ms; 0 stores nothing (single-flight only); `Infinity` never expires. */
  readonly ttlMs: number;
  /** Most results kept (least recently used evicted first). */
  readonly maxSize: number;
  /** The default namespace of `keyFor` (e.g. a tenant id). @defaultValue `''` */
  readonly namespace?: string;
  /**
   * Which results are stored; the orchestrator passes "decided, not interrupted". A failed run is
   * never stored. @defaultValue every result
   */
  readonly cacheable?: (result: T) => boolean;
}

/** Counters of a decision cache. */
export interface DecisionCacheStats {
  /** Calls answered from the store. */
  readonly hits: number;
  /** Calls that started a run. */
  readonly misses: number;
  /** Calls that joined a run already in flight for the same key. */
  readonly joins: number;
  /** Runs in flight now. */
  readonly inflight: number;
  /** Results stored now. */
  readonly size: number;
}

/** Per-call options of `getOrRun`. */
export interface GetOrRunOptions {
  /**
   * Stops *this caller* waiting (its promise rejects with the signal's reason). The shared run is
   * aborted only when every caller waiting for it has gone.
   */
  readonly signal?: AbortSignal;
}

/** A cache of decisions; see `createDecisionCache`. */
export interface DecisionCache<T> {
  /**
   * The stored result for `key`, or the result of the run in flight for it, or the result of
   * `run(signal)` (started now, shared with every identical call until it settles). A run that
   * rejects is not stored and every caller waiting for it gets its error.
   */
  getOrRun(key: string, run: (signal: AbortSignal) => Promise<T>, options?: GetOrRunOptions): Promise<T>;
  /** The stored result for `key`, if any, without touching recency or counters. */
  peek(key: string): T | undefined;
  /** Removes a stored result. */
  delete(key: string): boolean;
  /** Removes every stored result (runs in flight are left to finish; their results are stored). */
  clear(): void;
  /** `decisionCacheKey` with this cache's namespace unless the input names one. */
  keyFor(input: DecisionKeyInput): string;
  readonly size: number;
  readonly stats: DecisionCacheStats;
}

interface Flight<T> {
  readonly promise: Promise<T>;
  readonly controller: AbortController;
  waiters: number;
}

/**
 * Creates a decision cache.
 *
 * @example
 * ```ts
 * const cache = createDecisionCache<Decision>({ ttlMs: 3_600_000, maxSize: 500,
 *   cacheable: (d) => d.decided });
 * const key = cache.keyFor({ messages, plan: variator.variants(), consensus, scorerVersions });
 * const decision = await cache.getOrRun(key, (signal) => decide(messages, signal), { signal });
 * cache.stats; // { hits: 0, misses: 1, joins: 0, inflight: 0, size: 1 }
 * ```
 */
export function createDecisionCache<T>(options: DecisionCacheOptions<T>): DecisionCache<T> {
  const { ttlMs, maxSize, namespace = '', cacheable = () => true } = options;
  if (typeof ttlMs !== 'number' || Number.isNaN(ttlMs) || ttlMs < 0) {
    throw new TypeError('`ttlMs` must be a number >= 0 (0 stores nothing, Infinity never expires)');
  }
  if (!Number.isInteger(maxSize) || maxSize < 1) throw new TypeError('`maxSize` must be an integer >= 1');
  if (typeof namespace !== 'string') throw new TypeError('`namespace` must be a string');
  if (typeof cacheable !== 'function') throw new TypeError('`cacheable` must be a function');

  // Results are boxed so that a result that is itself `undefined` is still a hit.
  const store = new QuickLRU<string, { readonly value: T }>({
    maxSize,
    ...(Number.isFinite(ttlMs) && ttlMs > 0 && { maxAge: ttlMs }),
  });
  const inflight = new Map<string, Flight<T>>();
  let hits = 0;
  let misses = 0;
  let joins = 0;

  const start = (key: string, run: (signal: AbortSignal) => Promise<T>): Flight<T> => {
    const controller = new AbortController();
    let promise: Promise<T>;
    try {
      promise = Promise.resolve(run(controller.signal));
    } catch (error) {
      promise = Promise.reject(error);
    }
    const flight: Flight<T> = { promise, controller, waiters: 0 };
    const done = () => {
      if (inflight.get(key) === flight) inflight.delete(key);
    };
    promise.then((result) => {
      done();
      if (ttlMs > 0 && !controller.signal.aborted && cacheable(result)) store.set(key, { value: result });
    }, done);
    inflight.set(key, flight);
    return flight;
  };

  const wait = (key: string, flight: Flight<T>, signal: AbortSignal | undefined): Promise<T> => {
    flight.waiters++;
    if (!signal) return flight.promise;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        flight.waiters--;
        if (flight.waiters === 0) {
          // Nobody wants this run any more: free the key so the next caller starts afresh.
          if (inflight.get(key) === flight) inflight.delete(key);
          flight.controller.abort(signal.reason);
        }
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (value) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  };

  const countStored = () => {
    let n = 0;
    for (const _ of store.keys()) n++;
    return Math.min(n, maxSize);
  };

  return {
    getOrRun(key, run, callOptions = {}) {
      const { signal } = callOptions;
      if (signal?.aborted) return Promise.reject(signal.reason);
      const stored = store.get(key);
      if (stored) {
        hits++;
        return Promise.resolve(stored.value);
      }
      let flight = inflight.get(key);
      if (flight) joins++;
      else {
        misses++;
        flight = start(key, run);
      }
      return wait(key, flight, signal);
    },
    peek: (key) => store.peek(key)?.value,
    delete: (key) => store.delete(key),
    clear: () => store.clear(),
    keyFor: (input) => decisionCacheKey({ ...input, namespace: input.namespace ?? namespace }),
    get size() {
      return countStored();
    },
    get stats() {
      return Object.freeze({ hits, misses, joins, inflight: inflight.size, size: countStored() });
    },
  };
}

/** A chat message as the key reads it: only `role` and the text of `content`. */
export interface KeyMessage {
  readonly role: string;
  readonly content: string | readonly Readonly<Record<string, unknown>>[];
}

/** What a decision's cache key is made of. Anything else on these objects is ignored. */
export interface DecisionKeyInput {
  /** The prompt, or the chat messages (`role` and `content` only). */
  readonly messages: string | readonly KeyMessage[];
  /** The planned variants (`provider`, `kind`, `model`, `temperature`, `topP`, `attempt` only). */
  readonly plan: readonly Pick<VariantSpec, 'provider' | 'model' | 'attempt' | 'temperature' | 'topP'>[];
  /**
   * The consensus settings (`method`, `min_responses`, `confidence_threshold`, `quality_threshold`,
   * `task`, `judge`, `fuser`, `on_low_confidence`, and `max_extra_variants` when asking, only).
   */
  readonly consensus?: Partial<ConsensusConfig>;
  /** Scorer name → version, or the scorers themselves (`name` and `version` only). */
  readonly scorerVersions?:
    | Readonly<Record<string, string>>
    | readonly { readonly name: string; readonly version: string }[];
  /** Tenant separation: equal inputs in different namespaces get different keys. */
  readonly namespace?: string;
  /** Output token limit of the requests. */
  readonly maxTokens?: number;
  /** `orchestration.strategy`. */
  readonly strategy?: string;
}

/**
 * The cache key of a decision: the SHA-256 (hex) of a canonical JSON (keys sorted) of exactly the
 * fields listed in `DecisionKeyInput`. Fields are copied by name, never by spreading, so an API
 * key, header or base URL on the objects passed in can never reach the key, and rotating a key
 * does not invalidate the cache.
 *
 * Message text is normalized so that equivalent prompts share a key: Unicode NFC, `\r\n` → `\n`,
 * trailing spaces removed from each line, runs of spaces and tabs inside a line collapsed to one
 * space, runs of blank lines collapsed to one, blank lines at both ends removed, and the
 * indentation all lines share removed. Relative indentation is kept, because in code prompts it is
 * meaning. Roles are lower-cased. Non-text
 * content parts (images…) enter the key by the hash of their canonical JSON.
 *
 * @example
 * ```ts
 * decisionCacheKey({ messages: 'What is 2+2?', plan: variants, consensus: { method: 'majority' } });
 * // 'e3b0c442…' (64 hex digits)
 * ```
 */
export function decisionCacheKey(input: DecisionKeyInput): string {
  const c = input.consensus ?? {};
  const canonical = {
    v: 1,
    namespace: input.namespace ?? '',
    messages: normalizeMessages(input.messages),
    plan: input.plan.map((v) => ({
      provider: v.provider,
      kind: (v as Partial<VariantSpec>).kind,
      model: v.model,
      temperature: v.temperature,
      topP: v.topP,
      attempt: v.attempt,
    })),
    consensus: {
      method: c.method,
      min_responses: c.min_responses,
      confidence_threshold: c.confidence_threshold,
      quality_threshold: c.quality_threshold,
      task: c.task,
      judge: c.judge,
      fuser: c.fuser,
      on_low_confidence: c.on_low_confidence,
      max_extra_variants: c.on_low_confidence === 'ask' ? c.max_extra_variants : undefined,
    },
    scorers: normalizeScorers(input.scorerVersions),
    maxTokens: input.maxTokens,
    strategy: input.strategy,
  };
  return sha256(canonicalJson(canonical));
}

function normalizeMessages(messages: DecisionKeyInput['messages']): { role: string; content: string }[] {
  const list: readonly KeyMessage[] =
    typeof messages === 'string' ? [{ role: 'user', content: messages }] : messages;
  return list.map((m) => ({ role: String(m.role).trim().toLowerCase(), content: contentText(m.content) }));
}

function contentText(content: KeyMessage['content']): string {
  if (typeof content === 'string') return normalizeText(content);
  return content
    .map((part) =>
      part['type'] === 'text' && typeof part['text'] === 'string'
        ? normalizeText(part['text'])
        : `[part ${sha256(canonicalJson(part))}]`,
    )
    .join('\n');
}

/** The text normalization of `decisionCacheKey` (see there). */
export function normalizeText(text: string): string {
  const lines = text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => {
      const indent = /^[ \t]*/.exec(line)![0];
      return (
        indent +
        line
          .slice(indent.length)
          .replace(/[ \t]+/g, ' ')
          .trimEnd()
      );
    });
  // Remove the indentation every non-blank line shares (so a prompt is "trimmed" on the left
  // without losing the relative indentation of code).
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0]);
  let common = indents[0] ?? '';
  for (const indent of indents) while (!indent.startsWith(common)) common = common.slice(0, -1);
  return lines
    .map((l) => (l.trim() === '' ? '' : l.slice(common.length)))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, '');
}

function normalizeScorers(scorers: DecisionKeyInput['scorerVersions']): [string, string][] {
  if (!scorers) return [];
  const pairs: [string, string][] = Array.isArray(scorers)
    ? (scorers as readonly { name: string; version: string }[]).map((s) => [s.name, s.version])
    : Object.entries(scorers as Readonly<Record<string, string>>);
  return pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** JSON with object keys sorted at every level and `undefined` members dropped. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number') return Object.is(value, -0) ? '0' : JSON.stringify(value);
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined && typeof v !== 'function')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
