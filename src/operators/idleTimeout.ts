import type { MonoTypeOperatorFunction } from 'rxjs';
import type { VariantEvent } from '../events.js';
import { type TimeoutOptions, validateTimeoutArgs, type WatchdogRule, watchdog } from './timeoutInternals.js';

const rule: WatchdogRule = {
  kind: 'idle',
  // The wait for the first token is firstTokenTimeout's job: counting it here too would make the
  // idle limit double as a first-token limit, usually a much tighter one than intended.
  armAtSubscribe: false,
  step: (event, sawDelta) => {
    if (event.type === 'end') return 'stop';
    return event.type === 'delta' || sawDelta ? 'restart' : 'none';
  },
  describe: (ms) => `idle timeout: no event for ${ms} ms after the previous one (the stream stalled)`,
};

/**
 * Fails a variant stream that stalls mid-answer: once the first `delta` has arrived, every event
 * (`delta`, `usage`, `end`) must follow the previous one within `ms`. Every SDK hangs forever on a
 * stall after the response headers (PROTOCOLS.md); this is the limit that catches it.
 *
 * ```
 * source:  -s---d-d-d-----------d-e|
 * idleTimeout(5)
 * result:  -s---d-d-d----#                ProviderError { type: 'timeout', timeout: 'idle' }
 *
 * source:  -s-------------d-d-e|          (the wait before the first token does not count)
 * result:  -s-------------d-d-e|
 * ```
 *
 * The gap before the first delta does not count (use `firstTokenTimeout` for it); the clock starts
 * at the first delta, restarts at every later event and stops for good at `end` (a variant that has
 * ended cannot stall). Apply it to one variant's stream, before any merge.
 *
 * Cancellation: on timeout the source is unsubscribed (which aborts the HTTP request) *before* the
 * error is delivered downstream. Unsubscribing from the result cancels the timer and the source.
 * The timer is not recreated per token: restarting moves a deadline that one pending action checks.
 *
 * The error's `provider` is the `start` event's, else `options.provider`, else `'unknown'`; its
 * `variant` is the latest event's, else `options.variant`, else left unset.
 *
 * @param ms - the limit in milliseconds; a finite number > 0, else a `TypeError` naming `ms`.
 * @example
 * ```ts
 * anthropicStream(client, request).pipe(firstTokenTimeout(10_000), idleTimeout(5_000));
 * ```
 */
export function idleTimeout(ms: number, options?: TimeoutOptions): MonoTypeOperatorFunction<VariantEvent> {
  validateTimeoutArgs('idleTimeout', ms, options);
  return watchdog(rule, ms, options);
}
