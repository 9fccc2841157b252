/**
 * Every fault the emulator injects × every protocol, through the official SDKs: the right
 * `ProviderError` type (or, for split UTF-8 and huge chunks, the exact text), usage reported once,
 * the connection closed, no unhandled rejection and no handle left open.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Emulator, fillerText, type ModelScript, startEmulator } from '../../src/emulator/index.js';
import type { ProviderErrorType } from '../../src/errors.js';
import { ProviderError } from '../../src/errors.js';
import type { UsageEvent } from '../../src/events.js';
import { idleTimeout } from '../../src/operators/idleTimeout.js';
import {
  activeResources,
  type Clients,
  clientsFor,
  collect,
  delay,
  leakedResources,
  PROTOCOLS,
  type Protocol,
  streamFor,
} from './harness.js';

const API_KEY = 'test-key';
const TEXT = 'one two three four five six seven eight';
const UTF8_TEXT = 'héllo wörld — 日本語のテキスト, emoji 🌍🎉 and ✓ ñ ü ß';
const HUGE = 1 << 20;
const STALL_IDLE_MS = 300;

interface Row {
  readonly name: string;
  readonly script: ModelScript;
  /** Expected error type by protocol, or `ok` with the exact text. */
  readonly expect: Readonly<Record<Protocol, ProviderErrorType>> | { readonly text: string };
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** The client used: the right key, a wrong one. */
  readonly key?: string;
  /** The model name requested (defaults to the row's name). */
  readonly model?: string;
  /** The response stalls: the test applies `idleTimeout` and checks the emulator saw it go away. */
  readonly stalls?: boolean;
}

const all = (type: ProviderErrorType) => ({ openai: type, anthropic: type, ollama: type });
const after3 = { interToken: 2, text: TEXT };

const ROWS: readonly Row[] = [
  {
    name: 'status 429 + retry-after',
    script: { fault: { kind: 'status', status: 429, retryAfter: 7 } },
    expect: all('rate_limited'),
    status: 429,
    retryAfterMs: 7000,
  },
  {
    name: 'status 500',
    script: { fault: { kind: 'status', status: 500 } },
    expect: all('server'),
    status: 500,
  },
  {
    name: 'status 503',
    script: { fault: { kind: 'status', status: 503 } },
    expect: all('overloaded'),
    status: 503,
  },
  {
    name: 'status 529',
    script: { fault: { kind: 'status', status: 529 } },
    expect: all('overloaded'),
    status: 529,
  },
  {
    name: 'reset_before_headers',
    script: { fault: { kind: 'reset_before_headers' } },
    expect: all('connection'),
  },
  {
    name: 'reset after 3',
    script: { ...after3, fault: { kind: 'reset', afterTokens: 3 } },
    expect: all('connection'),
  },
  {
    name: 'stall after 3',
    script: { ...after3, fault: { kind: 'stall', afterTokens: 3 } },
    expect: all('timeout'),
    stalls: true,
  },
  {
    name: 'close_without_end after 3',
    script: { ...after3, fault: { kind: 'close_without_end', afterTokens: 3 } },
    expect: all('truncated'),
  },
  {
    name: 'malformed_chunk after 3',
    script: { ...after3, fault: { kind: 'malformed_chunk', afterTokens: 3 } },
    expect: all('bad_response'),
  },
  {
    // Each provider's own in-band error: OpenAI `server_error`, Anthropic `overloaded_error`,
    // Ollama `{"error":"…"}` (classified by its message).
    name: 'inband_error after 3',
    script: { ...after3, fault: { kind: 'inband_error', afterTokens: 3 } },
    expect: { openai: 'server', anthropic: 'overloaded', ollama: 'server' },
  },
  {
    name: 'inband_error "rate limit"',
    script: { ...after3, fault: { kind: 'inband_error', afterTokens: 1, message: 'Rate limit reached' } },
    expect: { openai: 'server', anthropic: 'overloaded', ollama: 'rate_limited' },
  },
  {
    name: 'split_utf8',
    script: { text: UTF8_TEXT, fault: { kind: 'split_utf8' } },
    expect: { text: UTF8_TEXT },
  },
  {
    name: 'huge_chunk 1 MiB',
    script: { text: TEXT, fault: { kind: 'huge_chunk', bytes: HUGE } },
    expect: { text: fillerText(HUGE) + TEXT },
  },
  {
    name: 'unknown model (404)',
    script: {},
    model: 'no-such-model',
    expect: all('bad_request'),
    status: 404,
  },
  { name: 'wrong API key (401)', script: {}, key: 'wrong-key', expect: all('auth'), status: 401 },
];

let emulator: Emulator;
let clients: Clients;
let wrongKeyClients: Clients;
let before: Map<string, number>;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const table = new Map<string, Record<Protocol, string>>();

