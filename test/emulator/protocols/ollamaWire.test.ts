import { describe, expect, it } from 'vitest';
import { ollamaWire } from '../../../src/emulator/protocols/ollamaWire.js';
import type { WireMeta } from '../../../src/emulator/protocols/wire.js';

const meta: WireMeta = { id: '1', requestId: 'req_1', model: 'm', created: 0, includeUsage: true };
const at = Date.parse('2026-11-25T06:26:03.833Z');

describe('ollamaWire', () => {
  it('writes NDJSON lines exactly as PROTOCOLS.md records them', () => {
    expect(ollamaWire.streamStart(meta, { input: 7, output: 6 })).toBe('');
    expect(ollamaWire.streamDelta(meta, 'Hel', at)).toBe(
      '{"model":"m","created_at":"2026-11-25T06:26:03.833Z","message":{"role":"assistant","content":"Hel"},"done":false}\n',
    );
    expect(
      ollamaWire.streamEnd(
        meta,
        'stop',
        { input: 7, output: 6 },
        { totalMs: 123.456789, promptEvalMs: 2.345678, evalMs: 98.765432 },
        at,
      ),
    ).toBe(
      '{"model":"m","created_at":"2026-11-25T06:26:03.833Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":123456789,"load_duration":0,"prompt_eval_count":7,"prompt_eval_duration":2345678,"eval_count":6,"eval_duration":98765432}\n',
    );
  });

  it('has the error shapes', () => {
    expect(ollamaWire.streamError(meta, 'boom')).toBe('{"error":"boom"}\n');
    expect(JSON.parse(ollamaWire.errorBody(429, undefined, meta))).toEqual({ error: expect.any(String) });
    expect(ollamaWire.unknownModel('x')).toEqual({
      status: 404,
      message: 'model "x" not found, try pulling it first',
    });
  });

  it('streams by default, reads options.num_predict (negative: no limit)', () => {
    expect(ollamaWire.parseChat({ model: 'm', messages: [], options: { num_predict: 3 } })).toMatchObject({
      stream: true,
      maxTokens: 3,
    });
    expect(ollamaWire.parseChat({ model: 'm', stream: false, options: { num_predict: -1 } })).toEqual({
      model: 'm',
      messages: [],
      stream: false,
      includeUsage: true,
    });
  });

  it('cuts a malformed line in the middle of its JSON', () => {
    const line = ollamaWire.streamMalformed(meta, at);
    expect(line.endsWith('\n')).toBe(true);
    expect(() => JSON.parse(line)).toThrow();
  });
});
