import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, PROVIDER_PRESETS } from '../src/config/defaults.js';
import { didYouMean } from '../src/config/didYouMean.js';
import { loadConfig } from '../src/config/loadConfig.js';
import { overrideConfig } from '../src/config/overrideConfig.js';
import { parseConfig } from '../src/config/parseConfig.js';
import { isSecret, secret } from '../src/config/secret.js';
import { validateConfig } from '../src/config/validateConfig.js';
import { ConfigError } from '../src/errors.js';
import { ParameterVariator } from '../src/variation.js';
import { SEED_TOML } from './fixtures/seedConfig.js';

const CANARY = 'sk-canary-0d8e2b7f44';

describe('the seed example', () => {
  it('parses as written, with presets for gpt-4 and ollama', () => {
    const config = parseConfig(SEED_TOML, 'chorus.toml');
    expect(config.orchestration).toMatchObject({
      strategy: 'parallel',
      timeout_seconds: 30,
      max_providers: 3,
      variations: {
        providers: ['claude', 'gpt-4', 'ollama'],
        temperature: [0.2, 0.5, 0.8],
        top_p: [0.9, 0.95],
      },
      consensus: { method: 'quality_weighted', min_responses: 2, cache_ttl: 3600 },
    });
    expect(Object.keys(config.providers)).toEqual(['claude', 'gpt-4', 'ollama']);
    expect(config.providers.claude).toMatchObject({
      kind: 'anthropic',
      models: ['claude-sonnet-4-5'],
      fallback: ['ollama'],
      api_key_env: 'ANTHROPIC_API_KEY',
    });
    expect(config.providers['gpt-4']).toMatchObject({
      kind: 'openai',
      models: ['gpt-4'],
      api_key_env: 'OPENAI_API_KEY',
    });
    expect(config.providers.ollama).toMatchObject({
      kind: 'ollama',
      models: ['llama3.2'],
      prices: { input: 0, output: 0 },
    });
    expect(config.providers.ollama!.api_key_env).toBeUndefined();
  });

  it('plans three diverse variants', () => {
    const ids = new ParameterVariator(parseConfig(SEED_TOML)).variants().map((v) => v.id);
    expect(ids).toEqual([
      'claude:claude-sonnet-4-5@t0.2,p0.9#1',
      'gpt-4:gpt-4@t0.5,p0.95#1',
      'ollama:llama3.2@t0.8,p0.9#1',
    ]);
  });

  it('is the example docs/config.md shows', async () => {
    const docs = await readFile(new URL('../docs/config.md', import.meta.url), 'utf8');
    const block = /```toml\n(\[orchestration\][\s\S]*?)```/.exec(docs)![1]!;
    expect(block).toBe(SEED_TOML.slice(SEED_TOML.indexOf('[orchestration]')));
  });
});

