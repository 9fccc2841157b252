import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, fillerText, type RequestRecord, startEmulator } from '../../src/emulator/index.js';
import { deltasOf, framesOf, hasEndMarker, PROTOCOLS, postChat, rawChunks, readAll } from './rawClient.js';

const TEXT = 'alpha beta gamma delta epsilon';
const WORDS = ['alpha', ' beta', ' gamma', ' delta', ' epsilon'];
const UNICODE = 'héllo wörld 🌍 ünïcode ✓';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({
    seed: 9,
    models: {
      '*': { text: TEXT, interToken: 1 },
      s429: { fault: { kind: 'status', status: 429, retryAfter: 3, message: 'slow down' } },
      s500: { fault: { kind: 'status', status: 500 } },
      s503: { fault: { kind: 'status', status: 503 } },
      s529: { fault: { kind: 'status', status: 529 } },
      resetBefore: { fault: { kind: 'reset_before_headers' } },
      reset2: { text: TEXT, interToken: 1, fault: { kind: 'reset', afterTokens: 2 } },
      stall2: { text: TEXT, fault: { kind: 'stall', afterTokens: 2 } },
      close2: { text: TEXT, fault: { kind: 'close_without_end', afterTokens: 2 } },
      malformed1: { text: TEXT, fault: { kind: 'malformed_chunk', afterTokens: 1 } },
      inband1: { text: TEXT, fault: { kind: 'inband_error', afterTokens: 1, message: 'model exploded' } },
      split: { text: UNICODE, fault: { kind: 'split_utf8' } },
      huge: { text: TEXT, fault: { kind: 'huge_chunk', bytes: 100_000 } },
    },
  });
});
afterAll(() => emulator.close());

/** The next `event` record for `model` (registered before the request is sent). */
function next(event: 'gone' | 'end', model: string): Promise<RequestRecord> {
  return new Promise((resolve) => {
    const listener = (record: RequestRecord) => {
      if (record.model !== model) return;
      emulator.off(event, listener);
      resolve(record);
    };
    emulator.on(event, listener);
  });
}

/** Reads until `count` deltas have arrived; returns the complete frames so far. */
async function readDeltas(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  protocol: (typeof PROTOCOLS)[number],
  count: number,
) {
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const separator = protocol === 'ollama' ? '\n' : '\n\n';
    const complete = text.slice(0, text.lastIndexOf(separator) + separator.length);
    if (deltasOf(protocol, framesOf(protocol, complete)).length >= count) return complete;
    const { done, value } = await reader.read();
    if (done) throw new Error('stream ended early');
    text += decoder.decode(value, { stream: true });
  }
}

