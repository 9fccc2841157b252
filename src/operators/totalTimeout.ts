import type { MonoTypeOperatorFunction } from 'rxjs';
import type { VariantEvent } from '../events.js';
import { type TimeoutOptions, validateTimeoutArgs, type WatchdogRule, watchdog } from './timeoutInternals.js';

const rule: WatchdogRule = {
  kind: 'total',
  armAtSubscribe: true,
  // `end` is a variant's last event: erroring after it would report a finished answer as failed.
  step: (event) => (event.type === 'end' ? 'stop' : 'none'),
  describe: (ms) => `total timeout: the stream did not complete within ${ms} ms`,
};

/**
 * Fails a variant stream that has not finished within `ms` of subscription, however steadily it
 * is streaming: a bound on the whole request (and on its cost).
 *
 * ```
 * source:  -s-d-d-d-d-d-d-d-d-e|
 * totalTimeout(10)
 * result:  -s-d-d-d-d#               ProviderError { type: 'timeout', timeout: 'total' }
 * ```
 *
 * The clock starts when the operator is subscribed and stops at completion, error, or the
 * variant's `end` event (after `end` the answer is complete; a source that then lingers before
 * completing is not failed). Apply it to one variant's stream, before any merge.
 *
 * Cancellation: on timeout the source is unsubscribed (which aborts the HTTP request) *before* the
 * error is delivered downstream. Unsubscribing from the result cancels the timer and the source.
 *
 * The error's `provider` is the `start` event's, else `options.provider`, else `'unknown'`; its
 * `variant` is the latest event's, else `options.variant`, else left unset.
 *
 * @param ms - the limit in milliseconds; a finite number > 0, else a `TypeError` naming `ms`.
 * @example
 * ```ts
 * ollamaStream(client, request).pipe(totalTimeout(60_000, { provider: 'ollama' }));
 * ```
 */
export function totalTimeout(ms: number, options?: TimeoutOptions): MonoTypeOperatorFunction<VariantEvent> {
  validateTimeoutArgs('totalTimeout', ms, options);
  return watchdog(rule, ms, options);
}
