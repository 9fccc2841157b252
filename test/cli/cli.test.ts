/**
 * The `chorus` command end to end, in child processes (not a TTY), with an environment that holds
 * no provider key.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { finished, runChorus, scrubbedEnv, startChorus, waitForOutput } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chorus-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for escape sequences is the point
const ESCAPE = /\x1b\[/;

describe('chorus demo', () => {
  it('races emulated providers, prints the decision and says the providers are emulated', async () => {
    const result = await runChorus(['demo', '--seed', '3', '--time-scale', '0.05']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('The providers are emulated');
    expect(out).toMatch(/question {2}gsm8k\/\d+: /);
    expect(out).toMatch(/quorum reached: 2 of 2 needed agree on \d+/);
    expect(out).toMatch(/^decision {2}\S+ \(majority, confidence \d\.\d\d, winner \S+\)$/m);
    expect(out).toMatch(/^why {7}\S/m);
    expect(out).toMatch(/^latency {3}\d+\.\d\d s to decide; the slowest variant/m);
    expect(out).toMatch(/^correct\? {2}(yes|no): the recorded label/m);
    expect(out).toMatch(/^ {2}total +\d+ +\d+ +\$\d\.\d{6}$/m);
    expect(out).toContain('chorus demo --seed 3');
    // Not a terminal: plain lines, no escape sequences.
    expect(out).not.toMatch(ESCAPE);
  });

  it('prints the Decision as JSON with --json', async () => {
    const result = await runChorus(['demo', '--seed', '4', '--time-scale', '0.05', '--json']);
    expect(result.code).toBe(0);
    const decision = JSON.parse(result.stdout) as {
      text: string;
      variants: { outcome: string }[];
      winner: string;
    };
    expect(decision.variants).toHaveLength(3);
    expect(decision.text.length).toBeGreaterThan(0);
    expect(decision.variants.map((v) => v.outcome)).toContain('won');
    expect(result.stderr).toContain('The providers are emulated');
  });

  it('refuses an unknown problem with exit code 2', async () => {
    const result = await runChorus(['demo', '--problem', 'gsm8k/999999']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^chorus: `--problem` "gsm8k\/999999" is not in the demo sample/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('chorus run', () => {
  it('without any provider key says what to set and suggests the demo (exit 2)', async () => {
    const result = await runChorus(['run', 'What is 2 + 2?'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const message = result.stderr.trim();
    expect(message.split('\n')).toHaveLength(1);
    for (const name of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OLLAMA_HOST', 'chorus demo']) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain('    at '); // no stack without --debug
  });

  it('--debug adds the stack', async () => {
    const result = await runChorus(['--debug', 'run', 'hi'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('    at ');
  });

  it('a bad config exits with 2 and names the key', async () => {
    const file = join(dir, 'bad.toml');
    writeFileSync(file, '[orchestration.consensus]\nmethod = "majorty"\n');
    const result = await runChorus(['run', '--config', file, 'hi'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^chorus: Invalid config `orchestration\.consensus\.method`: got "majorty"/,
    );
    expect(result.stderr).toContain('did you mean "majority"');
  });

  it('a bad profile exits with 2 and names the key under profiles.NAME', async () => {
    const file = join(dir, 'profile.toml');
    writeFileSync(
      file,
      '[providers.local]\nkind = "ollama"\n\n[profiles.fast.orchestration]\nmax_provider = 2\n',
    );
    const result = await runChorus(['run', '--config', file, 'hi'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('`profiles.fast.orchestration.max_provider`');
    expect(result.stderr).toContain('did you mean `max_providers`');
  });

  it('a provider of the config without its key in the environment is named (exit 2)', async () => {
    const file = join(dir, 'claude.toml');
    writeFileSync(file, '[providers.claude]\nkind = "anthropic"\n');
    const result = await runChorus(['run', '--config', file, 'hi'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('`claude` needs ANTHROPIC_API_KEY');
  });
});

describe('chorus run against providers of a config (the emulator, on loopback)', () => {
  let emulator: Emulator;
  let config: string;
  const ANSWER = 'Seventeen times twenty-three is 391. The answer is 391.';
  beforeAll(async () => {
    emulator = await startEmulator({
      seed: 1,
      models: {
        fast: { text: ANSWER, ttft: 5, interToken: 1 },
        steady: { text: ANSWER, ttft: 20, interToken: 2 },
        slow: { text: `${'Hmm, '.repeat(300)}390.`, ttft: 5, interToken: 10 },
      },
    });
    config = join(dir, 'emulated.toml');
    writeFileSync(
      config,
      [
        '[orchestration.consensus]',
        'min_responses = 2',
        '[providers.a]',
        'kind = "openai"',
        'model = "fast"',
        `base_url = "${emulator.baseURLs.openai}"`,
        'api_key_env = "EMULATOR_KEY"',
        '[providers.b]',
        'kind = "anthropic"',
        'model = "steady"',
        `base_url = "${emulator.baseURLs.anthropic}"`,
        'api_key_env = "EMULATOR_KEY"',
        '[providers.c]',
        'kind = "ollama"',
        'model = "slow"',
        `base_url = "${emulator.baseURLs.ollama}"`,
        '',
      ].join('\n'),
    );
  });
  afterAll(() => emulator?.close());

  it('decides, prints the report, and with --json the Decision; the prompt may come from stdin', async () => {
    const env = scrubbedEnv({ EMULATOR_KEY: 'k' });
    const plain = await runChorus(['run', '--config', config, 'What is 17 * 23?'], { env, cwd: dir });
    expect(plain.stderr).toBe('');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^decision {2}391 \(majority/m);
    expect(plain.stdout).toMatch(/c:slow#1: cancelled/);
    const json = await runChorus(['run', '--config', config, '--json'], {
      env,
      cwd: dir,
      input: 'What is 17 * 23?\n',
    });
    expect(json.code).toBe(0);
    const decision = JSON.parse(json.stdout) as { text: string; variants: { id: string; outcome: string }[] };
    expect(decision.text).toBe(ANSWER);
    expect(decision.variants.find((v) => v.id.startsWith('c:'))?.outcome).toBe('cancelled');
    await emulator.idle();
    expect(emulator.stats().totals.tokensAfterGone).toBe(0);
  });
});

describe('chorus emulate', () => {
  it('prints the base URLs of each protocol, serves them, and stops cleanly on SIGTERM', async () => {
    const child = startChorus(['emulate', '--port', '0', '--seed', '2']);
    const done = finished(child);
    const out = await waitForOutput(child, /Stop with Ctrl\+C/);
    const openai = /OPENAI_BASE_URL=(http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out)?.[1];
    const anthropic = /ANTHROPIC_BASE_URL=(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    const ollama = /OLLAMA_HOST=(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect(openai).toBeDefined();
    expect(anthropic).toBeDefined();
    expect(ollama).toBeDefined();
    const models = (await (await fetch(`${openai}/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toContain('gpt-4o-mini');
    const tags = (await (await fetch(`${ollama}/api/tags`)).json()) as { models: unknown[] };
    expect(tags.models.length).toBeGreaterThan(0);
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/chorus emulate: stopped on SIGTERM/);
    expect(result.stderr).toBe('');
  });

  it('refuses an invalid scenario file, naming the key (exit 2)', async () => {
    const file = join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify({ models: { m: { ttft: -1 } } }));
    const result = await runChorus(['emulate', '--scenario', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^chorus: invalid scenario in .*scenario\.json: `models\.m\.ttft`/);
  });

  it('refuses a non-loopback host (exit 2)', async () => {
    const result = await runChorus(['emulate', '--host', '0.0.0.0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('loopback');
  });
});

describe('chorus serve', () => {
  it('serves OpenAI clients by consensus over emulated providers, and stops cleanly on SIGTERM', async () => {
    const child = startChorus(['serve', '--emulate', '--port', '0']);
    const done = finished(child);
    const out = await waitForOutput(child, /Stop with Ctrl\+C/);
    const base = /consensus server on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out)?.[1];
    expect(base).toBeDefined();
    expect(out).toContain('EMULATED');
    const client = new OpenAI({ apiKey: 'unused', baseURL: base, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'majority',
      messages: [{ role: 'user', content: 'Say hello.' }],
    });
    expect(completion.choices[0]!.message.content).toMatch(/^This is the chorus emulator/);
    expect((completion as unknown as { chorus: { method: string } }).chorus.method).toBe('majority');
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('chorus serve: stopped on SIGTERM');
    expect(result.stderr).toBe('');
  });

  it('refuses to listen off loopback without a token (exit 2)', async () => {
    const result = await runChorus(['serve', '--emulate', '--host', '0.0.0.0', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^chorus: listening on 0\.0\.0\.0 \(not loopback\) needs a bearer token/);
  });
});

describe('usage and help', () => {
  it('has help for every command (exit 0)', async () => {
    for (const command of ['demo', 'run', 'serve', 'emulate']) {
      const result = await runChorus([command, '--help']);
      expect(result.code, command).toBe(0);
      expect(result.stdout, command).toContain(`Usage: chorus ${command}`);
    }
    const bench = await runChorus(['bench', '--help']);
    expect(bench.code).toBe(0);
    expect(bench.stdout).toContain('Usage: chorus bench');
    const top = await runChorus(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['demo', 'run', 'serve', 'emulate', 'bench']) expect(top.stdout).toContain(command);
  });

  it('bad usage exits with 2', async () => {
    const unknown = await runChorus(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const badPort = await runChorus(['emulate', '--port', 'http']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/^chorus: `--port` must be an integer from 0 to 65535/);
    const badMethod = await runChorus(['demo', '--method', 'vote']);
    expect(badMethod.code).toBe(2);
    expect(badMethod.stderr).toContain('--method');
  });
});
