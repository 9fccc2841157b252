/**
 * Keeps API keys out of errors. Providers sometimes quote the key they were sent in an error body
 * (a 401's "Incorrect API key provided: sk-…"), and the SDK puts that body in its error's message;
 * from there it would reach our `ProviderError`, logs, decisions and server responses.
 */
import { inspect } from 'node:util';
import { ProviderError } from '../errors.js';

/** Shorter strings are not treated as secrets (they would redact ordinary words). */
const MIN_SECRET_LENGTH = 8;
const REDACTED = '[redacted]';

/**
 * Returns `error` unchanged when none of `secrets` appears in its message or anywhere in its cause;
 * otherwise the same error with each secret replaced by `[redacted]` in the message, and a cause
 * reduced to a plain `Error` with the redacted message (the SDK's error, its body and its request
 * are dropped, since any of them may hold the key).
 *
 * @example
 * redactSecrets(error, [client.apiKey]);
 */
export function redactSecrets(
  error: ProviderError,
  secrets: readonly (string | null | undefined)[],
): ProviderError {
  const list = secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH);
  if (list.length === 0) return error;
  const causeText =
    error.cause === undefined ? '' : inspect(error.cause, { depth: 6, breakLength: Infinity });
  const leaks = (text: string): boolean => list.some((secret) => text.includes(secret));
  if (!leaks(error.message) && !leaks(causeText)) return error;

  const scrub = (text: string): string =>
    list.reduce((out, secret) => out.split(secret).join(REDACTED), text);
  const cause = error.cause instanceof Error ? error.cause : undefined;
  const safeCause = new Error(scrub(cause?.message ?? String(error.cause)));
  safeCause.name = cause?.name ?? 'Error';
  return new ProviderError({
    type: error.type,
    // The constructor adds the `provider (variant …): ` prefix again.
    message: scrub(error.message.slice(error.message.indexOf(': ') + 2)),
    provider: error.provider,
    ...(error.variant !== undefined && { variant: error.variant }),
    ...(error.status !== undefined && { status: error.status }),
    ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }),
    ...(error.timeout !== undefined && { timeout: error.timeout }),
    isRetryable: error.isRetryable,
    cause: safeCause,
  });
}