beforeAll(async () => {
  before = activeResources();
  process.on('unhandledRejection', onUnhandled);
  emulator = await startEmulator(
    { seed: 5, models: Object.fromEntries(ROWS.filter((r) => !r.model).map((r) => [r.name, r.script])) },
    { apiKey: API_KEY },
  );
  clients = clientsFor(emulator, API_KEY);
  wrongKeyClients = clientsFor(emulator, 'wrong-key');
});

afterAll(async () => {
  await emulator.close();
  // Let late rejections (if any) surface before checking.
  await delay(50);
  process.off('unhandledRejection', onUnhandled);
  const header = `| fault | ${PROTOCOLS.join(' | ')} |`;
  const lines = [...table].map(
    ([name, cells]) => `| ${name} | ${PROTOCOLS.map((p) => cells[p]).join(' | ')} |`,
  );
  console.log(
    ['fault × protocol', header, `| --- |${' --- |'.repeat(PROTOCOLS.length)}`, ...lines].join('\n'),
  );
  expect(unhandled).toEqual([]);
  expect(await leakedResources(before)).toEqual([]);
});

describe.each(ROWS)('$name', (row) => {
  it.each(PROTOCOLS)('%s', async (protocol) => {
    const usages: UsageEvent[] = [];
    const model = row.model ?? row.name;
    const variant = `${protocol}/${row.name}`;
    let stream = streamFor(row.key ? wrongKeyClients : clients, protocol, model, {
      variant,
      onUsage: (u) => usages.push(u),
    });
    // Adapters have no timers of their own: a stall is caught by the idle timeout operator.
    if (row.stalls) stream = stream.pipe(idleTimeout(STALL_IDLE_MS, { provider: protocol }));
    const gone = row.stalls ? waitForGone(model) : undefined;
    const requestsBefore = requestsFor(model);
    const out = await collect(stream);
    // A cancelled request reports its usage on a later turn of the event loop (the adapter closes
    // the socket first); on a loaded machine that turn can come after a timer of 0 ms.
    await vi.waitFor(() => expect(usages.length).toBeGreaterThan(0), { timeout: 2000, interval: 5 });
    await delay(20);
    expect(usages).toHaveLength(1);
    // The clients were built with maxRetries 2: the adapters still send exactly one request.
    expect(requestsFor(model) - requestsBefore).toBe(1);
    const cells = table.get(row.name) ?? ({} as Record<Protocol, string>);
    table.set(row.name, cells);

    if ('text' in row.expect) {
      expect(out.error).toBeUndefined();
      expect(out.text).toBe(row.expect.text);
      expect(out.text.includes('\uFFFD')).toBe(false);
      expect(out.events.at(-1)).toMatchObject({ type: 'end', finish: 'stop' });
      expect(usages[0]!.estimated).toBe(false);
      cells[protocol] = `ok (${out.text.length} chars exact)`;
      return;
    }

    const error = out.error;
    expect(error).toBeInstanceOf(ProviderError);
    const e = error as ProviderError;
    cells[protocol] =
      `${e.type}${e.status ? ` ${e.status}` : ''}${e.retryAfterMs !== undefined ? `, retryAfterMs ${e.retryAfterMs}` : ''}`;
    expect(e.type).toBe(row.expect[protocol]);
    expect(e.provider).toBe(protocol);
    expect(e.variant).toBe(variant);
    if (row.status !== undefined) {
      expect(e.status).toBe(row.status);
      // `.asResponse()` still raises the SDKs' typed HTTP errors; the adapter keeps them as `cause`.
      const sdkError = { openai: OpenAI.APIError, anthropic: Anthropic.APIError, ollama: Error }[protocol];
      expect(e.cause).toBeInstanceOf(sdkError);
      if (protocol === 'ollama') expect((e.cause as Error).name).toBe('ResponseError');
      // Refused with an HTTP status: nothing was billed.
      expect(usages[0]).toMatchObject({ input: 0, output: 0, estimated: true });
    } else {
      expect(usages[0]!.estimated).toBe(true);
    }
    if (row.retryAfterMs !== undefined) expect(e.retryAfterMs).toBe(row.retryAfterMs);
    if (e.type === 'timeout') expect(e.timeout).toBe('idle');
    // Whatever the failure, the request is over on the server side (the stall was aborted).
    if (gone) expect((await gone).outcome).toBe('gone');
    await emulator.idle();
  });
});

/** Requests the emulator saw for `model`, refused ones (unknown model, wrong key) included. */
function requestsFor(model: string): number {
  const stats = emulator.stats();
  return (stats.models[model]?.requests ?? 0) + stats.totals.rejected;
}

function waitForGone(model: string): Promise<{ outcome: string }> {
  return new Promise((resolve) => {
    const listener = (record: { model: string; outcome: string }) => {
      if (record.model !== model) return;
      emulator.off('end', listener);
      resolve(record);
    };
    emulator.on('end', listener);
  });
}
