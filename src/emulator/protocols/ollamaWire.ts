import { asObject, isError, optionalNumber, readMessages } from './parseInternals.js';
import type { ParsedChat, ProtocolWire, WireMeta, WireRejection, WireTimings, WireUsage } from './wire.js';

const NS_PER_MS = 1_000_000;

function line(data: unknown): string {
  return `${JSON.stringify(data)}\n`;
}

function message(meta: WireMeta, content: string, now: number): Record<string, unknown> {
  return {
    model: meta.model,
    created_at: new Date(now).toISOString(),
    message: { role: 'assistant', content },
  };
}

/** The counts and nanosecond durations of Ollama's final object. */
function finalFields(reason: string, usage: WireUsage, timings: WireTimings): Record<string, unknown> {
  const ns = (ms: number) => Math.max(0, Math.round(ms * NS_PER_MS));
  return {
    done: true,
    done_reason: reason,
    total_duration: ns(timings.totalMs),
    load_duration: 0,
    prompt_eval_count: usage.input,
    prompt_eval_duration: ns(timings.promptEvalMs),
    eval_count: usage.output,
    eval_duration: ns(timings.evalMs),
  };
}

function defaultMessage(status: number): string {
  switch (status) {
    case 400:
      return 'bad request';
    case 401:
      return 'unauthorized';
    case 404:
      return 'not found';
    case 413:
      return 'request body too large';
    case 429:
      return 'too many requests';
    case 503:
      return 'server busy, please try again. maximum pending requests exceeded';
    default:
      return status >= 500 ? 'an error was encountered while running the model' : `status ${status}`;
  }
}

function parseChat(body: unknown): ParsedChat | WireRejection {
  const object = asObject(body);
  if (object === undefined) return { rejected: true, message: 'invalid request body' };
  const model = object['model'];
  if (typeof model !== 'string' || model === '') return { rejected: true, message: 'model is required' };
  // Ollama accepts a chat without messages (it only loads the model); treat it as an empty chat.
  const messages = readMessages(object['messages']) ?? [];
  if (isError(messages)) return { rejected: true, message: messages.error };
  const options = asObject(object['options']) ?? {};
  const numPredict = optionalNumber(options, 'num_predict', 'options.num_predict');
  const temperature = optionalNumber(options, 'temperature', 'options.temperature');
  const topP = optionalNumber(options, 'top_p', 'options.top_p');
  for (const value of [numPredict, temperature, topP]) {
    if (isError(value)) return { rejected: true, message: value.error };
  }
  return {
    model,
    messages,
    // Ollama streams unless told not to.
    stream: object['stream'] !== false,
    includeUsage: true,
    // num_predict < 0 means "no limit" in Ollama.
    ...(typeof numPredict === 'number' && numPredict >= 0 ? { maxTokens: numPredict } : {}),
    ...(typeof temperature === 'number' ? { temperature } : {}),
    ...(typeof topP === 'number' ? { topP } : {}),
  };
}

/**
 * Ollama `/api/chat` as PROTOCOLS.md records it: NDJSON, one object per chunk, the last with
 * `done: true`, `done_reason`, the counts and nanosecond durations.
 *
 * @example
 * ollamaWire.streamDelta(meta, 'Hel', Date.now());
 * // '{"model":"m","created_at":"…","message":{"role":"assistant","content":"Hel"},"done":false}\n'
 */
export const ollamaWire: ProtocolWire = {
  protocol: 'ollama',
  parseChat,
  streamContentType: 'application/x-ndjson',
  headers: () => ({}),
  streamStart: () => '',
  streamDelta: (meta, text, now) => line({ ...message(meta, text, now), done: false }),
  streamEnd: (meta, reason, usage, timings, now) =>
    line({ ...message(meta, '', now), ...finalFields(reason, usage, timings) }),
  streamError: (_meta, text) => line({ error: text ?? defaultMessage(500) }),
  streamMalformed(meta, now) {
    const valid = JSON.stringify({ ...message(meta, 'malformed', now), done: false });
    return `${valid.slice(0, Math.floor(valid.length / 2))}\n`;
  },
  completion: (meta, text, reason, usage, timings, now) =>
    JSON.stringify({ ...message(meta, text, now), ...finalFields(reason, usage, timings) }),
  errorBody: (status, text) => JSON.stringify({ error: text ?? defaultMessage(status) }),
  unknownModel: (model) => ({ status: 404, message: `model "${model}" not found, try pulling it first` }),
  listModels: (models, now) =>
    JSON.stringify({
      models: models.map((name) => ({
        name,
        model: name,
        modified_at: new Date(now).toISOString(),
        size: 0,
        digest: '0'.repeat(64),
        details: {
          parent_model: '',
          format: 'gguf',
          family: 'emulated',
          families: ['emulated'],
          parameter_size: '0B',
          quantization_level: 'none',
        },
      })),
    }),
};