describe('defaults', () => {
  it('fills every default from a minimal config', () => {
    const config = validateConfig({ providers: { a: { kind: 'openai' } } });
    expect(config.orchestration).toEqual({
      strategy: 'parallel',
      timeout_seconds: 30,
      max_providers: 3,
      max_tokens: 1024,
      variations: {
        providers: ['a'],
        models: {},
        temperature: [],
        top_p: [],
        attempts: 1,
        mode: 'grid',
        seed: 0,
      },
      // One planned variant: the default quorum of 2 is capped at 1.
      consensus: {
        method: 'majority',
        min_responses: 1,
        confidence_threshold: 0,
        on_low_confidence: 'flag',
        max_extra_variants: 2,
        cache_ttl: 0,
        cache_size: 500,
        task: 'auto',
      },
      hedging: { max_extra: 0, percentile: 0.95, min_samples: 20 },
    });
    expect(config.providers.a).toEqual({
      kind: 'openai',
      models: ['gpt-4o-mini'],
      api_key_env: 'OPENAI_API_KEY',
      max_tokens: 1024,
      fallback: [],
      timeouts: { first_token_ms: 15000, idle_ms: 10000, total_ms: 30000 },
      retries: { max_attempts: 3, base_delay_ms: 500, max_delay_ms: 8000 },
      circuit_breaker: { failure_rate: 0.5, min_requests: 5, window_ms: 30000, cooldown_ms: 30000 },
    });
    expect(config.prices).toEqual({});
  });

  it('agree with every default documented in docs/config.md', async () => {
    const docs = await readFile(new URL('../docs/config.md', import.meta.url), 'utf8');
    const config = validateConfig({ providers: { p: { kind: 'openai' } } });
    let checked = 0;
    for (const [, key, literal] of docs.matchAll(
      /^\| `((?:orchestration|providers|prices)\.[a-z_.A-Z]+)` \| [^|]+ \| `([^`]+)` \|/gm,
    )) {
      if (key!.startsWith('prices.')) continue;
      const path = key!.replace('providers.NAME.', 'providers.p.').split('.');
      let value: unknown = config;
      for (const segment of path) value = (value as Record<string, unknown>)[segment];
      // A default may name another key (`orchestration.max_tokens`): it then equals that key.
      const expected = /^[a-z_]+(\.[a-z_]+)+$/.test(literal!)
        ? literal!.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], config)
        : (parse(`v = ${literal}`) as { v: unknown }).v;
      expect(value, key).toEqual(expected);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(25);
  });

  it('documents every key the schema accepts', async () => {
    const docs = await readFile(new URL('../docs/config.md', import.meta.url), 'utf8');
    const keys = [
      ...Object.keys(CONFIG_DEFAULTS.orchestration.consensus).map((k) => `orchestration.consensus.${k}`),
      ...Object.keys(CONFIG_DEFAULTS.orchestration.hedging).map((k) => `orchestration.hedging.${k}`),
      ...Object.keys(CONFIG_DEFAULTS.orchestration.variations).map((k) => `orchestration.variations.${k}`),
      ...Object.keys(validateConfig({ providers: { p: { kind: 'openai' } } }).providers.p!).map(
        (k) => `providers.NAME.${k === 'models' ? 'model' : k}`,
      ),
      'orchestration.budget_usd',
      'orchestration.consensus.quality_threshold',
      'orchestration.consensus.judge',
      'orchestration.consensus.fuser',
      'providers.NAME.base_url',
      'providers.NAME.api_key',
      'providers.NAME.rpm',
      'providers.NAME.tpm',
      'providers.NAME.max_concurrency',
      'providers.NAME.prices',
    ];
    for (const key of keys) {
      if (['timeouts', 'retries', 'circuit_breaker'].some((t) => key.endsWith(`.${t}`))) continue;
      expect(docs, key).toContain(`| \`${key}\` |`);
    }
  });

  it('caps the default quorum at the planned variants, and keeps 2 when there are more', () => {
    expect(
      validateConfig({ providers: { a: { kind: 'openai' } } }).orchestration.consensus.min_responses,
    ).toBe(1);
    expect(
      validateConfig({
        orchestration: { variations: { temperature: [0.1, 0.5, 0.9] } },
        providers: { a: { kind: 'openai' } },
      }).orchestration.consensus.min_responses,
    ).toBe(CONFIG_DEFAULTS.orchestration.consensus.min_responses);
  });

  it('derives total_ms from timeout_seconds', () => {
    const config = validateConfig({
      orchestration: { timeout_seconds: 2.5 },
      providers: { a: { kind: 'openai' } },
    });
    expect(config.providers.a!.timeouts.total_ms).toBe(2500);
  });
});