describe.each(PROTOCOLS)('%s faults', (protocol) => {
  const expectErrorBody = (body: unknown, status: number, message?: string) => {
    if (protocol === 'openai') {
      expect(body).toEqual({
        error: {
          message: message ?? expect.any(String),
          type: status === 429 ? 'requests' : 'server_error',
          param: null,
          code: status === 429 ? 'rate_limit_exceeded' : null,
        },
      });
    } else if (protocol === 'anthropic') {
      const type = {
        429: 'rate_limit_error',
        500: 'api_error',
        503: 'overloaded_error',
        529: 'overloaded_error',
      }[status];
      expect(body).toEqual({
        type: 'error',
        error: { type, message: message ?? expect.any(String) },
        request_id: expect.stringMatching(/^req_/),
      });
    } else {
      expect(body).toEqual({ error: message ?? expect.any(String) });
    }
  };

  it('429 with retry-after and the provider error body', async () => {
    const response = await postChat(emulator, protocol, 's429');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(response.headers.get('content-type')).toContain('application/json');
    expectErrorBody(await response.json(), 429, 'slow down');
  });

  it.each([500, 503, 529])('%i with the provider error body, no retry-after', async (status) => {
    const response = await postChat(emulator, protocol, `s${status}`, { stream: false });
    expect(response.status).toBe(status);
    expect(response.headers.get('retry-after')).toBeNull();
    expectErrorBody(await response.json(), status);
  });

  it('reset before headers: the request fails without a response', async () => {
    const ended = next('end', 'resetBefore');
    await expect(postChat(emulator, protocol, 'resetBefore')).rejects.toThrow(TypeError);
    expect(await ended).toMatchObject({ outcome: 'fault', fault: 'reset_before_headers', status: 0 });
  });

  it('reset after 2 chunks: 2 deltas, then the body errors', async () => {
    const response = await postChat(emulator, protocol, 'reset2');
    expect(response.status).toBe(200);
    const { text, error } = await readAll(response);
    expect(error).toBeInstanceOf(TypeError);
    const frames = framesOf(protocol, text);
    expect(deltasOf(protocol, frames)).toEqual(WORDS.slice(0, 2));
    expect(hasEndMarker(protocol, frames)).toBe(false);
  });

  it('stall after 2 chunks: nothing more, the connection stays open until the client leaves', async () => {
    const controller = new AbortController();
    const gone = next('gone', 'stall2');
    const response = await postChat(emulator, protocol, 'stall2', { signal: controller.signal });
    const reader = response.body!.getReader();
    await readDeltas(reader, protocol, 2);
    const quiet = await Promise.race([
      reader.read().then(() => 'data'),
      new Promise((resolve) => setTimeout(resolve, 150, 'quiet')),
    ]);
    expect(quiet).toBe('quiet');
    expect(emulator.stats().models['stall2']?.open).toBe(1);
    controller.abort();
    const record = await gone;
    expect(record).toMatchObject({ outcome: 'gone', fault: 'stall', tokensWritten: 2, tokensAfterGone: 0 });
    expect(record.msFromLastWriteToGone).toBeGreaterThanOrEqual(100);
  });

  it('clean close without the end marker', async () => {
    const response = await postChat(emulator, protocol, 'close2');
    const { text, error } = await readAll(response);
    expect(error).toBeUndefined();
    const frames = framesOf(protocol, text);
    expect(deltasOf(protocol, frames)).toEqual(WORDS.slice(0, 2));
    expect(hasEndMarker(protocol, frames)).toBe(false);
  });

  it('malformed chunk: one frame is not JSON, the rest of the stream follows', async () => {
    const response = await postChat(emulator, protocol, 'malformed1');
    const frames = framesOf(protocol, (await readAll(response)).text);
    const broken = frames.filter((frame) => {
      try {
        JSON.parse(frame.data);
        return false;
      } catch {
        return frame.data !== '[DONE]';
      }
    });
    expect(broken).toHaveLength(1);
    expect(deltasOf(protocol, frames)).toEqual(WORDS);
    expect(hasEndMarker(protocol, frames)).toBe(true);
  });

  it('in-band error after 1 chunk, then the stream ends', async () => {
    const response = await postChat(emulator, protocol, 'inband1');
    expect(response.status).toBe(200);
    const { text, error } = await readAll(response);
    expect(error).toBeUndefined();
    const frames = framesOf(protocol, text);
    expect(deltasOf(protocol, frames)).toEqual(WORDS.slice(0, 1));
    const last = frames.at(-1)!;
    if (protocol === 'openai') {
      expect(JSON.parse(last.data)).toEqual({
        error: { message: 'model exploded', type: 'server_error', param: null, code: null },
      });
    } else if (protocol === 'anthropic') {
      expect(last.event).toBe('error');
      expect(JSON.parse(last.data)).toEqual({
        type: 'error',
        error: { type: 'overloaded_error', message: 'model exploded' },
      });
    } else {
      expect(JSON.parse(last.data)).toEqual({ error: 'model exploded' });
    }
    expect(hasEndMarker(protocol, frames)).toBe(false);
  });

  it('split UTF-8: characters arrive cut across reads, and decode to the exact text', async () => {
    const { status, chunks } = await rawChunks(emulator, protocol, 'split');
    expect(status).toBe(200);
    // We cut right after each lead byte; at least one read must end there (most, in practice).
    const cutReads = chunks.filter((chunk) => (chunk.at(-1) ?? 0) >= 0xc0);
    expect(cutReads.length).toBeGreaterThanOrEqual(1);
    const frames = framesOf(protocol, Buffer.concat(chunks).toString('utf8'));
    expect(deltasOf(protocol, frames).join('')).toBe(UNICODE);
    expect(hasEndMarker(protocol, frames)).toBe(true);
  });

  it('huge chunk: ~100 kB of text in one event, then the script', async () => {
    const response = await postChat(emulator, protocol, 'huge');
    const frames = framesOf(protocol, (await readAll(response)).text);
    const deltas = deltasOf(protocol, frames);
    expect(deltas[0]).toBe(fillerText(100_000));
    expect(deltas.slice(1)).toEqual(WORDS);
    expect(hasEndMarker(protocol, frames)).toBe(true);
  });
});

describe('non-streamed faults', () => {
  it.each(PROTOCOLS)(
    '%s: clean close and malformed give a body that is not JSON; in-band becomes an HTTP error',
    async (protocol) => {
      for (const model of ['close2', 'malformed1']) {
        const response = await postChat(emulator, protocol, model, { stream: false });
        const { text } = await readAll(response);
        expect(() => JSON.parse(text)).toThrow();
      }
      const inband = await postChat(emulator, protocol, 'inband1', { stream: false });
      expect(inband.status).toBe(protocol === 'anthropic' ? 529 : 500);
      await inband.body?.cancel();
    },
  );

  it('reset after N and split UTF-8 without streaming', async () => {
    await expect(
      postChat(emulator, 'openai', 'reset2', { stream: false }).then((r) => r.text()),
    ).rejects.toThrow();
    const response = await postChat(emulator, 'ollama', 'split', { stream: false });
    expect(((await response.json()) as { message: { content: string } }).message.content).toBe(UNICODE);
  });
});

it('counts faults and leaves nothing open', async () => {
  await emulator.idle();
  const stats = emulator.stats();
  expect(stats.totals.open).toBe(0);
  expect(stats.totals.tokensAfterGone).toBe(0);
  expect(stats.models['s429']?.faults).toBe(3);
  expect(stats.models['stall2']?.clientsGone).toBe(3);
  expect(stats.models['huge']?.completed).toBe(3);
});
