/**
 * Issue 9, part 4: bad input. Prompts that are empty, huge, binary or not well-formed UTF-16; a
 * provider that sends bytes that are not UTF-8, or absurd usage numbers; configs with numeric
 * nonsense or binary text. Each gives a clear typed error or a sane decision: no crash, nothing
 * lost, usage that cannot be believed flagged (`estimated`).
 *
 * The table of invalid config keys (each a `ConfigError` naming its key path, the value found and
 * what is allowed) is `test/config.errors.test.ts`; this file adds only what that table lacks.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionCacheKey } from '../../src/cache.js';
import { ConfigSyntaxError } from '../../src/config/configErrors.js';
import { parseConfig } from '../../src/config/parseConfig.js';
import type { ChorusConfig } from '../../src/config/types.js';
import { type EmulatedRequest, type Emulator, startEmulator } from '../../src/emulator/index.js';
import { ConfigError, isProviderError } from '../../src/errors.js';
import { DecisionError } from '../../src/orchestrator/decisionError.js';
import { emulatorClients } from '../../src/orchestrator/emulatorClients.js';
import { LLMOrchestrator } from '../../src/orchestrator.js';
import type { PoolClient } from '../../src/pool/poolTypes.js';
import { estimateTokens } from '../../src/tokens.js';
import {
  activeResources,
  idleWithin,
  leakedResources,
  observe,
  orchestratorFor,
  PROTOCOLS,
  type Protocol,
  planConfig,
  watchUnhandled,
} from './harness.js';
import { type RawProvider, type RawScript, startRawProvider } from './rawProvider.js';

const QUESTION = 'Tom has 6 boxes of 7 apples. How many apples does he have?';
const ANSWER = 'He has 6 x 7 = 42 apples. The answer is 42.';

let emulator: Emulator;
let raw: RawProvider;
let baseline: Map<string, number>;
let unhandled: ReturnType<typeof watchUnhandled>;
/** Every prompt the emulator received, by model. */
const seen = new Map<string, string[]>();
const remember = (request: EmulatedRequest): string => {
  seen.set(request.model, [...(seen.get(request.model) ?? []), request.prompt]);
  return ANSWER;
};

// Bytes that are not UTF-8: a lone 0xFF, a 2-byte lead followed by ASCII, a truncated 3-byte
// sequence. A decoder that is not `fatal` turns each maximal bad subpart into one U+FFFD.
const BAD_UTF8 = Buffer.from([0xff, 0x20, 0xc3, 0x28, 0x20, 0xe2, 0x82]);
const BAD_UTF8_DECODED = new TextDecoder().decode(BAD_UTF8);

const RAW_SCRIPTS: Record<string, RawScript> = {
  'bad-utf8': {
    pieces: ['He has 6 x 7 = 42 apples ', BAD_UTF8, ' (sorry). The answer is 42.'],
    input: '13',
    output: '9',
  },
};

/** Absurd usage numbers, as raw JSON literals, and whether each is believed. */
const USAGE_ROWS = [
  { name: 'negative input', input: '-5', output: '7' },
  { name: 'null input', input: 'null', output: '3' },
  { name: 'string input, infinite output', input: '"12"', output: '1e400' },
  { name: 'fractional output', input: '13', output: '1.5' },
  { name: '1e15 input', input: '1e15', output: '9' },
  { name: '1e15 output', input: '13', output: '1e15' },
  { name: 'plausible (control)', input: '13', output: '9' },
] as const;
const USAGE_TEXT = 'He has 6 x 7 = 42 apples. The answer is 42.';
/** A count chorus should believe: a non-negative integer of plausible size. */
const believable = (literal: string) => /^\d+$/.test(literal) && Number(literal) <= 1e9;
for (const row of USAGE_ROWS) {
  RAW_SCRIPTS[`usage-${row.name}`] = { pieces: [USAGE_TEXT], input: row.input, output: row.output };
}
RAW_SCRIPTS['usage-NaN (not JSON)'] = { pieces: [USAGE_TEXT], input: 'NaN', output: '9' };

