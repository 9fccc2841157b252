/**
 * Issue 9, part 1: every emulator fault × every protocol, inside a 3-variant `LLMOrchestrator`
 * consensus (quorum 2) whose two other variants are healthy and agree, through the real SDKs.
 *
 * For each cell: a decision is made (the healthy two agree on 42); the faulty variant is reported
 * `failed` with the right `ProviderError` type (or, for split UTF-8 and the huge chunk, finishes
 * with its exact text); its usage and cost are kept (0/0 for a refused request, estimated input
 * and output for a broken stream, the provider's counts for a success); the emulator sees every
 * request closed; no timer is left behind by a decision, and no handle at all once the emulator
 * is closed. Prints the matrix.
 *
 * Retries: every provider here has `max_attempts = 1`, so the error a variant reports is the
 * fault's own (a retry would hit the same fault again, only slower). The last test shows the other
 * path: a 429 with `retry-after: 1` retried after the pause, the variant then succeeding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../src/decision.js';
import {
  type Emulator,
  type Fault,
  fillerText,
  type ModelScript,
  startEmulator,
} from '../../src/emulator/index.js';
import { isProviderError, ProviderError, type ProviderErrorType } from '../../src/errors.js';
import { estimateTokens } from '../../src/tokens.js';
import {
  activeResources,
  idleWithin,
  leakedResources,
  markdownTable,
  observe,
  orchestratorFor,
  PRICE,
  PROTOCOLS,
  type Protocol,
  planConfig,
  watchUnhandled,
  words,
} from './harness.js';

const PROMPT = 'Tom has 6 boxes of 7 apples. How many apples does he have?';
const HEALTHY_A = 'He has 6 x 7 = 42 apples. The answer is 42.';
const HEALTHY_B = 'Six boxes of seven apples make 42. The answer is 42.';
// Multi-byte characters of 2, 3 and 4 bytes, so that `split_utf8` cuts some of each.
const FAULTY = 'Réponse ✓ — 6 × 7 = 42 pommes 🍎. The answer is 42.';
const HUGE_BYTES = 1 << 20;
/** The faulty variant's own time limits (first token and idle): a stall is caught this fast. */
const FAULTY_LIMIT_MS = 100;
/** The healthy variants answer this late, well after the faulty one has failed (or finished). */
const HEALTHY_TTFT_MS = 120;
const HEALTHY_TTFT_STALL_MS = 400;

type Billing =
  /** Refused with an HTTP status: billed nothing (0/0, marked estimated). */
  | 'refused'
  /** Failed before any byte of body: the prompt's tokens estimated, no output. */
  | 'input_only'
  /** Failed mid-stream: input as reported (Anthropic) or estimated, output counted from the text. */
  | 'partial'
  /** Finished: the provider's own counts. */
  | 'reported';

interface FaultRow {
  readonly name: string;
  readonly fault: Fault;
  /** The error type by protocol, or `exact`: the variant finishes with exactly its text. */
  readonly expect: Readonly<Record<Protocol, ProviderErrorType>> | 'exact';
  readonly billing: Billing;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly stall?: boolean;
}

const all = (type: ProviderErrorType) => ({ openai: type, anthropic: type, ollama: type });

