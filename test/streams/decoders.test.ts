/**
 * The three protocol decoders on wire transcripts in the shapes PROTOCOLS.md recorded, including
 * the ways a stream can go wrong.
 */
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import { anthropicDecoder } from '../../src/streams/anthropicDecoder.js';
import { ollamaDecoder } from '../../src/streams/ollamaDecoder.js';
import { openaiDecoder } from '../../src/streams/openaiDecoder.js';
import {
  anthropicTranscript,
  type Decoded,
  decode,
  event,
  final,
  line,
  oaChunk,
  ollamaTranscript,
  openaiTranscript,
  textDelta,
} from './wireTranscripts.js';

const errorType = (d: Decoded) => (d.error instanceof ProviderError ? d.error.type : d.error);

// ---- OpenAI ----------------------------------------------------------------------------------
const OPENAI_TRANSCRIPT = openaiTranscript(['Hel', 'lo ✓']);

describe('openaiDecoder', () => {
  it('reads text, finish reason, usage and [DONE]', () => {
    const d = decode(openaiDecoder, [OPENAI_TRANSCRIPT.join('')]);
    expect(d).toMatchObject({ text: 'Hello ✓', input: 7, output: 6, finish: 'stop', done: true });
    expect(d.error).toBeUndefined();
  });

  it('without [DONE] is not done (the adapter makes it `truncated`)', () => {
    const d = decode(openaiDecoder, OPENAI_TRANSCRIPT.slice(0, -1));
    expect(d.done).toBe(false);
    expect(d.error).toBeUndefined();
  });

  it("maps finish_reason 'length', ignores other choices, comments and CRLF line ends", () => {
    const body = [
      ': keep-alive\n\n',
      oaChunk({ content: 'a' }),
      oaChunk({ content: 'IGNORED' }, null, 1),
      oaChunk({}, 'length'),
      'data: [DONE]\n\n',
    ]
      .join('')
      .replaceAll('\n', '\r\n');
    expect(decode(openaiDecoder, [body])).toMatchObject({ text: 'a', finish: 'length', done: true });
  });

  it('ignores anything after [DONE]', () => {
    const d = decode(openaiDecoder, [
      ...OPENAI_TRANSCRIPT,
      'data: {broken\n\n',
      oaChunk({ content: 'late' }),
    ]);
    expect(d).toMatchObject({ text: 'Hello ✓', done: true });
    expect(d.error).toBeUndefined();
  });

  it('an in-band error chunk is classified by its type', () => {
    const error = 'data: {"error":{"message":"boom","type":"server_error","param":null,"code":null}}\n\n';
    const d = decode(openaiDecoder, [oaChunk({ content: 'a' }), error]);
    expect(errorType(d)).toBe('server');
    expect((d.error as ProviderError).message).toContain('boom');
    const limited =
      'data: {"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}\n\n';
    expect(errorType(decode(openaiDecoder, [limited]))).toBe('rate_limited');
  });

  it.each([
    ['invalid JSON', 'data: {"choices":[{"delta":{"content":"a"\n\n'],
    ['a JSON array', 'data: [1,2]\n\n'],
    ['choices not an array', 'data: {"choices":{}}\n\n'],
    ['content not a string', 'data: {"choices":[{"index":0,"delta":{"content":5}}]}\n\n'],
    ['an unknown SSE field', 'bogus line\n\n'],
  ])('%s is bad_response', (_name, frame) => {
    expect(errorType(decode(openaiDecoder, [frame]))).toBe('bad_response');
  });
});

// ---- Anthropic -------------------------------------------------------------------------------
const ANTHROPIC_TRANSCRIPT = anthropicTranscript(['Hel', 'lo ✓']);

describe('anthropicDecoder', () => {
  it('reads text, input tokens first, output tokens at the end, and message_stop', () => {
    const d = decode(anthropicDecoder, ANTHROPIC_TRANSCRIPT.slice(0, 5));
    expect(d).toMatchObject({ text: 'Hello ✓', input: 7, done: false });
    expect(d.output).toBeUndefined();
    expect(decode(anthropicDecoder, ANTHROPIC_TRANSCRIPT)).toMatchObject({
      text: 'Hello ✓',
      input: 7,
      output: 6,
      finish: 'stop',
      done: true,
    });
  });

  it("maps stop_reason max_tokens to 'length' and ignores thinking deltas and unknown events", () => {
    const d = decode(anthropicDecoder, [
      event('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }),
      event('some_future_event', { anything: true }),
      textDelta('x'),
      event('message_delta', { delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 1 } }),
      event('message_stop', {}),
    ]);
    expect(d).toMatchObject({ text: 'x', finish: 'length', done: true });
  });

  it.each([
    ['overloaded_error', 'overloaded'],
    ['rate_limit_error', 'rate_limited'],
    ['api_error', 'server'],
    ['invalid_request_error', 'bad_request'],
    ['authentication_error', 'auth'],
  ])('an in-band %s is %s', (type, expected) => {
    const d = decode(anthropicDecoder, [textDelta('a'), event('error', { error: { type, message: 'x' } })]);
    expect(errorType(d)).toBe(expected);
    expect(d.text).toBe('a');
  });

  it.each([
    ['invalid JSON', 'event: content_block_delta\ndata: {"type":"content_bl\n\n'],
    ['no type', 'event: x\ndata: {"index":0}\n\n'],
    [
      'a text_delta without text',
      'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"type":"text_delta"}}\n\n',
    ],
  ])('%s is bad_response', (_name, frame) => {
    expect(errorType(decode(anthropicDecoder, [frame]))).toBe('bad_response');
  });
});

// ---- Ollama ----------------------------------------------------------------------------------
const OLLAMA_TRANSCRIPT = ollamaTranscript(['Hel', 'lo ✓']);

describe('ollamaDecoder', () => {
  it('reads text and the final counts', () => {
    expect(decode(ollamaDecoder, OLLAMA_TRANSCRIPT)).toMatchObject({
      text: 'Hello ✓',
      input: 7,
      output: 6,
      finish: 'stop',
      done: true,
    });
  });

  it("maps done_reason 'length'; a cached prompt has no prompt_eval_count", () => {
    const d = decode(ollamaDecoder, [
      line('a'),
      final({ done_reason: 'length', prompt_eval_count: undefined }),
    ]);
    expect(d).toMatchObject({ finish: 'length', output: 6, done: true });
    expect(d.input).toBeUndefined();
  });

  it('reads a last line without its newline, and CRLF line ends', () => {
    const body = [line('a'), final().trimEnd()].join('').replace('\n', '\r\n');
    expect(decode(ollamaDecoder, [body])).toMatchObject({ text: 'a', done: true });
  });

  it('a last line cut short is a truncation, not bad_response', () => {
    const cut = final().slice(0, 40);
    const d = decode(ollamaDecoder, [line('a'), cut]);
    expect(d).toMatchObject({ text: 'a', done: false });
    expect(d.error).toBeUndefined();
  });

  it('an {"error"} line is classified by its message', () => {
    expect(errorType(decode(ollamaDecoder, [line('a'), '{"error":"model is overloaded"}\n']))).toBe(
      'overloaded',
    );
    expect(errorType(decode(ollamaDecoder, ['{"error":"something broke"}\n']))).toBe('server');
  });

  it.each([
    ['invalid JSON', '{"model":"m","message":{"role":"assi\n'],
    ['message not an object', '{"message":"hi","done":false}\n'],
    ['content not a string', '{"message":{"content":1},"done":false}\n'],
  ])('%s is bad_response', (_name, frame) => {
    expect(errorType(decode(ollamaDecoder, [frame]))).toBe('bad_response');
  });
});
