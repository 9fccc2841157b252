/** Feeds protocol decoders in tests, and builds wire transcripts in the shapes PROTOCOLS.md recorded. */
import type { DecoderFactory } from '../../src/streams/streamInternals.js';

export interface Decoded {
  text: string;
  pieces: string[];
  input?: number | undefined;
  output?: number | undefined;
  finish?: string;
  done: boolean;
  error?: unknown;
}

/** Feeds `chunks` to a decoder and reports what it saw (an error stops the feed, as the adapter does). */
export function decode(factory: DecoderFactory, chunks: readonly string[]): Decoded {
  const out: Decoded = { text: '', pieces: [], done: false };
  const decoder = factory(
    {
      text: (t) => {
        out.pieces.push(t);
        out.text += t;
      },
      usage: (u) => {
        if (u.input !== undefined) out.input = u.input;
        if (u.output !== undefined) out.output = u.output;
      },
      finish: (r) => {
        out.finish = r;
      },
      done: () => {
        out.done = true;
      },
    },
    'test',
  );
  try {
    for (const chunk of chunks) decoder.push(chunk);
    decoder.end();
  } catch (error) {
    out.error = error;
  }
  return out;
}

/** One OpenAI `chat.completion.chunk` event. */
export const oaChunk = (delta: object, finish: string | null = null, index = 0): string =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1700000000,
    model: 'm',
    system_fingerprint: 'fp_emu',
    choices: [{ index, delta, logprobs: null, finish_reason: finish }],
    usage: null,
  })}\n\n`;

/** The usage chunk `stream_options.include_usage` adds. */
export const oaUsage = (input: number, output: number): string =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output } })}\n\n`;

/** A whole OpenAI stream of `pieces`. */
export const openaiTranscript = (pieces: readonly string[], input = 7, output = 6): string[] => [
  oaChunk({ role: 'assistant', content: '', refusal: null }),
  ...pieces.map((content) => oaChunk({ content })),
  oaChunk({}, 'stop'),
  oaUsage(input, output),
  'data: [DONE]\n\n',
];

/** One Anthropic SSE event (`event:` line included, as the SDK requires). */
export const event = (type: string, data: object): string =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
export const textDelta = (text: string): string =>
  event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } });

/** A whole Anthropic stream of `pieces`. */
export const anthropicTranscript = (pieces: readonly string[], input = 7, output = 6): string[] => [
  event('message_start', {
    message: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'm',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: input, output_tokens: 1 },
    },
  }),
  event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  event('ping', {}),
  ...pieces.map(textDelta),
  event('content_block_stop', { index: 0 }),
  event('message_delta', {
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: output },
  }),
  event('message_stop', {}),
];

/** One Ollama NDJSON line carrying `content`. */
export const line = (content: string): string =>
  `${JSON.stringify({ model: 'm', created_at: '2026-11-25T06:26:03.833Z', message: { role: 'assistant', content }, done: false })}\n`;

/** Ollama's final line, with the counts. */
export const final = (fields: object = {}): string =>
  `${JSON.stringify({
    model: 'm',
    created_at: '2026-11-25T06:26:03.833Z',
    message: { role: 'assistant', content: '' },
    done: true,
    done_reason: 'stop',
    total_duration: 123456789,
    load_duration: 1234567,
    prompt_eval_count: 7,
    prompt_eval_duration: 2345678,
    eval_count: 6,
    eval_duration: 98765432,
    ...fields,
  })}\n`;

/** A whole Ollama stream of `pieces`. */
export const ollamaTranscript = (pieces: readonly string[], input = 7, output = 6): string[] => [
  ...pieces.map(line),
  final({ prompt_eval_count: input, eval_count: output }),
];
