import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { postChat, readAll } from './rawClient.js';

// Exact bytes over HTTP, with only the per-response values (ids, times, durations) masked.
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ models: { m: { text: 'Hel lo', usage: { input: 7 } } } });
});
afterAll(() => emulator.close());

const mask = (text: string) =>
  text
    .replace(/"id":"(chatcmpl-|msg_)emu\d+"/g, '"id":"ID"')
    .replace(/"created":\d+/g, '"created":0')
    .replace(/"created_at":"[^"]+"/g, '"created_at":"T"')
    .replace(/"(total|prompt_eval|eval)_duration":\d+/g, '"$1_duration":0');

describe('wire format over HTTP', () => {
  it('openai stream with include_usage', async () => {
    const response = await postChat(emulator, 'openai', 'm');
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('x-request-id')).toMatch(/^req_emu\d+$/);
    const head =
      '{"id":"ID","object":"chat.completion.chunk","created":0,"model":"m","system_fingerprint":"fp_emu","choices":';
    expect(mask((await readAll(response)).text)).toBe(
      `data: ${head}[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}\n\n` +
        `data: ${head}[{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}],"usage":null}\n\n` +
        `data: ${head}[{"index":0,"delta":{"content":" lo"},"logprobs":null,"finish_reason":null}],"usage":null}\n\n` +
        `data: ${head}[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}\n\n` +
        `data: ${head}[],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}\n\n` +
        'data: [DONE]\n\n',
    );
  });

  it('anthropic stream', async () => {
    const response = await postChat(emulator, 'anthropic', 'm');
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('request-id')).toMatch(/^req_emu\d+$/);
    expect(mask((await readAll(response)).text)).toBe(
      'event: message_start\ndata: {"type":"message_start","message":{"id":"ID","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":7,"output_tokens":1}}}\n\n' +
        'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
        'event: ping\ndata: {"type":"ping"}\n\n' +
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}\n\n' +
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" lo"}}\n\n' +
        'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
        'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}\n\n' +
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    );
  });

  it('ollama stream (streams by default)', async () => {
    const response = await fetch(`${emulator.url}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    expect(mask((await readAll(response)).text)).toBe(
      '{"model":"m","created_at":"T","message":{"role":"assistant","content":"Hel"},"done":false}\n' +
        '{"model":"m","created_at":"T","message":{"role":"assistant","content":" lo"},"done":false}\n' +
        '{"model":"m","created_at":"T","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":0,"load_duration":0,"prompt_eval_count":7,"prompt_eval_duration":0,"eval_count":2,"eval_duration":0}\n',
    );
  });

  it('non-streamed bodies', async () => {
    const openai = await postChat(emulator, 'openai', 'm', { stream: false });
    expect(mask(await openai.text())).toBe(
      '{"id":"ID","object":"chat.completion","created":0,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hel lo","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9},"system_fingerprint":"fp_emu"}',
    );
    const anthropic = await postChat(emulator, 'anthropic', 'm', { stream: false });
    expect(mask(await anthropic.text())).toBe(
      '{"id":"ID","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"Hel lo"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":7,"output_tokens":2}}',
    );
    const ollama = await postChat(emulator, 'ollama', 'm', { stream: false });
    expect(ollama.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(mask(await ollama.text())).toBe(
      '{"model":"m","created_at":"T","message":{"role":"assistant","content":"Hel lo"},"done":true,"done_reason":"stop","total_duration":0,"load_duration":0,"prompt_eval_count":7,"prompt_eval_duration":0,"eval_count":2,"eval_duration":0}',
    );
  });
});
