import type OpenAI from 'openai';
import type { Observable } from 'rxjs';
import type { VariantEvent } from '../events.js';
import { openaiDecoder } from './openaiDecoder.js';
import { promptText, providerStream } from './streamInternals.js';
import { resolveStreamOptions, type StreamOptions } from './streamOptions.js';

/** An OpenAI chat.completions request body; `stream` and `stream_options.include_usage` are set for you. */
export type OpenAIStreamRequest = Omit<OpenAI.Chat.ChatCompletionCreateParamsStreaming, 'stream'>;

/**
 * A cold stream of one OpenAI chat completion (or any OpenAI-compatible server: vLLM, llama.cpp,
 * Groq, Together, OpenRouter… through the client's `baseURL`).
 *
 * Each subscription sends one request through `client` (its auth, base URL and headers) with
 * `stream: true`, `stream_options.include_usage` and `maxRetries: 0` (retries belong to the pool,
 * where they are bounded and visible, whatever the client was created with), and its own
 * `AbortController`: unsubscribing aborts the HTTP request. Emits `start` once the response
 * headers arrive, a `delta` per non-empty text chunk, the `usage` the provider reports (estimated
 * if it sends none) and `end` (`stop` or `length`). Fails with a `ProviderError`: HTTP errors by
 * status (`retryAfterMs` from `retry-after`), in-band error chunks by their type, socket errors as
 * `connection`, a close without `data: [DONE]` as `truncated`, bad JSON as `bad_response`.
 * The body is parsed here, not by the SDK: the SDK ends silently on a close without `[DONE]`.
 *
 * @example
 * ```ts
 * const client = new OpenAI({ apiKey, baseURL, maxRetries: 0 });
 * openaiStream(client, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] })
 *   .subscribe((event) => console.log(event));
 * ```
 */
export function openaiStream(
  client: OpenAI,
  request: OpenAIStreamRequest,
  options?: StreamOptions,
): Observable<VariantEvent> {
  if (typeof client?.chat?.completions?.create !== 'function') {
    throw new TypeError('`client` must be an OpenAI client (`new OpenAI({ apiKey, baseURL })`)');
  }
  const resolved = resolveStreamOptions(options, 'openai', request?.model);
  const body: OpenAI.Chat.ChatCompletionCreateParamsStreaming = {
    ...request,
    stream: true,
    stream_options: { ...request.stream_options, include_usage: true },
  };
  return providerStream({
    ...resolved,
    model: request.model,
    prompt: () => promptText(request.messages),
    open: (signal) => client.chat.completions.create(body, { signal, maxRetries: 0 }).asResponse(),
    decoder: openaiDecoder,
    secrets: () => [client.apiKey],
  });
}
