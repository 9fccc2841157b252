import { describe, expect, it } from 'vitest';
import { anthropicWire } from '../../../src/emulator/protocols/anthropicWire.js';
import type { WireMeta } from '../../../src/emulator/protocols/wire.js';

const meta: WireMeta = { id: 'msg_1', requestId: 'req_1', model: 'm', created: 0, includeUsage: true };
const timings = { totalMs: 10, promptEvalMs: 2, evalMs: 8 };

describe('anthropicWire', () => {
  it('writes every event with its event: line, exactly as PROTOCOLS.md records them', () => {
    expect(anthropicWire.streamStart(meta, { input: 7, output: 6 })).toBe(
      'event: message_start\n' +
        'data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":7,"output_tokens":1}}}\n\n' +
        'event: content_block_start\n' +
        'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
        'event: ping\ndata: {"type":"ping"}\n\n',
    );
    expect(anthropicWire.streamDelta(meta, 'Hel', 0)).toBe(
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}\n\n',
    );
    expect(anthropicWire.streamEnd(meta, 'stop', { input: 7, output: 6 }, timings, 0)).toBe(
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
        'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":6}}\n\n' +
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    );
    expect(anthropicWire.streamEnd(meta, 'length', { input: 7, output: 2 }, timings, 0)).toContain(
      '"stop_reason":"max_tokens"',
    );
  });

  it('has the error shapes: in-band overloaded, HTTP error types by status', () => {
    expect(anthropicWire.streamError(meta, undefined)).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    );
    const types = [400, 401, 403, 404, 413, 429, 500, 503, 529].map(
      (status) => JSON.parse(anthropicWire.errorBody(status, undefined, meta)).error.type,
    );
    expect(types).toEqual([
      'invalid_request_error',
      'authentication_error',
      'permission_error',
      'not_found_error',
      'request_too_large',
      'rate_limit_error',
      'api_error',
      'overloaded_error',
      'overloaded_error',
    ]);
    expect(JSON.parse(anthropicWire.errorBody(429, 'slow down', meta))).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'slow down' },
      request_id: 'req_1',
    });
  });

  it('parses requests: system (string or blocks), max_tokens required', () => {
    expect(
      anthropicWire.parseChat({
        model: 'm',
        max_tokens: 10,
        system: [{ type: 'text', text: 'sys' }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
        stream: true,
      }),
    ).toEqual({
      model: 'm',
      stream: true,
      includeUsage: true,
      maxTokens: 10,
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(anthropicWire.parseChat({ model: 'm', messages: [] })).toEqual({
      rejected: true,
      message: 'max_tokens: Field required',
    });
  });

  it('cuts a malformed delta in the middle of its JSON, keeping the event line', () => {
    const frame = anthropicWire.streamMalformed(meta, 0);
    expect(frame.startsWith('event: content_block_delta\ndata: {')).toBe(true);
    expect(() => JSON.parse(frame.split('\n')[1]?.slice('data: '.length) ?? '')).toThrow();
  });
});
