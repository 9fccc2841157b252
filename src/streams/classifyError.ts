/**
 * Maps whatever a provider request failed with (an SDK error, a socket error, an in-band error
 * body, our own protocol checks) onto the `ProviderError` family, so that callers switch on `type`
 * and never parse messages.
 */
import { ProviderError, type ProviderErrorType } from '../errors.js';
import type { VariantId } from '../events.js';
import { type HeadersLike, parseRetryAfter } from './parseRetryAfter.js';

/** Who failed, and what the caller knows that the error may not carry. */
export interface ClassifyContext {
  /** Provider name for the error, e.g. `openai`. */
  readonly provider: string;
  readonly variant?: VariantId;
  /** Response headers, when the error itself does not carry them (Ollama's `ResponseError`). */
  readonly headers?: HeadersLike;
  /** HTTP status, when the error itself does not carry it. */
  readonly status?: number;
}

/**
 * The error type an HTTP status means: 429 → `rate_limited`; 401, 402, 403 → `auth`; 503, 529 →
 * `overloaded`; 408 and other ≥ 500 → `server`; other 4xx → `bad_request`.
 *
 * @example
 * ```ts
 * classifyStatus(529); // 'overloaded'
 * ```
 */
export function classifyStatus(status: number): ProviderErrorType {
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 402 || status === 403) return 'auth';
  if (status === 503 || status === 529) return 'overloaded';
  // 408: the provider gave up waiting for our request; like a 5xx, worth another try.
  if (status >= 500 || status === 408) return 'server';
  return 'bad_request';
}

// Error `type` / `code` strings of the three providers' error bodies.
const BODY_TYPES: Readonly<Record<string, ProviderErrorType>> = {
  overloaded_error: 'overloaded',
  rate_limit_error: 'rate_limited',
  rate_limit_exceeded: 'rate_limited',
  insufficient_quota: 'rate_limited',
  requests: 'rate_limited',
  tokens: 'rate_limited',
  api_error: 'server',
  server_error: 'server',
  internal_error: 'server',
  internal_server_error: 'server',
  timeout_error: 'server',
  authentication_error: 'auth',
  permission_error: 'auth',
  billing_error: 'auth',
  invalid_api_key: 'auth',
  invalid_request_error: 'bad_request',
  not_found_error: 'bad_request',
  request_too_large: 'bad_request',
  model_not_found: 'bad_request',
  context_length_exceeded: 'bad_request',
};

function lookup(key: string | undefined): ProviderErrorType | undefined {
  return key !== undefined && Object.hasOwn(BODY_TYPES, key) ? BODY_TYPES[key] : undefined;
}

/** `{ type, code, message }` of an error body in OpenAI's, Anthropic's or Ollama's shape. */
function describeBody(body: unknown): { type?: string; code?: string; message?: string } {
  if (typeof body === 'string') return { message: body };
  if (!isRecord(body)) return {};
  // OpenAI `{ error: { type, code, message } }`, Anthropic `{ type: 'error', error: { type, message } }`,
  // Ollama `{ error: '…' }`; the SDKs sometimes hand us the inner object directly.
  const inner = isRecord(body.error) ? body.error : body;
  return {
    ...(typeof inner.type === 'string' && inner.type !== 'error' && { type: inner.type }),
    ...(typeof inner.code === 'string' && { code: inner.code }),
    ...(typeof inner.message === 'string' && { message: inner.message }),
    ...(typeof body.error === 'string' && { message: body.error }),
  };
}

function typeFromMessage(message: string): ProviderErrorType {
  if (/overload|server busy|capacity/i.test(message)) return 'overloaded';
  if (/rate.?limit|too many requests/i.test(message)) return 'rate_limited';
  if (/not found|invalid|unsupported/i.test(message)) return 'bad_request';
  return 'server';
}

/**
 * Classifies an error body a provider sent *inside* a stream (after a 200): OpenAI's
 * `{"error":{…}}` chunk, Anthropic's `error` event, Ollama's `{"error":"…"}` line. By its `type` /
 * `code` when known (`overloaded_error` → `overloaded`, `rate_limit_error` → `rate_limited`,
 * `api_error` / `server_error` → `server`, …), else by its message, else `server`.
 *
 * @example
 * ```ts
 * classifyErrorBody({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, { provider: 'anthropic' }).type; // 'overloaded'
 * ```
 */
export function classifyErrorBody(body: unknown, context: ClassifyContext): ProviderError {
  const { type, code, message } = describeBody(body);
  const known = lookup(code) ?? lookup(type);
  return new ProviderError({
    type: known ?? typeFromMessage(message ?? ''),
    message: `error in stream: ${message ?? type ?? 'unknown error'}`,
    provider: context.provider,
    ...(context.variant !== undefined && { variant: context.variant }),
    ...(isQuota(type, code) && { isRetryable: false }),
    cause: body,
  });
}

