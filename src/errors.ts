/**
 * The typed errors of chorus. Every error has a literal `type` to switch on and `isRetryable`, so
 * callers decide without parsing messages, and a message that says what was wrong and where.
 */
import type { VariantId } from './events.js';

/** Why a provider request failed. */
export type ProviderErrorType =
  /** HTTP 429 or a rate-limit error body; `retryAfterMs` when the provider said how long to wait. */
  | 'rate_limited'
  /** Anthropic 529 / `overloaded_error`, HTTP 503. */
  | 'overloaded'
  /** HTTP 5xx or an in-band server error. */
  | 'server'
  /** HTTP 401 / 403: a missing or wrong API key. */
  | 'auth'
  /** HTTP 400 / 404 / 422: the request itself is wrong (model name, parameters). */
  | 'bad_request'
  /** A time limit of chorus fired (`timeout` says which). */
  | 'timeout'
  /** The connection failed or was reset. */
  | 'connection'
  /** The stream ended without its end marker (`[DONE]`, `message_stop`, `done: true`). */
  | 'truncated'
  /** The provider sent something that is not its protocol (malformed JSON, unexpected shape). */
  | 'bad_response'
  /** The provider's circuit breaker is open; no request was sent. */
  | 'circuit_open'
  /** The decision's budget does not allow another request. */
  | 'budget';

/** Which time limit fired for a `timeout` error. */
export type TimeoutKind = 'first_token' | 'idle' | 'total';

const RETRYABLE: Readonly<Record<ProviderErrorType, boolean>> = {
  rate_limited: true,
  overloaded: true,
  server: true,
  auth: false,
  bad_request: false,
  timeout: true,
  connection: true,
  truncated: true,
  bad_response: false,
  circuit_open: false,
  budget: false,
};

/** Whether an error of this type is worth retrying (before the first token only). */
export function isRetryableType(type: ProviderErrorType): boolean {
  return RETRYABLE[type];
}

/** The base of every chorus error. */
export abstract class ChorusError extends Error {
  abstract readonly type: string;
  abstract readonly isRetryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /** A plain, serializable form: no causes, headers or request bodies (so no secrets). */
  toJSON(): Record<string, unknown> {
    return { name: this.name, type: this.type, message: this.message, isRetryable: this.isRetryable };
  }
}

export interface ProviderErrorInit {
  readonly type: ProviderErrorType;
  readonly message: string;
  /** Provider name, e.g. `openai` or the config's provider key. */
  readonly provider: string;
  readonly variant?: VariantId;
  /** HTTP status, when the failure had one. */
  readonly status?: number;
  /** How long the provider asked us to wait (from `retry-after` / `retry-after-ms`). */
  readonly retryAfterMs?: number;
  /** For `timeout`: which limit fired. */
  readonly timeout?: TimeoutKind;
  /** Overrides the default derived from `type`. */
  readonly isRetryable?: boolean;
  readonly cause?: unknown;
}

/** A provider request failed. Raised by the stream adapters and the operators around them. */
export class ProviderError extends ChorusError {
  readonly type: ProviderErrorType;
  readonly provider: string;
  readonly variant: VariantId | undefined;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly timeout: TimeoutKind | undefined;
  readonly isRetryable: boolean;

  constructor(init: ProviderErrorInit) {
    const where = init.variant ? `${init.provider} (variant ${init.variant})` : init.provider;
    super(`${where}: ${init.message}`, { cause: init.cause });
    this.type = init.type;
    this.provider = init.provider;
    this.variant = init.variant;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.timeout = init.timeout;
    this.isRetryable = init.isRetryable ?? isRetryableType(init.type);
  }

  /** The same error attributed to a variant (adapters may not know the variant id). */
  withVariant(variant: VariantId): ProviderError {
    if (this.variant === variant) return this;
    const message = this.message.slice(this.message.indexOf(': ') + 2);
    return new ProviderError({ ...this.init(), message, variant });
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      provider: this.provider,
      variant: this.variant,
      status: this.status,
      retryAfterMs: this.retryAfterMs,
      timeout: this.timeout,
    };
  }

  private init(): ProviderErrorInit {
    return {
      type: this.type,
      message: this.message,
      provider: this.provider,
      ...(this.variant !== undefined && { variant: this.variant }),
      ...(this.status !== undefined && { status: this.status }),
      ...(this.retryAfterMs !== undefined && { retryAfterMs: this.retryAfterMs }),
      ...(this.timeout !== undefined && { timeout: this.timeout }),
      isRetryable: this.isRetryable,
      cause: this.cause,
    };
  }
}

/** A configuration value is invalid. `path` is the key path, e.g. `orchestration.consensus.method`. */
export class ConfigError extends ChorusError {
  readonly type = 'config' as const;
  readonly isRetryable = false;
  readonly path: string;
  readonly value: unknown;
  readonly allowed: string;

  constructor(path: string, value: unknown, allowed: string, detail?: string) {
    super(
      `Invalid config \`${path}\`: got ${describe(value)}, expected ${allowed}${detail ? ` (${detail})` : ''}`,
    );
    this.path = path;
    this.value = value;
    this.allowed = allowed;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), path: this.path, allowed: this.allowed };
  }
}

/** True for errors of chorus (any subclass). */
export function isChorusError(error: unknown): error is ChorusError {
  return error instanceof ChorusError;
}

/** True for provider errors, optionally of one type. */
export function isProviderError(error: unknown, type?: ProviderErrorType): error is ProviderError {
  return error instanceof ProviderError && (type === undefined || error.type === type);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  try {
    const json = JSON.stringify(value);
    return json && json.length > 80 ? `${json.slice(0, 77)}...` : (json ?? String(value));
  } catch {
    return String(value);
  }
}