beforeAll(async () => {
  baseline = activeResources();
  unhandled = watchUnhandled();
  emulator = await startEmulator({
    seed: 4,
    models: {
      '*': { text: remember, ttft: 5, interToken: 1 },
      // The healthy partners of the raw provider: later, so the raw variant finishes first.
      'late-a': { text: ANSWER, ttft: 80, interToken: 1 },
      'late-b': { text: 'Six boxes of seven apples: 42. The answer is 42.', ttft: 90, interToken: 1 },
      'lone-surrogates': { text: 'Odd \uD800 text \uDFFF here. The answer is 42.', interToken: 1 },
      'absurd-usage': { text: ANSWER, usage: { input: 1e15, output: 1e15 } },
    },
  });
  raw = await startRawProvider(RAW_SCRIPTS);
});

afterAll(async () => {
  await emulator.close();
  await raw.close();
  unhandled.stop();
  expect(unhandled.seen).toEqual([]);
  expect(await leakedResources(baseline)).toEqual([]);
});

/** Three variants, one per protocol, all on the emulator with `remember`. */
function threeProtocols(quorum = 2): LLMOrchestrator {
  return orchestratorFor(
    planConfig(
      PROTOCOLS.map((protocol) => ({ name: `p_${protocol}`, protocol, model: `seen-${protocol}` })),
      { quorum },
    ),
    emulator,
  );
}

/** A client of `protocol` for the raw provider. */
function rawClient(protocol: Protocol): PoolClient {
  switch (protocol) {
    case 'openai':
      return new OpenAI({ apiKey: 'x', baseURL: raw.baseURLs.openai, maxRetries: 0 });
    case 'anthropic':
      return new Anthropic({ apiKey: 'x', baseURL: raw.baseURLs.anthropic, maxRetries: 0 });
    case 'ollama':
      return { host: raw.baseURLs.ollama };
  }
}

/** The raw variant first (model `model` on `protocol`), then two late healthy ones on the emulator. */
function withRaw(protocol: Protocol, model: string): { chorus: LLMOrchestrator; config: ChorusConfig } {
  const config = planConfig(
    [
      { name: 'raw', protocol, model },
      { name: 'late_a', protocol: 'openai', model: 'late-a' },
      { name: 'late_b', protocol: 'anthropic', model: 'late-b' },
    ],
    { quorum: 2 },
  );
  const clients = { ...emulatorClients(config, emulator), raw: rawClient(protocol) };
  return { chorus: new LLMOrchestrator(config, { clients, cache: false }), config };
}

