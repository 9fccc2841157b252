import { defer, filter, map, type OperatorFunction } from 'rxjs';
import type { ChorusError } from '../errors.js';
import {
  assertNever,
  type FinishReason,
  type Snapshot,
  type VariantEvent,
  type VariantId,
} from '../events.js';
import type { Complete } from './snapshotInternals.js';

/**
 * Accumulates each variant's events into its state so far: one `Snapshot` per incoming event, for
 * that event's variant.
 *
 * ```
 * events:     --s----d(Hel)----d(lo)----u----e(stop)--|
 * snapshots:  --a----b---------c--------d----f--------|
 *   a: text ''      delta ''     deltas 0  done false  startedAt
 *   b: text 'Hel'   delta 'Hel'  deltas 1               firstTokenAt, lastTokenAt
 *   c: text 'Hello' delta 'lo'   deltas 2               lastTokenAt
 *   d: text 'Hello' delta ''     usage
 *   f: text 'Hello' delta ''     done true  finish 'stop'  endedAt
 * ```
 *
 * Events of several variants may be interleaved (a `merge`); each variant has its own state, kept
 * per subscription. Events of a variant after its `end` are ignored: a finished variant's snapshot
 * never changes again. A variant needs no `start` event; its first event of any kind starts it.
 *
 * Text is accumulated by appending each delta to the previous text. V8 represents appended strings
 * as ropes, so the work per event is proportional to the delta, not to the text so far; consumers
 * that must stay linear read `delta`, not `text` (reading a long rope's characters flattens it).
 * Times (`startedAt`, `firstTokenAt`, `lastTokenAt`, `endedAt`) are the events' own `at`.
 * Optional fields are present, as `undefined`, until known: every snapshot has the same shape,
 * which keeps creating one per token cheap (see `Complete` in snapshotInternals.ts).
 *
 * Cancellation: this operator holds no resources; unsubscribing unsubscribes the source at once.
 * Errors and completion of the source pass through unchanged.
 *
 * @example
 * ```ts
 * merge(a$, b$).pipe(snapshots()).subscribe((s) => render(s.variant, s.text));
 * ```
 */
export function snapshots(): OperatorFunction<VariantEvent, Snapshot> {
  return (source) =>
    defer(() => {
      // Per subscription: two subscribers of the same pipeline never share variant state.
      const latest = new Map<VariantId, Snapshot>();
      return source.pipe(
        map((event) => {
          const next = step(latest.get(event.variant), event);
          if (next !== undefined) latest.set(event.variant, next);
          return next;
        }),
        filter((snapshot): snapshot is Snapshot => snapshot !== undefined),
      );
    });
}

/** The variant's next snapshot after `event`, or `undefined` when the event is to be ignored. */
function step(previous: Snapshot | undefined, event: VariantEvent): Snapshot | undefined {
  if (previous?.done) return undefined;
  let { text, deltas, usage, provider, model, startedAt, firstTokenAt, lastTokenAt } = previous ?? EMPTY;
  let delta = '';
  let done = false;
  let finish: FinishReason | undefined;
  let endedAt: number | undefined;
  let error: ChorusError | undefined;
  switch (event.type) {
    case 'start':
      // A repeated start keeps the first time: the request went out then.
      startedAt ??= event.at;
      provider = event.provider ?? provider;
      model = event.model ?? model;
      break;
    case 'delta':
      text += event.text;
      delta = event.text;
      deltas++;
      firstTokenAt ??= event.at;
      lastTokenAt = event.at;
      break;
    case 'usage':
      usage = { input: event.input, output: event.output, estimated: event.estimated };
      break;
    case 'end':
      done = true;
      finish = event.finish;
      endedAt = event.at;
      error = event.error;
      break;
    default:
      return assertNever(event, 'variant event');
  }
  const next: Complete<Snapshot> = {
    variant: event.variant,
    text,
    delta,
    deltas,
    done,
    finish,
    usage,
    error,
    provider,
    model,
    startedAt,
    firstTokenAt,
    lastTokenAt,
    endedAt,
  };
  return next;
}

const EMPTY: Snapshot = { variant: '', text: '', delta: '', deltas: 0, done: false };
