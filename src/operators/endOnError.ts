import {
  catchError,
  defer,
  EMPTY,
  type MonoTypeOperatorFunction,
  of,
  type SchedulerLike,
  tap,
  throwError,
} from 'rxjs';
import { type ChorusError, isChorusError, isProviderError, ProviderError } from '../errors.js';
import type { EndEvent, VariantEvent, VariantId } from '../events.js';

/**
 * Turns a variant stream's error into its last event: `end` with `finish: 'error'` and the error,
 * followed by completion. Apply it to each variant *before* merging, so that one failing variant
 * never ends a merge of many.
 *
 * ```
 * variant:      --s--d--d--#
 * endOnError(): --s--d--d--(e|)      e: { type: 'end', finish: 'error', error }
 * ```
 *
 * The error in the `end` event is always a `ChorusError`:
 * - a `ProviderError` is re-attributed to the variant (`withVariant`) when it names another or none;
 * - any other `ChorusError` is kept as is;
 * - anything else (an adapter that did not classify a failure, or a bug) is wrapped in a
 *   `ProviderError` of type `'bad_response'` with the original as `cause`. That type is not
 *   retryable: retrying a failure nobody understood would spend money on the same surprise.
 *
 * The variant id is, in order: the `variant` argument, the variant of the events seen so far, the
 * `ProviderError`'s own variant. When none is known the error is rethrown unchanged, because an
 * `end` event that names no variant could not be matched with anything downstream: pass `variant`.
 * An error after the variant's own `end` event is dropped (the variant is already over).
 *
 * Cancellation: unsubscribing unsubscribes the source at once; nothing is emitted afterwards.
 *
 * @param variant The variant's id, used when the stream fails before any event named it.
 * @param scheduler The clock of the `end` event's `at`.
 * @defaultValue `scheduler`: `performance.now()`, the clock of the provider adapters (RxJS's
 *   `asyncScheduler` counts `Date.now()`, and mixing the two would make durations meaningless).
 * @example
 * ```ts
 * merge(...variants.map((v) => v.stream.pipe(endOnError(v.id)))).pipe(snapshots());
 * ```
 */
export function endOnError(
  variant?: VariantId,
  scheduler?: SchedulerLike,
): MonoTypeOperatorFunction<VariantEvent> {
  if (variant !== undefined && (typeof variant !== 'string' || variant === '')) {
    throw new TypeError(
      `endOnError: \`variant\` must be a non-empty string when given, got ${String(variant)}`,
    );
  }
  if (scheduler !== undefined && typeof scheduler?.now !== 'function') {
    throw new TypeError('endOnError: `scheduler` must be an RxJS SchedulerLike (with `now`)');
  }
  const now = scheduler ? () => scheduler.now() : () => performance.now();
  return (source) =>
    defer(() => {
      let seen: VariantId | undefined;
      let provider: string | undefined;
      let ended = false;
      return source.pipe(
        tap((event) => {
          seen ??= event.variant;
          if (event.type === 'start' && event.provider !== undefined) provider = event.provider;
          if (event.type === 'end') ended = true;
        }),
        catchError((error: unknown) => {
          if (ended) return EMPTY;
          const id = variant ?? seen ?? (isProviderError(error) ? error.variant : undefined);
          if (id === undefined) return throwError(() => error);
          const end: EndEvent = {
            type: 'end',
            variant: id,
            finish: 'error',
            at: now(),
            error: attribute(error, id, provider),
          };
          return of(end);
        }),
      );
    });
}

function attribute(error: unknown, variant: VariantId, provider: string | undefined): ChorusError {
  if (error instanceof ProviderError) return error.withVariant(variant);
  if (isChorusError(error)) return error;
  return new ProviderError({
    type: 'bad_response',
    provider: provider ?? 'unknown',
    variant,
    message: `the stream failed with an unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    cause: error,
  });
}
