/**
 * The three adapters through the official SDKs against the emulator on 127.0.0.1: text and usage,
 * coldness, and cancellation measured on the server side.
 */
import { Ollama } from 'ollama';
import { config, type Subscription } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, type RequestRecord, startEmulator } from '../../src/emulator/index.js';
import type { UsageEvent, VariantEvent } from '../../src/events.js';
import { ollamaStream } from '../../src/streams/index.js';
import { countTokens } from '../../src/tokens.js';
import {
  type Clients,
  clientsFor,
  collect,
  delay,
  median,
  nextEnd,
  PROMPT,
  PROTOCOLS,
  type Protocol,
  streamFor,
} from './harness.js';

const TEXT = 'Hello there, général Kenobi — ünïcode ✓ and 🌍 arrive intact.';
const SLOW_TEXT = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
const API_KEY = 'test-key';

let emulator: Emulator;
let clients: Clients;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const cancelTimes: Record<Protocol, number[]> = { openai: [], anthropic: [], ollama: [] };

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  emulator = await startEmulator(
    {
      seed: 11,
      models: {
        fixed: { text: TEXT, interToken: 1, usage: { input: 42, output: 17 } },
        slow: { text: SLOW_TEXT, interToken: 20, usage: { input: 42 } },
        late: { text: SLOW_TEXT, headersDelay: 400, interToken: 20 },
      },
    },
    { apiKey: API_KEY },
  );
  clients = clientsFor(emulator, API_KEY);
});

afterAll(async () => {
  await emulator.close();
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
  const rows = PROTOCOLS.map((p) => {
    const t = cancelTimes[p];
    return `| ${p} | ${t.length} | ${median(t).toFixed(1)} | ${Math.max(...t).toFixed(1)} |`;
  });
  console.log(
    [
      'unsubscribe → emulator sees the client gone (ms)',
      '| protocol | cancels | median | max |',
      '| --- | --- | --- | --- |',
      ...rows,
    ].join('\n'),
  );
});

function recorder() {
  const usages: UsageEvent[] = [];
  return { usages, onUsage: (usage: UsageEvent) => usages.push(usage) };
}

/** Subscribes, unsubscribes after `deltas` deltas, and returns what happened around it. */
async function cancelAfter(protocol: Protocol, deltas: number) {
  const { usages, onUsage } = recorder();
  const events: VariantEvent[] = [];
  const ended = nextEnd(emulator, 'slow');
  let unsubscribedAt = 0;
  await new Promise<void>((resolve, reject) => {
    let subscription: Subscription | undefined;
    let seen = 0;
    subscription = streamFor(clients, protocol, 'slow', { onUsage }).subscribe({
      next(event) {
        events.push(event);
        if (event.type === 'delta' && ++seen === deltas) {
          unsubscribedAt = performance.now();
          subscription?.unsubscribe();
          // The usage of the cancelled request is reported during the unsubscribe itself.
          if (usages.length !== 1)
            reject(new Error(`usage reports right after unsubscribe: ${usages.length}`));
          resolve();
        }
      },
      error: reject,
      complete: () => reject(new Error('completed before the cancel')),
    });
  });
  const record = await ended;
  return { record, unsubscribedAt, events, usages };
}