describe('prompts', () => {
  it('an empty or malformed prompt rejects with a TypeError naming `prompt`, and sends nothing', async () => {
    const chorus = threeProtocols();
    emulator.resetStats();
    const bad: unknown[] = [
      '',
      '   \n\t ',
      { messages: [] },
      { messages: [{ role: 'user', content: 42 }] },
      { messages: [{ role: 'robot', content: 'hi' }] },
      { text: 'hi' },
      null,
      undefined,
      42,
      Buffer.from('What is 6 x 7?'),
    ];
    for (const prompt of bad) {
      const error = await chorus.run(prompt as string).catch((e: unknown) => e);
      expect(error, String(prompt)).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/`prompt/);
    }
    await idleWithin(emulator);
    expect(emulator.stats().totals.requests).toBe(0);
  });

  it('a 1 MB prompt is decided; a 2 MB one is refused by the providers (413), a typed DecisionError', async () => {
    const chorus = threeProtocols();
    const filler = 'lorem ipsum dolor sit amet '.repeat(40_000).slice(0, 1_000_000 - QUESTION.length - 1);
    const huge = `${filler}\n${QUESTION}`;
    expect(huge.length).toBe(1_000_000);
    seen.clear();
    const started = performance.now();
    const decision = await chorus.run(huge);
    const ms = performance.now() - started;
    expect(decision).toMatchObject({ noConsensus: false, text: ANSWER, quorum: { key: '42' } });
    // Every provider that received the request got the whole prompt (at least the two that
    // decided; on a loaded machine the third may still be uploading when the quorum cancels it).
    const received = PROTOCOLS.map((p) => seen.get(`seen-${p}`)?.[0]).filter((t) => t !== undefined);
    expect(received.length).toBeGreaterThanOrEqual(2);
    for (const text of received) expect(text).toBe(huge);
    console.log(`a 1 MB prompt decided in ${Math.round(ms)} ms`);

    const tooBig = `${'x'.repeat(2_000_000)}\n${QUESTION}`;
    const error = await chorus.run(tooBig).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecisionError);
    const e = error as DecisionError;
    expect(e.type).toBe('no_answer');
    expect(e.partials.variants.map((v) => v.outcome)).toEqual(['failed', 'failed', 'failed']);
    for (const v of e.partials.variants) {
      expect(isProviderError(v.error, 'bad_request')).toBe(true);
      expect(v.error).toMatchObject({ status: 413 });
    }
    // Refused with a status: billed nothing, and said so.
    expect(e.partials.cost).toMatchObject({ usd: 0, estimated: true });
    await idleWithin(emulator);
  });

  it('binary and ill-formed UTF-16 prompts reach every provider unchanged and are decided', async () => {
    const chorus = threeProtocols();
    const bytes = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
    const prompts = [
      `Lone surrogates \uD800 and \uDFFF, reversed pair \uDC00\uD800. ${QUESTION}`,
      `NUL\u0000, escape \u001b[31mred\u001b[0m, BOM \uFEFF, bell \u0007. ${QUESTION}`,
      `${bytes} ${QUESTION}`,
      `\uFFFF\uFFFE${'\uD83D'.repeat(50)} ${QUESTION}`,
    ];
    for (const prompt of prompts) {
      seen.clear();
      const run = await observe(chorus, prompt);
      expect(run.error).toBeUndefined();
      expect(run.decision).toMatchObject({ noConsensus: false, text: ANSWER });
      for (const protocol of PROTOCOLS) expect(seen.get(`seen-${protocol}`)?.[0]).toBe(prompt);
    }
    // A lone surrogate is not conflated with the replacement character in the cache key.
    const key = (text: string) => decisionCacheKey({ messages: text, plan: [] });
    expect(key('a \uD800 b')).not.toBe(key('a \uFFFD b'));
    await idleWithin(emulator);
  });
});

describe('provider output', () => {
  it.each(PROTOCOLS)(
    '%s: bytes that are not UTF-8 become U+FFFD; the rest arrives intact',
    async (protocol) => {
      const { chorus } = withRaw(protocol, 'bad-utf8');
      const run = await observe(chorus, QUESTION);
      expect(run.error).toBeUndefined();
      const decision = run.decision!;
      expect(decision.noConsensus).toBe(false);
      const v = decision.variants.find((x) => x.provider === 'raw')!;
      expect(v.finish).toBe('stop');
      expect(v.text).toBe(`He has 6 x 7 = 42 apples ${BAD_UTF8_DECODED} (sorry). The answer is 42.`);
      expect(v.text.match(/\uFFFD/g)).toHaveLength(3);
      expect(v.usage).toEqual({ input: 13, output: 9, estimated: false });
      await idleWithin(emulator);
    },
  );

  it('lone surrogates a provider sends (as JSON escapes) arrive unchanged, on every protocol', async () => {
    const config = planConfig(
      PROTOCOLS.map((protocol) => ({ name: `p_${protocol}`, protocol, model: 'lone-surrogates' })),
      { quorum: 3 },
    );
    const decision = await orchestratorFor(config, emulator).run(QUESTION);
    expect(decision.stoppedBy).toBe('quorum');
    for (const v of decision.variants) expect(v.text).toBe('Odd \uD800 text \uDFFF here. The answer is 42.');
    await idleWithin(emulator);
  });

  describe.each([...USAGE_ROWS.map((r) => r.name), 'NaN (not JSON)'])('usage: %s', (name) => {
    it.each(PROTOCOLS)('%s', async (protocol) => {
      const row = USAGE_ROWS.find((r) => r.name === name);
      const { chorus } = withRaw(protocol, `usage-${name}`);
      const run = await observe(chorus, QUESTION);
      // Whatever the numbers, the healthy two decide.
      expect(run.error).toBeUndefined();
      const decision = run.decision!;
      expect(decision).toMatchObject({ noConsensus: false, quorum: { key: '42' } });
      const v = decision.variants.find((x) => x.provider === 'raw')!;
      if (row === undefined) {
        // `NaN` is not JSON: the frame is refused as bad_response; the text streamed before it is
        // kept (Anthropic sends its input count first, in `message_start`, so it has none).
        expect(v.text).toBe(protocol === 'anthropic' ? '' : USAGE_TEXT);
        expect(v.outcome).toBe('failed');
        expect(isProviderError(v.error, 'bad_response')).toBe(true);
        expect(v.cost.estimated).toBe(true);
      } else {
        expect(v.text).toBe(USAGE_TEXT);
        expect(['won', 'agreed']).toContain(v.outcome);
        const inOk = believable(row.input);
        const outOk = believable(row.output);
        // A count that cannot be believed is replaced by the local count, and the usage is flagged.
        expect(v.usage).toEqual({
          input: inOk ? Number(row.input) : estimateTokens(QUESTION),
          output: outOk ? Number(row.output) : estimateTokens(USAGE_TEXT),
          estimated: !(inOk && outOk),
        });
        expect(v.cost).toMatchObject({
          inputTokens: v.usage!.input,
          outputTokens: v.usage!.output,
          estimated: !(inOk && outOk),
        });
      }
      // Nothing lost: the ledger holds every variant, and sums them.
      expect(decision.cost.total.records).toBe(3);
      expect(decision.cost.total.inputTokens).toBe(
        decision.variants.reduce((s, x) => s + x.cost.inputTokens, 0),
      );
      expect(Number.isFinite(decision.cost.usd)).toBe(true);
      await idleWithin(emulator);
    });
  });

  it("1e15 tokens from the emulator's usage override are flagged, not billed", async () => {
    const config = planConfig(
      [
        { name: 'absurd', protocol: 'openai', model: 'absurd-usage' },
        { name: 'late_a', protocol: 'anthropic', model: 'late-a' },
        { name: 'late_b', protocol: 'ollama', model: 'late-b' },
      ],
      { quorum: 2 },
    );
    const decision = await orchestratorFor(config, emulator).run(QUESTION);
    const v = decision.variants.find((x) => x.provider === 'absurd')!;
    expect(v.text).toBe(ANSWER);
    expect(v.usage?.estimated).toBe(true);
    expect(v.cost.inputTokens).toBe(estimateTokens(QUESTION));
    expect(v.cost.outputTokens).toBe(estimateTokens(ANSWER));
    expect(decision.cost.usd!).toBeLessThan(0.01);
    await idleWithin(emulator);
  });
});

describe('configs (beyond the table of test/config.errors.test.ts)', () => {
  const BASE = `[orchestration.variations]\nproviders = ["claude", "gpt-4", "ollama"]\n`;

  it.each([
    ['nan', 'orchestration.timeout_seconds', `[orchestration]\ntimeout_seconds = nan\n${BASE}`],
    ['inf', 'orchestration.timeout_seconds', `[orchestration]\ntimeout_seconds = inf\n${BASE}`],
    ['-inf', 'orchestration.max_tokens', `[orchestration]\nmax_tokens = -inf\n${BASE}`],
    ['1e400', 'orchestration.budget_usd', `[orchestration]\nbudget_usd = 1e400\n${BASE}`],
    ['-0.0 seconds', 'orchestration.timeout_seconds', `[orchestration]\ntimeout_seconds = -0.0\n${BASE}`],
  ])('a numeric %s is a ConfigError naming the key', (_name, path, toml) => {
    let thrown: unknown;
    try {
      parseConfig(toml, 'bad.toml');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toContain(`\`${path}\``);
  });

  it('binary, huge or unrepresentable input is a ConfigSyntaxError with a position, quickly', () => {
    const garbage = [
      // An integer that does not fit a double: refused by the TOML parser rather than rounded.
      `[orchestration]\nmax_providers = 9223372036854775807\n`,
      String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i)),
      '\u0000\u0000\u0000',
      `${'[[[['.repeat(250_000)}`,
      `key = "${'\uD800'.repeat(10)}`,
    ];
    for (const text of garbage) {
      const started = performance.now();
      let thrown: unknown;
      try {
        parseConfig(text, 'garbage.toml');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigSyntaxError);
      const error = thrown as ConfigSyntaxError;
      expect(error.line).toBeGreaterThanOrEqual(1);
      expect(error.column).toBeGreaterThanOrEqual(1);
      expect(error.message).toMatch(/^Invalid TOML in garbage\.toml at line \d+, column \d+: /);
      expect(performance.now() - started).toBeLessThan(5000);
    }
  });

  it('a bad per-call override rejects with a ConfigError naming the key, and sends nothing', async () => {
    const chorus = threeProtocols();
    emulator.resetStats();
    const error = await chorus
      .run(QUESTION, { overrides: { orchestration: { consensus: { min_responses: 0 } } } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('`orchestration.consensus.min_responses`');
    const nonsense = await chorus
      .run(QUESTION, { overrides: { orchestration: { timeout_seconds: Number.NaN } } })
      .catch((e: unknown) => e);
    expect(nonsense).toBeInstanceOf(ConfigError);
    await idleWithin(emulator);
    expect(emulator.stats().totals.requests).toBe(0);
  });
});
