import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCliConfig } from '../../src/cli/loadCliConfig.js';
import { resolveRunConfig } from '../../src/cli/resolveRunConfig.js';
import { serverProfiles } from '../../src/cli/serverProfiles.js';
import { UsageError } from '../../src/cli/usageError.js';
import { ConfigError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'chorus-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('loadCliConfig', () => {
  it('reads [profiles.NAME] as validated overrides beside the chorus config', async () => {
    const path = file(
      'ok.toml',
      [
        '[orchestration.variations]',
        'providers = ["openai", "claude"]',
        '[profiles.fast]',
        'description = "one answer is enough"',
        '[profiles.fast.orchestration]',
        'max_providers = 1',
        '[profiles.fast.orchestration.consensus]',
        'min_responses = 1',
        '[profiles.careful.orchestration.consensus]',
        'method = "quality_weighted"',
        '',
      ].join('\n'),
    );
    const loaded = await loadCliConfig(path);
    expect(loaded.config.orchestration.variations.providers).toEqual(['openai', 'claude']);
    expect(loaded.profiles).toEqual({
      fast: {
        description: 'one answer is enough',
        overrides: { orchestration: { max_providers: 1, consensus: { min_responses: 1 } } },
      },
      careful: { overrides: { orchestration: { consensus: { method: 'quality_weighted' } } } },
    });
    const all = serverProfiles(loaded.profiles);
    expect(Object.keys(all)).toEqual([
      'chorus',
      'majority',
      'quality_weighted',
      'hybrid_merge',
      'tournament',
      'confidence',
      'fast',
      'careful',
    ]);
  });

  it('names the key of a profile error under profiles.NAME', async () => {
    const path = file(
      'bad.toml',
      '[providers.local]\nkind = "ollama"\n[profiles.fast.orchestration.consensus]\nmethod = "vote"\n',
    );
    const error = await loadCliConfig(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe('profiles.fast.orchestration.consensus.method');
    expect((error as ConfigError).message).toContain('`profiles.fast.orchestration.consensus.method`');
  });

  it('reports TOML syntax errors and unreadable files as ConfigErrors', async () => {
    await expect(loadCliConfig(file('syntax.toml', '[orchestration\n'))).rejects.toThrow(
      /Invalid TOML in .*line 1/,
    );
    await expect(loadCliConfig(join(dir, 'missing.toml'))).rejects.toThrow(
      /Cannot read config file .*ENOENT/,
    );
  });
});

describe('resolveRunConfig', () => {
  it('builds providers from the environment variables that are set', async () => {
    const { config, source } = await resolveRunConfig({
      env: { ANTHROPIC_API_KEY: 'k', OLLAMA_HOST: 'http://127.0.0.1:11434' },
      cwd: dir,
    });
    expect(source).toBe('environment');
    expect(config.orchestration.variations.providers).toEqual(['anthropic', 'ollama']);
    expect(config.orchestration.consensus.min_responses).toBe(2);
    expect(config.orchestration.max_providers).toBe(3);
  });

  it('without any says what to set', async () => {
    const error = await resolveRunConfig({ env: {}, cwd: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/OPENAI_API_KEY, ANTHROPIC_API_KEY or OLLAMA_HOST.*chorus demo/);
  });
});
