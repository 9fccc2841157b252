import { describe, expect, it } from 'vitest';
import { ConfigErrors, ConfigSyntaxError } from '../src/config/configErrors.js';
import { parseConfig } from '../src/config/parseConfig.js';
import { validateConfig } from '../src/config/validateConfig.js';
import { ConfigError } from '../src/errors.js';

const CANARY = 'sk-canary-7f3a9c1e5b';

/** A valid base most cases add one mistake to. */
const BASE = `
[orchestration]
max_providers = 3
[orchestration.variations]
providers = ["claude", "gpt-4", "ollama"]
`;

/** Every ConfigError a config gives (a ConfigErrors is unpacked). */
function errorsOf(run: () => unknown): ConfigError[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error instanceof ConfigErrors ? [...error.errors] : [error as ConfigError];
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

interface Case {
  readonly name: string;
  readonly toml?: string;
  readonly object?: unknown;
  readonly path: string;
  readonly message: RegExp;
}

const cases: Case[] = [
  {
    name: 'misspelt key gets a suggestion',
    toml: `${BASE}\n[orchestration.consensus]\nmin_response = 2\n`,
    path: 'orchestration.consensus.min_response',
    message: /unknown key; did you mean `min_responses`\?/,
  },
  {
    name: 'misspelt table',
    toml: `[orchestraton]\nmax_providers = 3\n[providers.a]\nkind = "openai"\n`,
    path: 'orchestraton',
    message: /did you mean `orchestration`\?/,
  },
  {
    name: 'camelCase key suggests the snake_case one',
    object: { orchestration: { timeoutSeconds: 30 }, providers: { a: { kind: 'openai' } } },
    path: 'orchestration.timeoutSeconds',
    message: /did you mean `timeout_seconds`\?/,
  },
  {
    name: 'unknown strategy',
    toml: `${BASE}\n[orchestration.x]\n`
      .replace('[orchestration.x]\n', '')
      .replace('max_providers = 3', 'strategy = "fastest"'),
    path: 'orchestration.strategy',
    message: /got "fastest", expected one of "parallel", "cascade"/,
  },
  {
    name: 'timeout must be positive',
    toml: BASE.replace('max_providers = 3', 'timeout_seconds = 0'),
    path: 'orchestration.timeout_seconds',
    message: /got 0, expected a number > 0 and <= 3600/,
  },
  {
    name: 'timeout as a string',
    toml: BASE.replace('max_providers = 3', 'timeout_seconds = "30"'),
    path: 'orchestration.timeout_seconds',
    message: /got "30", expected a number/,
  },
  {
    name: 'max_providers must be an integer',
    toml: BASE.replace('max_providers = 3', 'max_providers = 2.5'),
    path: 'orchestration.max_providers',
    message: /got 2.5, expected an integer from 1 to 64/,
  },
  {
    name: 'misspelt consensus method',
    toml: `${BASE}\n[orchestration.consensus]\nmethod = "majorty"\n`,
    path: 'orchestration.consensus.method',
    message: /expected one of "majority", .*"confidence" \(did you mean "majority"\?/,
  },
  {
    name: 'quorum larger than the plan',
    toml: `${BASE}\n[orchestration.consensus]\nmin_responses = 4\n`,
    path: 'orchestration.consensus.min_responses',
    message: /got 4, expected at most 3, the number of variants the plan launches/,
  },
  {
    name: 'confidence threshold above 1',
    toml: `${BASE}\n[orchestration.consensus]\nconfidence_threshold = 1.5\n`,
    path: 'orchestration.consensus.confidence_threshold',
    message: /got 1.5, expected a number >= 0 and <= 1/,
  },
  {
    name: 'negative cache_ttl',
    toml: `${BASE}\n[orchestration.consensus]\ncache_ttl = -1\n`,
    path: 'orchestration.consensus.cache_ttl',
    message: /got -1, expected a number >= 0/,
  },
  {
    name: 'a judge that is no provider',
    toml: `${BASE}\n[orchestration.consensus]\nmethod = "tournament"\njudge = "gpt4"\n`,
    path: 'orchestration.consensus.judge',
    message:
      /got "gpt4", expected a provider declared as \[providers\.NAME\] or a preset .*did you mean "gpt-4"\?/,
  },
  {
    name: 'a fuser that is no provider',
    toml: `${BASE}\n[orchestration.consensus]\nmethod = "hybrid_merge"\nfuser = "mixer"\n`,
    path: 'orchestration.consensus.fuser',
    message: /got "mixer", expected a provider declared as \[providers\.NAME\] or a preset/,
  },
  {
    name: 'a fuser that is not a string',
    object: { providers: { a: { kind: 'openai' } }, orchestration: { consensus: { fuser: ['a'] } } },
    path: 'orchestration.consensus.fuser',
    message: /expected a provider name \(a non-empty string\)/,
  },
  {
    name: 'unknown low-confidence action',
    toml: `${BASE}\n[orchestration.consensus]\non_low_confidence = "retry"\n`,
    path: 'orchestration.consensus.on_low_confidence',
    message: /got "retry", expected one of "flag", "ask"/,
  },
  {
    name: 'negative max_extra_variants',
    toml: `${BASE}\n[orchestration.consensus]\nmax_extra_variants = -1\n`,
    path: 'orchestration.consensus.max_extra_variants',
    message: /got -1, expected an integer from 0 to 64/,
  },
  {
    name: 'unknown task kind',
    toml: `${BASE}\n[orchestration.consensus]\ntask = "poetry"\n`,
    path: 'orchestration.consensus.task',
    message: /expected one of "code", "math", "choice", "text", "auto"/,
  },
  {
    name: 'temperature out of range, by index',
    toml: `${BASE}temperature = [0.2, 3]\n`,
    path: 'orchestration.variations.temperature[1]',
    message: /got 3, expected a number >= 0 and <= 2/,
  },
  {
    name: 'temperature listed twice',
    toml: `${BASE}temperature = [0.2, 0.2]\n`,
    path: 'orchestration.variations.temperature[1]',
    message: /got 0.2, expected a value not already listed/,
  },
  {
    name: 'anthropic temperature above 1',
    toml: `${BASE}temperature = [0.5, 1.5]\n`,
    path: 'orchestration.variations.temperature[1]',
    message: /expected a number from 0 to 1 \(`claude` is an anthropic provider/,
  },
  {
    name: 'top_p of 0',
    toml: `${BASE}top_p = [0]\n`,
    path: 'orchestration.variations.top_p[0]',
    message: /got 0, expected a number > 0 and <= 1/,
  },
  {
    name: 'unknown variation mode',
    toml: `${BASE}mode = "random"\n`,
    path: 'orchestration.variations.mode',
    message: /got "random", expected one of "grid", "zip", "sample"/,
  },
  {
    name: 'unknown provider in the plan',
    toml: BASE.replace('"gpt-4"', '"gpt4"'),
    path: 'orchestration.variations.providers[1]',
    message:
      /got "gpt4", expected a provider declared as \[providers.NAME\] or a preset .*did you mean "gpt-4"/,
  },
  {
    name: 'empty plan',
    toml: BASE.replace('["claude", "gpt-4", "ollama"]', '[]'),
    path: 'orchestration.variations.providers',
    message: /got \[\], expected a non-empty list of provider names/,
  },
  {
    name: 'no providers at all',
    object: {},
    path: 'orchestration.variations.providers',
    message: /no \[providers.NAME\] section and no `orchestration.variations.providers`/,
  },
  {
    name: 'a provider that is not a preset needs a kind',
    toml: `[providers.mine]\nmodel = "x"\n`,
    path: 'providers.mine.kind',
    message:
      /got nothing, expected one of "openai", "anthropic", "ollama", "openai_compatible" \(required: `mine` is not a preset/,
  },
  {
    name: 'unknown kind',
    toml: `[providers.mine]\nkind = "azure"\n`,
    path: 'providers.mine.kind',
    message: /got "azure", expected one of "openai", "anthropic", "ollama", "openai_compatible"/,
  },
  {
    name: 'fallback to an unknown provider',
    toml: `${BASE}\n[providers.claude]\nkind = "anthropic"\nfallback = ["olama"]\n`,
    path: 'providers.claude.fallback[0]',
    message: /got "olama", expected a provider .*did you mean "ollama"/,
  },
  {
    name: 'fallback to itself',
    toml: `${BASE}\n[providers.claude]\nfallback = ["ollama", "claude"]\n`,
    path: 'providers.claude.fallback[1]',
    message: /got "claude", expected another provider \(a provider cannot fall back to itself/,
  },
  {
    name: 'fallback cycle',
    toml: `[providers.a]\nkind = "openai"\nfallback = ["b"]\n[providers.b]\nkind = "openai"\nfallback = ["a"]\n`,
    path: 'providers.b.fallback[0]',
    message: /cycle: a → b → a/,
  },
  {
    name: 'openai_compatible needs a base_url',
    toml: `[providers.vllm]\nkind = "openai_compatible"\nmodel = "qwen"\n`,
    path: 'providers.vllm.base_url',
    message: /expected an http\(s\) URL \(required for kind "openai_compatible"/,
  },
  {
    name: 'openai_compatible needs a model',
    toml: `[providers.vllm]\nkind = "openai_compatible"\nbase_url = "http://127.0.0.1:8000/v1"\n`,
    path: 'providers.vllm.model',
    message: /expected a model name \(required for kind "openai_compatible"/,
  },
  {
    name: 'base_url that is not http',
    toml: `[providers.vllm]\nkind = "openai_compatible"\nmodel = "q"\nbase_url = "ftp://host/v1"\n`,
    path: 'providers.vllm.base_url',
    message: /got "ftp:\/\/host\/v1", expected an http\(s\) URL/,
  },
  {
    name: 'both model and models',
    toml: `[providers.a]\nkind = "openai"\nmodel = "gpt-4o"\nmodels = ["gpt-4o-mini"]\n`,
    path: 'providers.a.models',
    message: /expected either `model` or `models`, not both/,
  },
  {
    name: 'rpm of 0',
    toml: `[providers.a]\nkind = "openai"\nrpm = 0\n`,
    path: 'providers.a.rpm',
    message: /got 0, expected an integer >= 1/,
  },
  {
    name: 'misspelt provider key',
    toml: `[providers.a]\nkind = "openai"\nmax_concurency = 2\n`,
    path: 'providers.a.max_concurency',
    message: /did you mean `max_concurrency`\?/,
  },
  {
    name: 'retry backoff inverted',
    toml: `[providers.a]\nkind = "openai"\n[providers.a.retries]\nbase_delay_ms = 9000\nmax_delay_ms = 1000\n`,
    path: 'providers.a.retries.base_delay_ms',
    message: /got 9000, expected at most max_delay_ms \(1000\)/,
  },
  {
    name: 'negative price',
    toml: `[providers.a]\nkind = "openai"\nprices = { input = -1, output = 2 }\n`,
    path: 'providers.a.prices.input',
    message: /got -1, expected a number >= 0/,
  },
  {
    name: 'model price table without prices',
    toml: `[providers.a]\nkind = "openai"\n[prices."gpt-4.1"]\n`,
    path: 'prices."gpt-4.1"',
    message: /expected a table with `input` and\/or `output`/,
  },
  {
    name: 'per-provider models for a provider outside the plan',
    toml: `${BASE}\n[orchestration.variations.models]\nclaud = ["claude-haiku-4-5"]\n`,
    path: 'orchestration.variations.models.claud',
    message: /expected a provider of `orchestration.variations.providers` .*did you mean "claude"/,
  },
  {
    name: 'provider name with a space',
    toml: `[providers."my provider"]\nkind = "openai"\n`,
    path: 'providers."my provider"',
    message: /expected a provider name: a letter, then letters, digits/,
  },
  {
    name: 'a config that is not a table',
    object: ['not', 'a', 'table'],
    path: '',
    message: /^Invalid config: got \["not","a","table"\], expected a table/,
  },
];

describe('bad configs: each error names the key, the value found and what is allowed', () => {
  it.each(cases)('$name → $path', ({ toml, object, path, message }) => {
    const errors = errorsOf(() =>
      toml !== undefined ? parseConfig(toml, 'bad.toml') : validateConfig(object),
    );
    const error = errors.find((e) => e.path === path);
    expect(
      error,
      `paths found: ${errors.map((e) => e.path).join(', ')} — ${errors[0]?.message}`,
    ).toBeDefined();
    expect(error!.message).toMatch(message);
    if (path) expect(error!.message).toContain(`\`${path}\``);
    if (toml !== undefined) expect(error!.message).toContain('in bad.toml');
    expect(errors).toHaveLength(1);
  });

  it('has about twenty cases or more', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it('collects every structural error of a config into one ConfigErrors', () => {
    const toml = `[orchestration]\ntimeout_secs = 3\nmax_providers = 0\n[orchestration.consensus]\nmethod = "vote"\n`;
    let thrown: unknown;
    try {
      parseConfig(toml);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigErrors);
    expect(thrown).toBeInstanceOf(ConfigError);
    const all = thrown as ConfigErrors;
    expect(all.errors.map((e) => e.path).sort()).toEqual([
      'orchestration.consensus.method',
      'orchestration.max_providers',
      'orchestration.timeout_secs',
    ]);
    expect(all.message).toMatch(/^3 config errors:/);
    expect(all.path).toBe(all.errors[0]!.path);
  });

  it('a TOML syntax error gives the file, line and column, without quoting the line', () => {
    let thrown: unknown;
    try {
      parseConfig(`[providers.a]\nkind = "openai"\napi_key = "${CANARY}\n`, 'chorus.toml');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigSyntaxError);
    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigSyntaxError;
    expect(error.line).toBe(3);
    expect(error.column).toBeGreaterThan(1);
    expect(error.source).toBe('chorus.toml');
    expect(error.message).toMatch(/^Invalid TOML in chorus\.toml at line 3, column \d+: /);
    expect(JSON.stringify(error)).not.toContain(CANARY);
    expect(String(error.stack)).not.toContain(CANARY);
  });
});

describe('secrets never appear in errors', () => {
  const leaks = (run: () => unknown) => {
    const errors = errorsOf(run);
    const text = errors.map((e) => `${e.message} ${JSON.stringify(e)} ${String(e.value)}`).join('\n');
    return { errors, text };
  };

  it('a key written into api_key_env is rejected without being echoed', () => {
    const { errors, text } = leaks(() =>
      parseConfig(`[providers.a]\nkind = "openai"\napi_key_env = "${CANARY}"\n`),
    );
    expect(errors[0]!.path).toBe('providers.a.api_key_env');
    expect(errors[0]!.message).toMatch(/got "<redacted>", expected the name of an environment variable/);
    expect(text).not.toContain(CANARY);
  });

  it('a wrongly typed api_key is not echoed', () => {
    const { errors, text } = leaks(() =>
      validateConfig({ providers: { a: { kind: 'openai', api_key: [CANARY] } } }),
    );
    expect(errors[0]!.path).toBe('providers.a.api_key');
    expect(text).not.toContain(CANARY);
  });

  it('a key under a misspelt name is reported by its name only', () => {
    const { errors, text } = leaks(() =>
      parseConfig(`[providers.a]\nkind = "openai"\napikey = "${CANARY}"\n`),
    );
    expect(errors[0]!.path).toBe('providers.a.apikey');
    expect(errors[0]!.message).toMatch(/did you mean `api_key`\?/);
    expect(text).not.toContain(CANARY);
  });

  it('credentials in base_url are not echoed', () => {
    const { errors, text } = leaks(() =>
      parseConfig(
        `[providers.a]\nkind = "openai_compatible"\nmodel = "m"\nbase_url = "https://u:${CANARY}@host/v1"\n`,
      ),
    );
    expect(errors[0]!.path).toBe('providers.a.base_url');
    expect(errors[0]!.message).toMatch(/expected a URL without credentials/);
    expect(text).not.toContain(CANARY);
  });

  it('other errors in a config holding a literal api_key do not echo it', () => {
    const { text } = leaks(() =>
      parseConfig(`[providers.a]\nkind = "openai"\napi_key = "${CANARY}"\nrpm = -3\nfallback = ["zz"]\n`),
    );
    expect(text).not.toContain(CANARY);
  });
});
