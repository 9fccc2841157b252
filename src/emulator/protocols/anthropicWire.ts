import { asObject, contentText, isError, optionalNumber, readMessages } from './parseInternals.js';
import type { FinishReason, ParsedChat, ProtocolWire, WireRejection } from './wire.js';

/** Anthropic's `error.type` and default message for an HTTP status. */
function errorShape(status: number): { type: string; message: string } {
  switch (status) {
    case 400:
      return { type: 'invalid_request_error', message: 'Bad request.' };
    case 401:
      return { type: 'authentication_error', message: 'invalid x-api-key' };
    case 403:
      return {
        type: 'permission_error',
        message: 'Your API key does not have permission to use the specified resource.',
      };
    case 404:
      return { type: 'not_found_error', message: 'The requested resource could not be found.' };
    case 413:
      return { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' };
    case 429:
      return { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit.' };
    case 503:
    case 529:
      return { type: 'overloaded_error', message: 'Overloaded' };
    default:
      return status >= 500
        ? { type: 'api_error', message: 'Internal server error' }
        : { type: 'invalid_request_error', message: `Request failed with status ${status}.` };
  }
}

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

function deltaData(text: string): unknown {
  return { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } };
}

function stopReason(reason: FinishReason): string {
  return reason === 'length' ? 'max_tokens' : 'end_turn';
}

function parseChat(body: unknown): ParsedChat | WireRejection {
  const object = asObject(body);
  if (object === undefined) return { rejected: true, message: 'The request body must be a JSON object.' };
  const model = object['model'];
  if (typeof model !== 'string' || model === '') return { rejected: true, message: 'model: Field required' };
  const messages = readMessages(object['messages']);
  if (messages === undefined) return { rejected: true, message: 'messages: Field required' };
  if (isError(messages)) return { rejected: true, message: messages.error };
  // The real API requires max_tokens; a client that forgets it must learn it here, not in production.
  const maxTokens = optionalNumber(object, 'max_tokens');
  if (maxTokens === undefined) return { rejected: true, message: 'max_tokens: Field required' };
  if (isError(maxTokens)) return { rejected: true, message: maxTokens.error };
  const temperature = optionalNumber(object, 'temperature');
  const topP = optionalNumber(object, 'top_p');
  if (isError(temperature)) return { rejected: true, message: temperature.error };
  if (isError(topP)) return { rejected: true, message: topP.error };
  const system = contentText(object['system']);
  if (system === undefined) return { rejected: true, message: 'system: Input should be a valid string' };
  return {
    model,
    messages: system === '' ? messages : [{ role: 'system', content: system }, ...messages],
    stream: object['stream'] === true,
    includeUsage: true,
    maxTokens,
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { topP } : {}),
  };
}

/**
 * Anthropic Messages as PROTOCOLS.md records it: every SSE event with its `event:` line
 * (`message_start`, `content_block_start`, `ping`, `content_block_delta`…, `content_block_stop`,
 * `message_delta` with the output tokens, `message_stop`).
 *
 * @example
 * anthropicWire.streamDelta(meta, 'Hel', Date.now());
 * // 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}\n\n'
 */
export const anthropicWire: ProtocolWire = {
  protocol: 'anthropic',
  parseChat,
  streamContentType: 'text/event-stream; charset=utf-8',
  headers: (meta) => ({ 'request-id': meta.requestId }),
  streamStart: (meta, usage) =>
    event('message_start', {
      type: 'message_start',
      message: {
        id: meta.id,
        type: 'message',
        role: 'assistant',
        model: meta.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: usage.input, output_tokens: 1 },
      },
    }) +
    event('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    }) +
    event('ping', { type: 'ping' }),
  streamDelta: (_meta, text) => event('content_block_delta', deltaData(text)),
  streamEnd: (_meta, reason, usage) =>
    event('content_block_stop', { type: 'content_block_stop', index: 0 }) +
    event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason(reason), stop_sequence: null },
      usage: { output_tokens: usage.output },
    }) +
    event('message_stop', { type: 'message_stop' }),
  streamError: (_meta, message) =>
    event('error', { type: 'error', error: { type: 'overloaded_error', message: message ?? 'Overloaded' } }),
  streamMalformed() {
    const data = JSON.stringify(deltaData('malformed'));
    return `event: content_block_delta\ndata: ${data.slice(0, Math.floor(data.length / 2))}\n\n`;
  },
  completion: (meta, text, reason, usage) =>
    JSON.stringify({
      id: meta.id,
      type: 'message',
      role: 'assistant',
      model: meta.model,
      content: [{ type: 'text', text }],
      stop_reason: stopReason(reason),
      stop_sequence: null,
      usage: { input_tokens: usage.input, output_tokens: usage.output },
    }),
  errorBody(status, message, meta) {
    const shape = errorShape(status);
    return JSON.stringify({
      type: 'error',
      error: { type: shape.type, message: message ?? shape.message },
      request_id: meta.requestId,
    });
  },
  unknownModel: (model) => ({ status: 404, message: `model: ${model}` }),
};
