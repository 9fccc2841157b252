import { type ChatRequest, Ollama } from 'ollama';
import type { Observable } from 'rxjs';
import type { VariantEvent } from '../events.js';
import { classifyError } from './classifyError.js';
import { ollamaDecoder } from './ollamaDecoder.js';
import { badResponse, isRecord, promptText, providerStream } from './streamInternals.js';
import { resolveStreamOptions, type StreamOptions } from './streamOptions.js';

/** An Ollama `/api/chat` request; `stream` is set for you. */
export type OllamaStreamRequest = Omit<ChatRequest, 'stream'>;

/** What `new Headers(…)` accepts (the DOM's `HeadersInit`, which Node's types do not declare). */
type HeadersInit = NonNullable<ConstructorParameters<typeof Headers>[0]>;

/** How to reach an Ollama server: what `new Ollama(config)` takes, minus `proxy`. */
export interface OllamaClientConfig {
  /** @defaultValue `'http://127.0.0.1:11434'` */
  readonly host?: string;
  /** Sent with every request (e.g. `Authorization` for a hosted Ollama). */
  readonly headers?: HeadersInit;
  /** @defaultValue the global `fetch` */
  readonly fetch?: typeof fetch;
}

/**
 * A cold stream of one Ollama chat.
 *
 * The Ollama SDK has no per-request `signal`, and leaving its iterator early does not cancel the
 * request (the server kept streaming ~3 s when measured). So each subscription makes its own
 * `Ollama` client whose `fetch` carries the subscription's `AbortSignal`: unsubscribing aborts the
 * HTTP request. Pass either that client's config (`{ host, headers, fetch }`) or an `Ollama`
 * instance: its host, headers and custom `fetch` are copied into the per-subscription client (they
 * are `protected` in the SDK's types, so this reads them at run time and throws a `TypeError` at
 * creation if they are not there); the instance itself never sends the request, and its
 * `abort()` does not reach it: unsubscribe instead.
 *
 * Emits `start` once the response headers arrive, a `delta` per non-empty `message.content`, the
 * final line's counts as `usage` (`prompt_eval_count` is missing when the prompt was cached: the
 * input is then estimated) and `end` (`length` for `done_reason: length`). Fails with a
 * `ProviderError`: HTTP errors by status (with `retryAfterMs`), `{"error":…}` lines by message,
 * no `done: true` line → `truncated`, a line that is not JSON → `bad_response`.
 *
 * @example
 * ```ts
 * ollamaStream({ host: 'http://127.0.0.1:11434' }, { model: 'llama3.2', messages: [{ role: 'user', content: 'Hi' }] })
 *   .subscribe((event) => console.log(event));
 * ```
 */
export function ollamaStream(
  client: Ollama | OllamaClientConfig,
  request: OllamaStreamRequest,
  options?: StreamOptions,
): Observable<VariantEvent> {
  const config = clientConfig(client);
  const resolved = resolveStreamOptions(options, 'ollama', request?.model);
  const { provider, variant } = resolved;
  return providerStream({
    ...resolved,
    model: request.model,
    prompt: () => promptText(request.messages),
    open: async (signal) => {
      const baseFetch = config.fetch ?? globalThis.fetch;
      let response: Response | undefined;
      // The SDK's own per-request controller is unreachable (the client is private to this
      // subscription), so our signal replaces it.
      const fetchWithSignal: typeof fetch = async (input, init) => {
        response = await baseFetch(input, { ...init, signal });
        return response;
      };
      const sdk = new Ollama({
        ...(config.host !== undefined && { host: config.host }),
        ...(config.headers !== undefined && { headers: config.headers }),
        fetch: fetchWithSignal,
      });
      try {
        // The SDK checks the status (a `ResponseError` for non-2xx); its iterator is never read:
        // the body is parsed here, where a malformed line is an error and not a console warning.
        await sdk.chat({ ...request, stream: true });
      } catch (error) {
        throw classifyError(error, {
          provider,
          variant,
          ...(response && { headers: response.headers, status: response.status }),
        });
      }
      if (!response) throw badResponse(provider, 'the Ollama SDK returned without sending a request');
      return response;
    },
    decoder: ollamaDecoder,
    // A remote Ollama behind a proxy authenticates with headers: keep their values out of errors.
    secrets: () => headerValues(config.headers),
  });
}

/** Credential header values (`Authorization: Bearer …`, `x-api-key`…), with and without the scheme. */
function headerValues(headers: HeadersInit | undefined): string[] {
  if (headers === undefined) return [];
  return [...new Headers(headers).entries()]
    .filter(([name]) => /auth|key|token|secret|cookie/i.test(name))
    .flatMap(([, v]) => [v, v.replace(/^\w+\s+/, '')]);
}

/** The host, headers and fetch of an `Ollama` instance or config, validated. */
function clientConfig(client: Ollama | OllamaClientConfig): OllamaClientConfig {
  if (!isRecord(client) && !(client instanceof Ollama)) {
    throw new TypeError('`client` must be an `Ollama` instance or `{ host, headers?, fetch? }`');
  }
  let config: Record<string, unknown> = client as Record<string, unknown>;
  if (typeof (client as { chat?: unknown }).chat === 'function') {
    const internals = client as unknown as { config?: unknown; fetch?: unknown };
    if (!isRecord(internals.config) || typeof internals.config.host !== 'string') {
      throw new TypeError(
        '`client`: cannot read the host of this Ollama instance; pass `{ host, headers, fetch }` instead',
      );
    }
    config = { ...internals.config, fetch: internals.fetch };
  }
  const { host, headers, fetch } = config;
  if (host !== undefined && typeof host !== 'string') {
    throw new TypeError('`client.host` must be a URL string such as `http://127.0.0.1:11434`');
  }
  if (fetch !== undefined && typeof fetch !== 'function') {
    throw new TypeError('`client.fetch` must be a fetch function');
  }
  return {
    ...(host !== undefined && host !== '' && { host }),
    ...(headers !== undefined && { headers: headers as HeadersInit }),
    // An instance built without a custom fetch holds the global one: keep following the global.
    ...(typeof fetch === 'function' &&
      fetch !== globalThis.fetch && { fetch: fetch as typeof globalThis.fetch }),
  };
}