const ROWS: readonly FaultRow[] = [
  {
    name: '429 + retry-after',
    fault: { kind: 'status', status: 429, retryAfter: 7 },
    expect: all('rate_limited'),
    billing: 'refused',
    status: 429,
    retryAfterMs: 7000,
  },
  {
    name: '500',
    fault: { kind: 'status', status: 500 },
    expect: all('server'),
    billing: 'refused',
    status: 500,
  },
  {
    name: '503',
    fault: { kind: 'status', status: 503 },
    expect: all('overloaded'),
    billing: 'refused',
    status: 503,
  },
  {
    name: '529',
    fault: { kind: 'status', status: 529 },
    expect: all('overloaded'),
    billing: 'refused',
    status: 529,
  },
  {
    name: 'reset before headers',
    fault: { kind: 'reset_before_headers' },
    expect: all('connection'),
    billing: 'input_only',
  },
  {
    name: 'reset mid-stream',
    fault: { kind: 'reset', afterTokens: 3 },
    expect: all('connection'),
    billing: 'partial',
  },
  {
    name: 'stall after headers',
    fault: { kind: 'stall', afterTokens: 3 },
    expect: all('timeout'),
    billing: 'partial',
    stall: true,
  },
  {
    name: 'close without end marker',
    fault: { kind: 'close_without_end', afterTokens: 3 },
    expect: all('truncated'),
    billing: 'partial',
  },
  {
    name: 'malformed chunk',
    fault: { kind: 'malformed_chunk', afterTokens: 3 },
    expect: all('bad_response'),
    billing: 'partial',
  },
  {
    // Each provider's own in-band error: OpenAI `server_error`, Anthropic `overloaded_error`,
    // Ollama `{"error":"…"}` (classified by its message).
    name: 'in-band error event',
    fault: { kind: 'inband_error', afterTokens: 3 },
    expect: { openai: 'server', anthropic: 'overloaded', ollama: 'server' },
    billing: 'partial',
  },
  { name: 'split UTF-8', fault: { kind: 'split_utf8' }, expect: 'exact', billing: 'reported' },
  {
    name: 'huge chunk (1 MiB)',
    fault: { kind: 'huge_chunk', bytes: HUGE_BYTES },
    expect: 'exact',
    billing: 'reported',
  },
];

const slug = (row: FaultRow, protocol: Protocol) =>
  `${row.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${protocol}`;

/** Every model of every cell, so one emulator serves the whole matrix. */
function scenarioModels(): Record<string, ModelScript> {
  const models: Record<string, ModelScript> = {};
  for (const row of ROWS) {
    for (const protocol of PROTOCOLS) {
      const id = slug(row, protocol);
      const ttft = row.stall ? HEALTHY_TTFT_STALL_MS : HEALTHY_TTFT_MS;
      models[`${id}-faulty`] = { text: FAULTY, ttft: 0, interToken: 2, fault: row.fault };
      models[`${id}-a`] = { text: HEALTHY_A, ttft, interToken: 2 };
      models[`${id}-b`] = { text: HEALTHY_B, ttft: ttft + 10, interToken: 2 };
    }
  }
  for (const protocol of PROTOCOLS) {
    models[`retry-${protocol}-faulty`] = {
      text: FAULTY,
      interToken: 2,
      fault: [{ kind: 'status', status: 429, retryAfter: 1 }, null],
    };
    models[`retry-${protocol}-a`] = { text: HEALTHY_A, ttft: 20, interToken: 2 };
    models[`retry-${protocol}-b`] = { text: HEALTHY_B, ttft: 30, interToken: 2 };
  }
  return models;
}

let emulator: Emulator;
let baseline: Map<string, number>;
let timersBaseline: Map<string, number>;
let unhandled: ReturnType<typeof watchUnhandled>;
const cells = new Map<string, Record<Protocol, string>>();

beforeAll(async () => {
  baseline = activeResources();
  unhandled = watchUnhandled();
  emulator = await startEmulator({ seed: 9, models: scenarioModels() });
  timersBaseline = activeResources();
});

afterAll(async () => {
  await emulator.close();
  unhandled.stop();
  console.log(
    `fault × protocol inside a 3-variant consensus (quorum 2), faulty variant's outcome · its cost · decision time\n${markdownTable(
      ['fault', ...PROTOCOLS],
      ROWS.map((r) => [r.name, ...PROTOCOLS.map((p) => cells.get(r.name)?.[p] ?? 'not run')]),
    )}`,
  );
  expect(unhandled.seen).toEqual([]);
  // With the emulator closed, every socket (the SDKs' keep-alive ones included) and timer is gone.
  expect(await leakedResources(baseline)).toEqual([]);
});