describe('providers and presets', () => {
  it('a section named after a preset starts from it', () => {
    const config = parseConfig('[providers.ollama]\nbase_url = "http://127.0.0.1:11500"\n');
    expect(config.providers.ollama).toMatchObject({
      kind: 'ollama',
      models: [PROVIDER_PRESETS.ollama!.model],
      base_url: 'http://127.0.0.1:11500',
    });
  });

  it('a preset name with another kind takes that kind’s default model', () => {
    const config = parseConfig('[providers.claude]\nkind = "openai"\n');
    expect(config.providers.claude).toMatchObject({ kind: 'openai', models: ['gpt-4o-mini'] });
  });

  it('includes presets only when the plan or a fallback uses them', () => {
    const config = validateConfig({ providers: { a: { kind: 'openai', fallback: ['claude'] } } });
    expect(Object.keys(config.providers)).toEqual(['a', 'claude']);
    expect(config.orchestration.variations.providers).toEqual(['a']);
  });

  it('includes the judge and the fuser, presets too, without planning them', () => {
    const config = validateConfig({
      orchestration: {
        variations: { providers: ['a'] },
        consensus: { method: 'tournament', judge: 'claude', fuser: 'b', on_low_confidence: 'ask' },
      },
      providers: { a: { kind: 'openai' }, b: { kind: 'ollama' } },
    });
    expect(Object.keys(config.providers).sort()).toEqual(['a', 'b', 'claude']);
    expect(config.orchestration.variations.providers).toEqual(['a']);
    expect(config.orchestration.consensus).toMatchObject({
      judge: 'claude',
      fuser: 'b',
      on_low_confidence: 'ask',
      max_extra_variants: 2,
    });
    expect(
      validateConfig({ providers: { a: { kind: 'openai' } } }).orchestration.consensus,
    ).not.toHaveProperty('judge');
  });

  it('keeps declared providers that the plan does not use (fallback targets)', () => {
    const config = validateConfig({
      orchestration: { variations: { providers: ['a'] } },
      providers: { a: { kind: 'openai', fallback: ['b'] }, b: { kind: 'ollama' } },
    });
    expect(Object.keys(config.providers)).toEqual(['a', 'b']);
  });

  it('variation models: a list for every provider, or a table per provider', () => {
    const list = validateConfig({
      orchestration: { variations: { providers: ['openai'], models: ['gpt-4o', 'gpt-4o-mini'] } },
    });
    expect(list.orchestration.variations.models).toEqual({ openai: ['gpt-4o', 'gpt-4o-mini'] });
    expect(new ParameterVariator(list).variants().map((v) => v.model)).toEqual(['gpt-4o', 'gpt-4o-mini']);
    const table = parseConfig(
      '[orchestration.variations]\nproviders = ["claude", "ollama"]\n[orchestration.variations.models]\nollama = ["qwen3:8b"]\n',
    );
    expect(new ParameterVariator(table).variants().map((v) => v.id)).toEqual([
      'claude:claude-sonnet-4-5#1',
      'ollama:qwen3:8b#1',
    ]);
  });

  it('openai_compatible with its endpoint and model', () => {
    const config = parseConfig(
      '[providers.vllm]\nkind = "openai_compatible"\nbase_url = "http://127.0.0.1:8000/v1"\nmodels = ["qwen", "llama"]\nprices = { input = 0.1, output = 0.2 }\n',
    );
    expect(config.providers.vllm).toMatchObject({
      kind: 'openai_compatible',
      base_url: 'http://127.0.0.1:8000/v1',
      models: ['qwen', 'llama'],
      prices: { input: 0.1, output: 0.2 },
    });
    expect(config.providers.vllm!.api_key_env).toBeUndefined();
  });
});

describe('secrets', () => {
  it('a literal api_key is accepted, usable, and never printed', () => {
    const config = parseConfig(`[providers.a]\nkind = "openai"\napi_key = "${CANARY}"\n`);
    const key = config.providers.a!.api_key!;
    expect(isSecret(key)).toBe(true);
    expect(key.reveal()).toBe(CANARY);
    for (const shown of [JSON.stringify(config), inspect(config, { depth: 10 }), `${key}`, String(key)]) {
      expect(shown).not.toContain(CANARY);
    }
    expect(JSON.stringify(config.providers.a)).toContain('"api_key":"[redacted]"');
  });

  it('a Secret is accepted as input and passes through validation', () => {
    const key = secret(CANARY);
    const config = validateConfig({ providers: { a: { kind: 'openai', api_key: key } } });
    expect(config.providers.a!.api_key).toBe(key);
  });
});

