import { asObject, isError, optionalNumber, readMessages } from './parseInternals.js';
import type { FinishReason, ParsedChat, ProtocolWire, WireMeta, WireRejection, WireUsage } from './wire.js';

const FINGERPRINT = 'fp_emu';

/** OpenAI's `error.type` / `error.code` and default message for an HTTP status. */
function errorShape(status: number): { type: string; code: string | null; message: string } {
  switch (status) {
    case 400:
      return { type: 'invalid_request_error', code: null, message: 'Bad request.' };
    case 401:
      return {
        type: 'invalid_request_error',
        code: 'invalid_api_key',
        message: 'Incorrect API key provided.',
      };
    case 403:
      return {
        type: 'invalid_request_error',
        code: null,
        message: 'You are not allowed to sample from this model.',
      };
    case 404:
      return { type: 'invalid_request_error', code: null, message: 'Not found.' };
    case 413:
      return { type: 'invalid_request_error', code: null, message: 'Request body too large.' };
    case 429:
      return {
        type: 'requests',
        code: 'rate_limit_exceeded',
        message: 'Rate limit reached for requests. Please try again later.',
      };
    case 503:
      return { type: 'server_error', code: null, message: 'The server is overloaded or not ready yet.' };
    default:
      return status >= 500
        ? {
            type: 'server_error',
            code: null,
            message: 'The server had an error while processing your request. Sorry about that!',
          }
        : { type: 'invalid_request_error', code: null, message: `Request failed with status ${status}.` };
  }
}

function chunk(meta: WireMeta, choices: readonly unknown[], usage?: unknown): string {
  const body: Record<string, unknown> = {
    id: meta.id,
    object: 'chat.completion.chunk',
    created: Math.floor(meta.created / 1000),
    model: meta.model,
    system_fingerprint: FINGERPRINT,
    choices,
  };
  // The real API adds `usage` to every chunk only when the client asked for usage.
  if (meta.includeUsage) body['usage'] = usage ?? null;
  return `data: ${JSON.stringify(body)}\n\n`;
}

function deltaChoice(delta: Record<string, unknown>, finishReason: FinishReason | null): unknown {
  return { index: 0, delta, logprobs: null, finish_reason: finishReason };
}

function usageBody(usage: WireUsage): unknown {
  return {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
  };
}

function parseChat(body: unknown): ParsedChat | WireRejection {
  const object = asObject(body);
  if (object === undefined) return { rejected: true, message: 'The request body must be a JSON object.' };
  const model = object['model'];
  if (typeof model !== 'string' || model === '') {
    return { rejected: true, message: "Missing required parameter: 'model'." };
  }
  const messages = readMessages(object['messages']);
  if (messages === undefined) return { rejected: true, message: "Missing required parameter: 'messages'." };
  if (isError(messages)) return { rejected: true, message: `Invalid type for ${messages.error}.` };
  const maxTokens = optionalNumber(object, 'max_completion_tokens') ?? optionalNumber(object, 'max_tokens');
  const temperature = optionalNumber(object, 'temperature');
  const topP = optionalNumber(object, 'top_p');
  for (const value of [maxTokens, temperature, topP]) {
    if (isError(value)) return { rejected: true, message: `Invalid type for ${value.error}.` };
  }
  const stream = object['stream'] === true;
  const includeUsage = stream && asObject(object['stream_options'])?.['include_usage'] === true;
  return {
    model,
    messages,
    stream,
    includeUsage,
    ...(typeof maxTokens === 'number' ? { maxTokens } : {}),
    ...(typeof temperature === 'number' ? { temperature } : {}),
    ...(typeof topP === 'number' ? { topP } : {}),
  };
}

/**
 * OpenAI chat.completions as PROTOCOLS.md records it: `data:` lines of `chat.completion.chunk`,
 * a role chunk first, a finish chunk, the usage chunk when `stream_options.include_usage` is set,
 * then `data: [DONE]`.
 *
 * @example
 * openaiWire.streamDelta(meta, 'Hel', Date.now());
 * // 'data: {"id":"chatcmpl-emu1","object":"chat.completion.chunk",…,"delta":{"content":"Hel"},…}\n\n'
 */
export const openaiWire: ProtocolWire = {
  protocol: 'openai',
  parseChat,
  streamContentType: 'text/event-stream; charset=utf-8',
  headers: (meta) => ({ 'x-request-id': meta.requestId }),
  streamStart: (meta) => chunk(meta, [deltaChoice({ role: 'assistant', content: '', refusal: null }, null)]),
  streamDelta: (meta, text) => chunk(meta, [deltaChoice({ content: text }, null)]),
  streamEnd(meta, reason, usage) {
    let out = chunk(meta, [deltaChoice({}, reason)]);
    if (meta.includeUsage) out += chunk(meta, [], usageBody(usage));
    return out + 'data: [DONE]\n\n';
  },
  streamError: (_meta, message) =>
    `data: ${JSON.stringify({ error: { message: message ?? errorShape(500).message, type: 'server_error', param: null, code: null } })}\n\n`,
  streamMalformed(meta) {
    const valid = chunk(meta, [deltaChoice({ content: 'malformed' }, null)]).trimEnd();
    return `${valid.slice(0, Math.floor(valid.length / 2))}\n\n`;
  },
  completion: (meta, text, reason, usage) =>
    JSON.stringify({
      id: meta.id,
      object: 'chat.completion',
      created: Math.floor(meta.created / 1000),
      model: meta.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: text, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: reason,
        },
      ],
      usage: usageBody(usage),
      system_fingerprint: FINGERPRINT,
    }),
  errorBody(status, message, _meta, code) {
    const shape = errorShape(status);
    return JSON.stringify({
      error: { message: message ?? shape.message, type: shape.type, param: null, code: code ?? shape.code },
    });
  },
  unknownModel: (model) => ({
    status: 404,
    message: `The model \`${model}\` does not exist or you do not have access to it.`,
    code: 'model_not_found',
  }),
  listModels: (models, now) =>
    JSON.stringify({
      object: 'list',
      data: models.map((id) => ({
        id,
        object: 'model',
        created: Math.floor(now / 1000),
        owned_by: 'chorus-emulator',
      })),
    }),
};