/** Runs one 3-variant consensus: the faulty variant first, on `protocol`, and two healthy ones. */
async function decide(id: string, protocol: Protocol, quorum = 2, attempts = 1) {
  const config = planConfig(
    [
      {
        name: 'faulty',
        protocol,
        model: `${id}-faulty`,
        firstTokenMs: FAULTY_LIMIT_MS,
        idleMs: FAULTY_LIMIT_MS,
        attempts,
      },
      { name: 'healthy_a', protocol, model: `${id}-a` },
      { name: 'healthy_b', protocol, model: `${id}-b` },
    ],
    { quorum },
  );
  return observe(orchestratorFor(config, emulator), PROMPT);
}

function faultyOf(decision: Decision) {
  const v = decision.variants.find((x) => x.provider === 'faulty');
  if (v === undefined) throw new Error('no faulty variant in the decision');
  return v;
}

describe.each(ROWS)('$name', (row) => {
  it.each(PROTOCOLS)('%s', async (protocol) => {
    const id = slug(row, protocol);
    emulator.resetStats();
    const run = await decide(id, protocol);

    // A decision is made, from agreeing answers, and nothing follows it.
    expect(run.error).toBeUndefined();
    expect(run.completed).toBe(true);
    expect(run.afterDecision).toEqual([]);
    const decision = run.decision!;
    expect(decision).toMatchObject({ stoppedBy: 'quorum', noConsensus: false, quorum: { key: '42' } });
    const winner = decision.variants.find((v) => v.id === decision.winner)!;
    expect(decision.text).toBe(winner.text);

    // The faulty variant: its typed error, or its exact text.
    const faulty = faultyOf(decision);
    let outcome: string;
    if (row.expect === 'exact') {
      const text = row.fault.kind === 'huge_chunk' ? fillerText(row.fault.bytes) + FAULTY : FAULTY;
      expect(['won', 'agreed']).toContain(faulty.outcome);
      expect(faulty.finish).toBe('stop');
      expect(faulty.text).toBe(text);
      expect(faulty.text.includes('\uFFFD')).toBe(false);
      outcome = `${faulty.outcome}, exact text (${faulty.text.length} chars)`;
    } else {
      expect(faulty.outcome).toBe('failed');
      expect(faulty.finish).toBe('error');
      const error = faulty.error;
      expect(error).toBeInstanceOf(ProviderError);
      const e = error as ProviderError;
      expect(e.type).toBe(row.expect[protocol]);
      expect(e.provider).toBe('faulty');
      expect(e.variant).toBe(faulty.id);
      if (row.status !== undefined) expect(e.status).toBe(row.status);
      if (row.retryAfterMs !== undefined) expect(e.retryAfterMs).toBe(row.retryAfterMs);
      if (row.stall) expect(e.timeout).toBe('idle');
      // The failure is also announced as it happens, with the same typed error.
      const failedEvent = run.events.find(
        (ev) => ev.type === 'variant' && ev.change === 'failed' && ev.variant.id === faulty.id,
      );
      expect(failedEvent).toMatchObject({ error: { type: e.type } });
      // Whatever streamed before the failure is kept.
      if (row.billing === 'partial') expect(faulty.text.length).toBeGreaterThan(0);
      outcome = `failed: ${e.type}${e.status ? ` ${e.status}` : ''}${e.retryAfterMs !== undefined ? ` (retry-after ${e.retryAfterMs} ms)` : ''}${e.timeout ? ` (${e.timeout})` : ''}`;
    }

    // Its usage and cost are kept, estimated where the provider could not report them.
    await idleWithin(emulator);
    const stats = emulator.stats();
    const record = stats.log.find((r) => r.model === `${id}-faulty`)!;
    const cost = faulty.cost;
    const promptEstimate = estimateTokens(PROMPT);
    switch (row.billing) {
      case 'refused':
        expect(cost).toMatchObject({ inputTokens: 0, outputTokens: 0, estimated: true, usd: 0 });
        break;
      case 'input_only':
        expect(cost).toMatchObject({ inputTokens: promptEstimate, outputTokens: 0, estimated: true });
        break;
      case 'partial':
        expect(cost.estimated).toBe(true);
        // Anthropic reports the input tokens first (message_start); the others are estimated.
        expect(cost.inputTokens).toBe(protocol === 'anthropic' ? words(PROMPT) : promptEstimate);
        expect(cost.outputTokens).toBe(estimateTokens(faulty.text));
        break;
      case 'reported':
        expect(cost).toMatchObject({
          inputTokens: words(PROMPT),
          outputTokens: record.tokensWritten,
          estimated: false,
        });
        break;
    }
    expect(cost.usd).toBeCloseTo(
      (cost.inputTokens * PRICE.input + cost.outputTokens * PRICE.output) / 1e6,
      12,
    );
    // The ledger holds every request (one each here) and sums the variants.
    expect(decision.cost.total.records).toBe(3);
    expect(decision.cost.total.inputTokens).toBe(
      decision.variants.reduce((s, v) => s + v.cost.inputTokens, 0),
    );
    expect(decision.cost.total.outputTokens).toBe(
      decision.variants.reduce((s, v) => s + v.cost.outputTokens, 0),
    );

    // The emulator saw every request end, and wrote nothing to a client that had left.
    expect(stats.totals.open).toBe(0);
    expect(stats.totals.tokensAfterGone).toBe(0);
    expect(stats.log.filter((r) => r.model.startsWith(id))).toHaveLength(3);
    expect(stats.log.every((r) => r.outcome !== 'open')).toBe(true);
    if (row.stall) expect(record.outcome).toBe('gone');
    // No timer of the decision (timeouts, progress throttle, retries) outlives it.
    expect(await leakedResources(timersBaseline, ['Timeout', 'Immediate'])).toEqual([]);

    const row_ = cells.get(row.name) ?? ({} as Record<Protocol, string>);
    row_[protocol] =
      `${outcome} · ${cost.inputTokens}/${cost.outputTokens} tok${cost.estimated ? ' est.' : ''} · ${Math.round(run.ms)} ms`;
    cells.set(row.name, row_);
  });
});