describe.each(PROTOCOLS)('%s adapter', (protocol) => {
  it('streams exactly the text and usage the emulator sent', async () => {
    const { usages, onUsage } = recorder();
    const ended = nextEnd(emulator, 'fixed');
    const out = await collect(streamFor(clients, protocol, 'fixed', { onUsage, variant: 'v1' }));
    const record = await ended;

    expect(out.error).toBeUndefined();
    expect(out.completed).toBe(true);
    expect(out.text).toBe(TEXT);
    const [start, ...rest] = out.events;
    expect(start).toMatchObject({ type: 'start', variant: 'v1', provider: protocol, model: 'fixed' });
    const deltas = rest.filter((e) => e.type === 'delta');
    expect(deltas.length).toBe(record.tokensWritten);
    expect(deltas.every((e) => e.text.length > 0)).toBe(true);
    const usage = { type: 'usage', variant: 'v1', input: 42, output: 17, estimated: false };
    expect(rest.slice(-2)).toEqual([
      usage,
      expect.objectContaining({ type: 'end', finish: 'stop', variant: 'v1' }),
    ]);
    expect(usages).toEqual([usage]);
    const times = out.events.flatMap((e) => ('at' in e ? [e.at] : []));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(record.outcome).toBe('completed');
  });

  it("ends with finish 'length' when the token limit cuts the answer", async () => {
    const out = await collect(streamFor(clients, protocol, 'fixed', {}, 3));
    expect(out.error).toBeUndefined();
    expect(out.events.at(-1)).toMatchObject({ type: 'end', finish: 'length' });
    expect(out.events.filter((e) => e.type === 'delta')).toHaveLength(3);
  });

  it('stamps events with the injected clock', async () => {
    const out = await collect(streamFor(clients, protocol, 'fixed', { now: () => 42 }));
    const times = out.events.flatMap((e) => ('at' in e ? [e.at] : []));
    expect(times.length).toBeGreaterThan(2);
    expect(new Set(times)).toEqual(new Set([42]));
  });

  it('an onUsage that throws is reported as unhandled, never thrown into the stream', async () => {
    const reported: unknown[] = [];
    const previous = config.onUnhandledError;
    config.onUnhandledError = (error) => reported.push(error);
    try {
      const boom = new Error('ledger bug');
      const out = await collect(
        streamFor(clients, protocol, 'fixed', {
          onUsage: () => {
            throw boom;
          },
        }),
      );
      expect(out.completed).toBe(true);
      expect(out.text).toBe(TEXT);
      await delay(10);
      expect(reported).toEqual([boom]);
    } finally {
      config.onUnhandledError = previous;
    }
  });

  it('is cold: no request before subscribe, one request per subscription', async () => {
    emulator.resetStats();
    const stream = streamFor(clients, protocol, 'fixed');
    await delay(50);
    expect(emulator.stats().totals.requests).toBe(0);
    const [a, b] = await Promise.all([collect(stream), collect(stream)]);
    expect(a.text).toBe(TEXT);
    expect(b.text).toBe(TEXT);
    // The clients were built with maxRetries 2: still exactly two requests.
    expect(emulator.stats().totals.requests).toBe(2);
  });

  it('unsubscribe after 3 deltas closes the request within 250 ms, writes nothing more, bills an estimate once', async () => {
    for (let i = 0; i < 10; i++) {
      const { record, unsubscribedAt, events, usages } = await cancelAfter(protocol, 3);
      const written = record.tokensWritten;
      expect(record.outcome).toBe('gone');
      const goneMs = record.goneAt! - unsubscribedAt;
      cancelTimes[protocol].push(goneMs);
      expect(goneMs).toBeLessThan(250);
      expect(record.tokensAfterGone).toBe(0);
      await delay(60); // three more inter-token gaps: nothing may be written or emitted
      const later = emulator.stats().log.find((r) => r.id === record.id)!;
      expect(later.tokensWritten).toBe(written);
      expect(later.tokensAfterGone).toBe(0);
      expect(events.filter((e) => e.type === 'delta')).toHaveLength(3);
      expect(events.map((e) => e.type)).toEqual(['start', 'delta', 'delta', 'delta']);

      const received = events.map((e) => (e.type === 'delta' ? e.text : '')).join('');
      expect(usages).toEqual([
        {
          type: 'usage',
          variant: `${protocol}:slow`,
          // Anthropic reports its input tokens first (message_start); the others are counted.
          input: protocol === 'anthropic' ? 42 : countTokens(PROMPT, 'slow'),
          output: countTokens(received, 'slow'),
          estimated: true,
        },
      ]);
    }
  });

  it("an external signal ends the stream with finish 'cancelled' and an estimated usage", async () => {
    const { usages, onUsage } = recorder();
    const controller = new AbortController();
    const ended = nextEnd(emulator, 'slow');
    const events: VariantEvent[] = [];
    const done = new Promise<string>((resolve) => {
      streamFor(clients, protocol, 'slow', { onUsage, signal: controller.signal }).subscribe({
        next(event) {
          events.push(event);
          if (event.type === 'delta' && events.filter((e) => e.type === 'delta').length === 2)
            controller.abort();
        },
        error: () => resolve('error'),
        complete: () => resolve('complete'),
      });
    });
    expect(await done).toBe('complete');
    expect((await ended).outcome).toBe('gone');
    const tail = events.slice(-2);
    expect(tail[0]).toMatchObject({ type: 'usage', estimated: true });
    expect(tail[1]).toMatchObject({ type: 'end', finish: 'cancelled' });
    expect(usages).toEqual([tail[0]]);
    expect(events.filter((e) => e.type === 'delta')).toHaveLength(2);
  });

  it('an external signal before the response headers cancels without a start', async () => {
    const { usages, onUsage } = recorder();
    const ended = nextEnd(emulator, 'late');
    const out = collect(streamFor(clients, protocol, 'late', { onUsage, signal: AbortSignal.timeout(100) }));
    const result = await out;
    expect(result.completed).toBe(true);
    expect(result.events.map((e) => e.type)).toEqual(['usage', 'end']);
    expect(result.events[1]).toMatchObject({ finish: 'cancelled' });
    expect(usages).toHaveLength(1);
    expect(usages[0]).toMatchObject({ output: 0, estimated: true });
    expect((await ended).outcome).toBe('gone');
  });

  it('an already aborted signal sends no request', async () => {
    emulator.resetStats();
    const { usages, onUsage } = recorder();
    const out = await collect(
      streamFor(clients, protocol, 'fixed', { onUsage, signal: AbortSignal.abort() }),
    );
    expect(out.events.map((e) => e.type)).toEqual(['end']);
    expect(out.events[0]).toMatchObject({ finish: 'cancelled' });
    await delay(30);
    expect(emulator.stats().totals.requests).toBe(0);
    expect(usages).toEqual([]);
  });

  it('unsubscribing before the response headers aborts the request silently', async () => {
    const { usages, onUsage } = recorder();
    const ended = nextEnd(emulator, 'late');
    const events: VariantEvent[] = [];
    let failed: unknown;
    const subscription = streamFor(clients, protocol, 'late', { onUsage }).subscribe({
      next: (event) => events.push(event),
      error: (error: unknown) => {
        failed = error;
      },
    });
    await delay(100);
    const at = performance.now();
    subscription.unsubscribe();
    const record: RequestRecord = await ended;
    expect(record.outcome).toBe('gone');
    expect(record.goneAt! - at).toBeLessThan(250);
    await delay(20);
    expect(events).toEqual([]);
    expect(failed).toBeUndefined();
    expect(usages).toEqual([expect.objectContaining({ output: 0, estimated: true })]);
  });
});

describe('ollama adapter with an Ollama instance', () => {
  it("uses the instance's host, headers and fetch, and still cancels per request", async () => {
    let calls = 0;
    const client = new Ollama({
      host: emulator.baseURLs.ollama,
      headers: { authorization: `Bearer ${API_KEY}` },
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    const out = await collect(
      ollamaStream(client, { model: 'fixed', messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(out.text).toBe(TEXT);
    expect(calls).toBe(1);

    const ended = nextEnd(emulator, 'slow');
    const subscription = ollamaStream(client, {
      model: 'slow',
      messages: [{ role: 'user', content: 'hi' }],
    }).subscribe((event) => {
      if (event.type === 'delta') subscription.unsubscribe();
    });
    const record = await ended;
    expect(record.outcome).toBe('gone');
    expect(record.tokensAfterGone).toBe(0);
  });

  it('rejects a client it cannot read at creation time', () => {
    expect(() => ollamaStream({ chat: () => undefined } as never, { model: 'm' })).toThrow(/`client`/);
    expect(() => ollamaStream({ host: 42 } as never, { model: 'm' })).toThrow(/`client.host`/);
  });
});
