import type { UsageEvent, VariantId } from '../events.js';

/** Options shared by the provider stream adapters. */
export interface StreamOptions {
  /**
   * The id every event of this stream carries.
   * @defaultValue `` `${provider}:${request.model}` ``
   */
  readonly variant?: VariantId;
  /**
   * Provider name used in events and errors (e.g. the config's provider key, or `groq` for an
   * OpenAI-compatible server).
   * @defaultValue `'openai'`, `'anthropic'` or `'ollama'`, by adapter
   */
  readonly provider?: string;
  /**
   * Called exactly once per subscription that sent a request, when it settles: with the usage the
   * provider reported, or else an estimate (`estimated: true`): input tokens as reported (Anthropic
   * reports them first) or counted from the prompt, output tokens as reported or counted from the
   * text received (see `countTokens`). A request the provider refused with an HTTP error status is
   * billed nothing: `0` / `0`. This is how the cost of cancelled streams reaches the ledger: an
   * unsubscribed stream emits nothing more, but still calls this, synchronously during the
   * unsubscribe, right after aborting the request (so when `unsubscribe()` returns, the usage is
   * known; the count never loads a tokenizer table there, see `countTokens`' `load` option).
   * If it throws, the error is reported like an RxJS unhandled error, never thrown into the stream.
   * @defaultValue none
   */
  readonly onUsage?: (usage: UsageEvent) => void;
  /**
   * The clock for events' `at`.
   * @defaultValue `performance.now`
   */
  readonly now?: () => number;
  /**
   * Cancels from outside: aborts the request, then the stream emits an estimated `usage` and an
   * `end` with `finish: 'cancelled'` and completes. Already aborted: no request is sent, and the
   * stream emits only that `end`.
   * @defaultValue none
   */
  readonly signal?: AbortSignal;
}

/** {@link StreamOptions} with defaults applied. */
export interface ResolvedStreamOptions {
  readonly variant: VariantId;
  readonly provider: string;
  readonly onUsage: ((usage: UsageEvent) => void) | undefined;
  readonly now: () => number;
  readonly signal: AbortSignal | undefined;
}

/**
 * Validates stream options and a request's `model` at creation time, so that a wrong argument
 * fails where it is written, not at subscribe time.
 *
 * @example
 * ```ts
 * resolveStreamOptions({ variant: 'a' }, 'openai', 'gpt-4o-mini').provider; // 'openai'
 * ```
 */
export function resolveStreamOptions(
  options: StreamOptions | undefined,
  defaultProvider: string,
  model: unknown,
): ResolvedStreamOptions {
  if (typeof model !== 'string' || model.length === 0) {
    throw new TypeError(`\`request.model\` must be a non-empty string, got ${show(model)}`);
  }
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(`\`options\` must be an object or undefined, got ${show(options)}`);
  }
  const { variant, provider = defaultProvider, onUsage, now, signal } = options ?? {};
  if (typeof provider !== 'string' || provider.length === 0) {
    throw new TypeError(`\`options.provider\` must be a non-empty string, got ${show(provider)}`);
  }
  if (variant !== undefined && (typeof variant !== 'string' || variant.length === 0)) {
    throw new TypeError(`\`options.variant\` must be a non-empty string, got ${show(variant)}`);
  }
  if (onUsage !== undefined && typeof onUsage !== 'function') {
    throw new TypeError(`\`options.onUsage\` must be a function, got ${show(onUsage)}`);
  }
  if (now !== undefined && typeof now !== 'function') {
    throw new TypeError(`\`options.now\` must be a function returning milliseconds, got ${show(now)}`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(
      `\`options.signal\` must be an AbortSignal (e.g. \`controller.signal\`), got ${show(signal)}`,
    );
  }
  return {
    variant: variant ?? `${provider}:${model}`,
    provider,
    onUsage,
    now: now ?? (() => performance.now()),
    signal,
  };
}

function show(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
