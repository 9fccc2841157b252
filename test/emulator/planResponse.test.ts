import { describe, expect, it } from 'vitest';
import type { EmulatedRequest, ModelScript } from '../../src/emulator/index.js';
import { planResponse } from '../../src/emulator/planResponse.js';

const request = (index: number, model = 'm'): EmulatedRequest => ({
  protocol: 'openai',
  model,
  prompt: 'one two three',
  messages: [{ role: 'user', content: 'one two three' }],
  index,
  body: {},
});

const script: ModelScript = {
  text: 'a b c d e',
  ttft: { kind: 'lognormal', median: 100, sigma: 0.5 },
  interToken: { kind: 'uniform', min: 5, max: 15 },
  headersDelay: { kind: 'uniform', min: 1, max: 2 },
};

describe('planResponse', () => {
  it('is deterministic per seed, model and index, whatever ran before', () => {
    const plan = planResponse({ script, request: request(3), seed: 5, timeScale: 1 });
    planResponse({ script, request: request(0, 'other'), seed: 5, timeScale: 1 });
    expect(planResponse({ script, request: request(3), seed: 5, timeScale: 1 })).toEqual(plan);
    expect(planResponse({ script, request: request(4), seed: 5, timeScale: 1 }).ttftMs).not.toBe(plan.ttftMs);
    expect(planResponse({ script, request: request(3), seed: 6, timeScale: 1 }).ttftMs).not.toBe(plan.ttftMs);
  });

  it('draws each delay from its own stream: the ttft does not move when the text gets longer', () => {
    const short = planResponse({ script, request: request(0), seed: 1, timeScale: 1 });
    const long = planResponse({
      script: { ...script, text: 'x '.repeat(50) },
      request: request(0),
      seed: 1,
      timeScale: 1,
    });
    expect(long.ttftMs).toBe(short.ttftMs);
    expect(long.interTokenMs.slice(0, 4)).toEqual(short.interTokenMs);
  });

  it('scales every delay by timeScale', () => {
    const full = planResponse({ script, request: request(0), seed: 1, timeScale: 1 });
    const tenth = planResponse({ script, request: request(0), seed: 1, timeScale: 0.1 });
    expect(tenth.ttftMs).toBeCloseTo(full.ttftMs * 0.1, 9);
    expect(tenth.headersDelayMs).toBeCloseTo(full.headersDelayMs * 0.1, 9);
    expect(tenth.interTokenMs[0]).toBeCloseTo(full.interTokenMs[0]! * 0.1, 9);
  });

  it('usage defaults to prompt words and chunks; max tokens cuts with finish length', () => {
    const plan = planResponse({ script, request: request(0), seed: 1, timeScale: 1, maxTokens: 2 });
    expect(plan.chunks).toEqual(['a', ' b']);
    expect(plan.finishReason).toBe('length');
    expect(plan.usage).toEqual({ input: 3, output: 2 });
    expect(plan.interTokenMs).toHaveLength(1);
    const overridden = planResponse({
      script: { ...script, usage: { input: 9, output: 99 } },
      request: request(0),
      seed: 1,
      timeScale: 1,
    });
    expect(overridden.usage).toEqual({ input: 9, output: 99 });
  });

  it('resolves faults: one for all, by index, or by function; the huge chunk comes first', () => {
    const list: ModelScript = { fault: [null, { kind: 'stall', afterTokens: 1 }] };
    expect(planResponse({ script: list, request: request(0), seed: 1, timeScale: 1 }).fault).toBeNull();
    expect(planResponse({ script: list, request: request(1), seed: 1, timeScale: 1 }).fault?.kind).toBe(
      'stall',
    );
    expect(planResponse({ script: list, request: request(2), seed: 1, timeScale: 1 }).fault).toBeNull();
    const fn: ModelScript = { fault: (r) => (r.index % 2 ? { kind: 'reset_before_headers' } : undefined) };
    expect(planResponse({ script: fn, request: request(1), seed: 1, timeScale: 1 }).fault?.kind).toBe(
      'reset_before_headers',
    );
    const huge = planResponse({
      script: { text: 'a b', fault: { kind: 'huge_chunk', bytes: 10 } },
      request: request(0),
      seed: 1,
      timeScale: 1,
    });
    expect(huge.chunks).toEqual(['lorem ipsu', 'a', ' b']);
  });

  it('default text when the script has none', () => {
    expect(planResponse({ script: {}, request: request(0), seed: 1, timeScale: 1 }).chunks.join('')).toBe(
      'Hello from the chorus emulator.',
    );
  });
});
