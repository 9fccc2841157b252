import type { MonoTypeOperatorFunction } from 'rxjs';
import type { VariantEvent } from '../events.js';
import { type TimeoutOptions, validateTimeoutArgs, type WatchdogRule, watchdog } from './timeoutInternals.js';

export type { TimeoutOptions } from './timeoutInternals.js';

const rule: WatchdogRule = {
  kind: 'first_token',
  armAtSubscribe: true,
  // The first delta, or an `end` before any delta (an empty answer), settles the question for good.
  step: (event) => (event.type === 'delta' || event.type === 'end' ? 'stop' : 'none'),
  describe: (ms) => `first-token timeout: no token within ${ms} ms of the request`,
};

/**
 * Fails a variant stream whose first `delta` does not arrive within `ms` of subscription (time to
 * first token). The SDKs' own `timeout` only covers the wait for response headers; a provider that
 * answers `200` and then sends nothing would hang forever without this (PROTOCOLS.md).
 *
 * ```
 * source:  -s-----------d--e|
 * firstTokenTimeout(8)
 * result:  -s------#                ProviderError { type: 'timeout', timeout: 'first_token' }
 *
 * source:  -s---d----------e|       (later gaps are idleTimeout's business)
 * result:  -s---d----------e|
 * ```
 *
 * The clock starts when the operator is subscribed and stops for good at the first `delta` (or at
 * an `end` that comes before any delta). `start` and `usage` events do not stop it. Apply it to one
 * variant's stream, before any merge: it times the stream it is given, not each variant in it.
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
 * openaiStream(client, request).pipe(firstTokenTimeout(10_000, { provider: 'openai' }));
 * ```
 */
export function firstTokenTimeout(
  ms: number,
  options?: TimeoutOptions,
): MonoTypeOperatorFunction<VariantEvent> {
  validateTimeoutArgs('firstTokenTimeout', ms, options);
  return watchdog(rule, ms, options);
}