describe('retry before the first token', () => {
  it('a 429 with retry-after 1 s is retried after the pause, then succeeds (each protocol)', async () => {
    emulator.resetStats();
    // Quorum 3: the decision waits for the retried variant. The three protocols run at once.
    const runs = await Promise.all(PROTOCOLS.map((p) => decide(`retry-${p}`, p, 3, 2)));
    await idleWithin(emulator);
    const log = emulator.stats().log;
    PROTOCOLS.forEach((protocol, i) => {
      const run = runs[i]!;
      expect(run.error).toBeUndefined();
      const decision = run.decision!;
      expect(decision.stoppedBy).toBe('quorum');
      const faulty = faultyOf(decision);
      expect(['won', 'agreed']).toContain(faulty.outcome);
      expect(faulty.text).toBe(FAULTY);
      const retry = decision.notices.find((n) => n.type === 'pool' && n.notice.type === 'retry');
      expect(retry, protocol).toBeDefined();
      if (retry?.type === 'pool' && retry.notice.type === 'retry') {
        expect(retry.notice.delayMs).toBeGreaterThanOrEqual(1000);
        expect(isProviderError(retry.notice.error, 'rate_limited')).toBe(true);
      }
      const requests = log.filter((r) => r.model === `retry-${protocol}-faulty`);
      expect(requests.map((r) => r.status)).toEqual([429, 200]);
      // retry-after honoured: the second request left at least a second after the first.
      expect(requests[1]!.startedAt - requests[0]!.startedAt).toBeGreaterThanOrEqual(990);
      // Both requests are in the ledger: the refused one at 0/0, the answered one as reported.
      expect(decision.cost.total.records).toBe(4);
      expect(faulty.cost).toMatchObject({
        inputTokens: words(PROMPT),
        outputTokens: requests[1]!.tokensWritten,
      });
    });
  });
});