// A 429 for an exhausted quota will not clear by waiting: not retryable.
function isQuota(type: string | undefined, code: string | undefined): boolean {
  return type === 'insufficient_quota' || code === 'insufficient_quota';
}

// Socket-level failure codes (Node system errors and undici's), found anywhere in the cause chain.
const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);
// `TypeError: terminated` (a destroyed socket mid-body), `fetch failed` (before headers).
const CONNECTION_MESSAGES = /^(terminated|fetch failed|other side closed|socket hang up)$/i;

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = error; e !== undefined && e !== null && chain.length < 6; ) {
    chain.push(e);
    e = isRecord(e) || e instanceof Error ? (e as { cause?: unknown }).cause : undefined;
  }
  return chain;
}

/**
 * Classifies any error of a provider request into a `ProviderError`:
 * - a `ProviderError` passes through (attributed to `context.variant`);
 * - an HTTP error (the SDKs' `APIError` with a `status`, Ollama's `ResponseError` with
 *   `status_code`) by {@link classifyStatus}, with `retryAfterMs` from its headers (or
 *   `context.headers`) and its body's message; a 429 for an exhausted quota is not retryable;
 * - an SDK error without a status but with an error body (an in-band error) by
 *   {@link classifyErrorBody};
 * - the SDKs' connection timeout and undici's headers timeout → `timeout` (`first_token`),
 *   undici's body timeout → `timeout` (`idle`);
 * - socket failures (`TypeError: terminated` with cause `UND_ERR_SOCKET`, `ECONNRESET`,
 *   `ECONNREFUSED`, `fetch failed`, the SDKs' `APIConnectionError`) → `connection`;
 * - a `SyntaxError` (unparseable JSON) → `bad_response`;
 * - anything else → `bad_response` (not retryable: an unknown failure is more likely a bug than
 *   a transient fault).
 *
 * @example
 * ```ts
 * classifyError(new TypeError('terminated', { cause: { code: 'UND_ERR_SOCKET' } }), { provider: 'openai' }).type; // 'connection'
 * ```
 */
export function classifyError(error: unknown, context: ClassifyContext): ProviderError {
  const { provider, variant } = context;
  const base = { provider, ...(variant !== undefined && { variant }), cause: error };
  if (error instanceof ProviderError) return variant !== undefined ? error.withVariant(variant) : error;

  const record = isRecord(error) || error instanceof Error ? (error as Record<string, unknown>) : {};
  const status =
    typeof record.status === 'number'
      ? record.status
      : typeof record.status_code === 'number'
        ? record.status_code
        : context.status;
  const message = error instanceof Error ? error.message : String(error);

  if (status !== undefined && status >= 400) {
    const headers = (isRecord(record.headers) ? record.headers : undefined) as HeadersLike | undefined;
    const retryAfterMs = parseRetryAfter(headers ?? context.headers);
    const body = describeBody(record.error);
    return new ProviderError({
      ...base,
      type: classifyStatus(status),
      message: `HTTP ${status}: ${body.message ?? message}`,
      status,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
      ...(isQuota(body.type, body.code) && { isRetryable: false }),
    });
  }

  // Timeouts first: undici wraps its body timeout in the same `TypeError: terminated` as a reset.
  const chain = causes(error).map((e) => ({
    error: e,
    // The SDKs' error classes keep `name` = 'Error'; their constructor names are the classes'.
    name: e instanceof Error ? (e.name !== 'Error' ? e.name : e.constructor.name) : undefined,
    code: isRecord(e) || e instanceof Error ? (e as { code?: unknown }).code : undefined,
  }));
  for (const { name, code } of chain) {
    if (name === 'APIConnectionTimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT') {
      return new ProviderError({ ...base, type: 'timeout', timeout: 'first_token', message });
    }
    if (code === 'UND_ERR_BODY_TIMEOUT') {
      return new ProviderError({ ...base, type: 'timeout', timeout: 'idle', message });
    }
  }
  for (const { error: e, name, code } of chain) {
    if (
      name === 'APIConnectionError' ||
      (typeof code === 'string' && CONNECTION_CODES.has(code)) ||
      (e instanceof Error && CONNECTION_MESSAGES.test(e.message))
    ) {
      const detail = typeof code === 'string' && !message.includes(code) ? ` (${code})` : '';
      return new ProviderError({
        ...base,
        type: 'connection',
        message: `connection failed: ${message}${detail}`,
      });
    }
  }

  // The SDKs raise in-band stream errors as a status-less APIError carrying the body.
  if (record.error !== undefined && /Error$/.test(String(record.name ?? ''))) {
    return classifyErrorBody(record.error, context);
  }
  if (error instanceof SyntaxError) {
    return new ProviderError({ ...base, type: 'bad_response', message: `unparseable response: ${message}` });
  }
  return new ProviderError({ ...base, type: 'bad_response', message: `unexpected failure: ${message}` });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