describe('validated configs', () => {
  it('are deeply frozen, and the input is left alone', () => {
    const input = {
      orchestration: { variations: { temperature: [0.3] } },
      providers: { a: { kind: 'openai' as const } },
    };
    const config = validateConfig(input);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.orchestration.variations.temperature)).toBe(true);
    expect(Object.isFrozen(config.providers.a!.timeouts)).toBe(true);
    expect(Object.isFrozen(input.orchestration.variations.temperature)).toBe(false);
    expect(() => {
      (config.orchestration as { max_providers: number }).max_providers = 9;
    }).toThrow(TypeError);
  });

  it('validate again to an equal config (a config is valid input)', () => {
    const config = parseConfig(`${SEED_TOML}api_key = "${CANARY}"\n`);
    const again = validateConfig(
      JSON.parse(JSON.stringify(config, (k, v) => (k === 'api_key' ? undefined : v))),
    );
    const { api_key: _dropped, ...claude } = config.providers.claude!;
    expect(again).toEqual({ ...config, providers: { ...config.providers, claude } });
    expect(validateConfig(config)).toEqual(config);
  });
});

describe('overrideConfig', () => {
  const base = parseConfig(SEED_TOML);

  it('merges tables, replaces lists, and validates the result', () => {
    const changed = overrideConfig(base, {
      orchestration: {
        max_providers: 2,
        variations: { temperature: [0.1] },
        consensus: { method: 'majority' },
      },
    });
    expect(changed.orchestration.max_providers).toBe(2);
    expect(changed.orchestration.variations.temperature).toEqual([0.1]);
    expect(changed.orchestration.variations.top_p).toEqual([0.9, 0.95]);
    expect(changed.orchestration.consensus).toMatchObject({
      method: 'majority',
      min_responses: 2,
      cache_ttl: 3600,
    });
    expect(base.orchestration.max_providers).toBe(3);
  });

  it('re-derives defaults from the merged input', () => {
    const changed = overrideConfig(base, { orchestration: { timeout_seconds: 5 } });
    expect(changed.providers.claude!.timeouts.total_ms).toBe(5000);
  });

  it('an invalid override is a ConfigError naming the key', () => {
    expect(() => overrideConfig(base, { orchestration: { max_providers: 1 } })).toThrow(
      /`orchestration\.consensus\.min_responses`: got 2, expected at most 1/,
    );
  });
});

describe('loadConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chorus-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file by path or URL and names it in errors', async () => {
    const file = join(dir, 'chorus.toml');
    await writeFile(file, SEED_TOML);
    expect((await loadConfig(file)).orchestration.max_providers).toBe(3);
    expect((await loadConfig(pathToFileURL(file))).orchestration.max_providers).toBe(3);
    const bad = join(dir, 'bad.toml');
    await writeFile(bad, '[orchestration]\nmax_providers = "3"\n[providers.a]\nkind = "openai"\n');
    await expect(loadConfig(bad)).rejects.toThrow(`in ${bad}`);
  });

  it('takes TOML text (a string with a newline) and config objects', async () => {
    expect((await loadConfig(SEED_TOML)).providers.claude!.kind).toBe('anthropic');
    expect((await loadConfig({ providers: { a: { kind: 'ollama' } } })).providers.a!.kind).toBe('ollama');
  });

  it('a missing file is a ConfigError with the system code', async () => {
    const missing = join(dir, 'nope.toml');
    const error = await loadConfig(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      `Cannot read config file ${JSON.stringify(missing)} (ENOENT)`,
    );
    expect((error as ConfigError).path).toBe('');
  });
});

describe('didYouMean', () => {
  it.each([
    ['temprature', ['temperature', 'top_p'], 'temperature'],
    ['timeoutSeconds', ['timeout_seconds', 'max_providers'], 'timeout_seconds'],
    ['timeout', ['timeout_seconds', 'strategy'], 'timeout_seconds'],
    ['TOP-P', ['top_p'], 'top_p'],
    ['zzz', ['temperature'], undefined],
    ['ab', ['xy'], undefined],
  ])('%s → %s', (word, candidates, expected) => {
    expect(didYouMean(word, candidates)).toBe(expected);
  });
});
