/**
 * Issue 9, part 5: security. Canary API keys (`sk-canary-…`), one given through the environment
 * (`api_key_env`) and one written in the config (`api_key`), are sent to emulators that require
 * them, so every run really uses them. Then everything chorus produces is serialized and searched
 * for them (the whole key, a slice of it, its base64): logs (console, stdout, stderr, with the
 * SDKs' debug logging on), errors (message, stack, `toJSON`, `util.inspect` with hidden fields),
 * decisions (`JSON.stringify`, `util.inspect`), progress and variant events, snapshots, cache keys
 * and cached values, the CLI's output — after successes, auth failures (401), timeouts and aborts.
 *
 * Also: the emulator listens on loopback only; the Python executor is off unless asked for, and
 * when on, a candidate can neither reach the network nor read the environment, and is held to its
 * time and memory limits. The server's canary and bearer-token checks are `serverSecurity.test.ts`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDecisionCache, type DecisionCache } from '../../src/cache.js';
import { runCli } from '../../src/cli/runCli.js';
import type { ChorusConfig } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validateConfig.js';
import { createPythonExecutor } from '../../src/consensus/pythonExecutor.js';
import type { Decision } from '../../src/decision.js';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { snapshots } from '../../src/operators/snapshots.js';
import { ChorusAbortError } from '../../src/orchestrator/chorusAbortError.js';
import { DecisionError } from '../../src/orchestrator/decisionError.js';
import { type CallOptions, LLMOrchestrator } from '../../src/orchestrator.js';
import type { ProviderPool } from '../../src/pool/poolTypes.js';
import { ParameterVariator } from '../../src/variation.js';
import { activeResources, leakedResources, observe, watchUnhandled } from './harness.js';

const CANARY_ENV = 'sk-canary-env-5f1e9a7c3b2d4e6f8a0b1c2d';
const CANARY_CONFIG = 'sk-canary-cfg-0a9b8c7d6e5f4a3b2c1d0e9f';
const EXPECTED_ELSEWHERE = 'sk-canary-expected-77e1d2c3b4a59687';
const ENV_VAR = 'CHORUS_CANARY_KEY';
const SECRETS = [CANARY_ENV, CANARY_CONFIG, EXPECTED_ELSEWHERE];
/** Every form a leak could take: the key, a distinctive slice of it, its base64. */
const NEEDLES = SECRETS.flatMap((s) => [s, s.slice(10, 30), Buffer.from(s).toString('base64')]);
const PROMPT = 'What is 6 * 7? Answer with the number.';

/** Everything a value shows when serialized or inspected, deeply, hidden fields and getters included. */
function exposures(value: unknown): string {
  const parts: string[] = [];
  try {
    parts.push(JSON.stringify(value) ?? '');
  } catch (error) {
    parts.push(`unserializable: ${String(error)}`);
  }
  parts.push(inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true, getters: true }));
  if (value instanceof Error) {
    parts.push(value.message, String(value.stack), String(value));
    for (let c: unknown = value.cause, i = 0; c !== undefined && i < 6; i++) {
      parts.push(inspect(c, { depth: Number.POSITIVE_INFINITY, showHidden: true }));
      c = c instanceof Error ? c.cause : undefined;
    }
  }
  return parts.join('\n');
}

function expectNoSecret(what: string, text: string): void {
  for (const needle of NEEDLES) {
    if (text.includes(needle)) {
      const at = text.indexOf(needle);
      throw new Error(`${what} leaks a secret: …${text.slice(Math.max(0, at - 120), at + 60)}…`);
    }
  }
}

// ---- capture every log line the process writes while the tests run ----
const logged: string[] = [];
const restore: (() => void)[] = [];
function captureLogs(): void {
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      logged.push(args.map((a) => (typeof a === 'string' ? a : exposures(a))).join(' '));
    };
    restore.push(() => {
      console[method] = original;
    });
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      logged.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (original as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => {
      stream.write = original;
    });
  }
}

let envEmulator: Emulator;
let configEmulator: Emulator;
let elsewhere: Emulator;
let baseline: Map<string, number>;
let unhandled: ReturnType<typeof watchUnhandled>;
const savedEnv: Record<string, string | undefined> = {};
/** Every artefact of every run, serialized at the end. */
const artefacts: { what: string; value: unknown }[] = [];

const SCENARIO = {
  seed: 3,
  models: {
    '*': { text: 'Six times seven is 42. The answer is 42.', ttft: 5, interToken: 1 },
    'slow-model': { text: `${'Let me think about it. '.repeat(30)}The answer is 42.`, interToken: 5 },
    'stall-model': {
      text: 'The answer is 42, I think.',
      interToken: 1,
      fault: { kind: 'stall', afterTokens: 2 },
    },
  },
} as const;

beforeAll(async () => {
  baseline = activeResources();
  unhandled = watchUnhandled();
  for (const name of [ENV_VAR, 'OPENAI_LOG', 'ANTHROPIC_LOG']) savedEnv[name] = process.env[name];
  process.env[ENV_VAR] = CANARY_ENV;
  // The SDKs log every request and response at debug level: they must redact the key too.
  process.env['OPENAI_LOG'] = 'debug';
  process.env['ANTHROPIC_LOG'] = 'debug';
  envEmulator = await startEmulator(SCENARIO, { apiKey: CANARY_ENV });
  configEmulator = await startEmulator(SCENARIO, { apiKey: CANARY_CONFIG });
  elsewhere = await startEmulator(SCENARIO, { apiKey: EXPECTED_ELSEWHERE });
  captureLogs();
});

afterAll(async () => {
  for (const undo of restore.splice(0)) undo();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await Promise.all([envEmulator.close(), configEmulator.close(), elsewhere.close()]);
  unhandled.stop();
  expect(unhandled.seen).toEqual([]);
  expect(await leakedResources(baseline)).toEqual([]);
});

/**
 * Six providers: each protocol once with the key from the environment, once with the key written
 * in the config, pointed (by `base_url`, the pool building its own clients) at `envAt` and `configAt`.
 */
function canaryConfig(
  envAt: Emulator,
  configAt: Emulator,
  options: {
    quorum?: number;
    model?: string;
    timeoutSeconds?: number;
    cacheTtl?: number;
    idleMs?: number;
  } = {},
): ChorusConfig {
  const model = options.model ?? 'm';
  const providers: Record<string, object> = {};
  const timeouts = { first_token_ms: 5000, idle_ms: options.idleMs ?? 5000 };
  const retries = { max_attempts: 1 };
  for (const [kind, url] of [
    ['openai', 'openai'],
    ['anthropic', 'anthropic'],
    ['ollama', 'ollama'],
  ] as const) {
    providers[`env_${kind}`] = {
      kind,
      model,
      base_url: envAt.baseURLs[url],
      api_key_env: ENV_VAR,
      prices: { input: 1, output: 2 },
      timeouts,
      retries,
    };
    providers[`cfg_${kind}`] = {
      kind,
      model,
      base_url: configAt.baseURLs[url],
      api_key: CANARY_CONFIG,
      prices: { input: 1, output: 2 },
      timeouts,
      retries,
    };
  }
  return validateConfig({
    orchestration: {
      timeout_seconds: options.timeoutSeconds ?? 10,
      max_providers: 6,
      variations: { providers: Object.keys(providers) },
      consensus: { min_responses: options.quorum ?? 2, task: 'math', cache_ttl: options.cacheTtl ?? 0 },
    },
    providers,
  });
}

/** A cache that records the keys it is asked for. */
function recordingCache(keys: string[]): DecisionCache<Decision> {
  const inner = createDecisionCache<Decision>({ ttlMs: 60_000, maxSize: 10 });
  return {
    getOrRun: (key, run, options) => {
      keys.push(key);
      return inner.getOrRun(key, run, options);
    },
    peek: (key) => inner.peek(key),
    delete: (key) => inner.delete(key),
    clear: () => inner.clear(),
    keyFor: (input) => inner.keyFor(input),
    get size() {
      return inner.size;
    },
    get stats() {
      return inner.stats;
    },
  };
}

async function record(what: string, chorus: LLMOrchestrator, options: CallOptions = {}) {
  const run = await observe(chorus, PROMPT, options);
  artefacts.push({ what: `${what}: events`, value: run.events });
  if (run.decision !== undefined) artefacts.push({ what: `${what}: decision`, value: run.decision });
  if (run.error !== undefined) artefacts.push({ what: `${what}: error`, value: run.error });
  return run;
}

describe('canary keys never leak', () => {
  it('a decided run (keys used, variants cancelled)', async () => {
    const chorus = new LLMOrchestrator(canaryConfig(envEmulator, configEmulator), { cache: false });
    const run = await record('success', chorus);
    expect(run.decision?.noConsensus).toBe(false);
    // The keys were really sent: both emulators answered requests that carried them.
    expect(envEmulator.stats().totals.requests).toBeGreaterThan(0);
    expect(configEmulator.stats().totals.requests).toBeGreaterThan(0);
    expect(envEmulator.stats().totals.rejected + configEmulator.stats().totals.rejected).toBe(0);
    artefacts.push({ what: 'orchestrator', value: chorus });
    artefacts.push({ what: 'config', value: chorus.config });
    artefacts.push({ what: 'health', value: chorus.health() });
  });

  it('authentication failures (401 from an emulator expecting another key)', async () => {
    const chorus = new LLMOrchestrator(canaryConfig(elsewhere, elsewhere), { cache: false });
    const run = await record('auth failure', chorus);
    expect(run.error).toBeInstanceOf(DecisionError);
    const partials = (run.error as DecisionError).partials;
    expect(partials.variants.every((v) => v.error?.type === 'auth')).toBe(true);
    artefacts.push({ what: 'auth failure: errors', value: partials.variants.map((v) => v.error) });
  });

  it('timeouts: a stalled stream (idle) and the total timeout', async () => {
    const stalled = new LLMOrchestrator(
      canaryConfig(envEmulator, configEmulator, { model: 'stall-model', idleMs: 100, quorum: 6 }),
      { cache: false },
    );
    const a = await record('idle timeout', stalled);
    const failures = (a.decision?.variants ?? (a.error as DecisionError).partials.variants).map(
      (v) => v.error,
    );
    expect(failures.some((e) => e?.type === 'timeout')).toBe(true);
    const slow = new LLMOrchestrator(
      canaryConfig(envEmulator, configEmulator, { model: 'slow-model', timeoutSeconds: 0.2, quorum: 6 }),
      { cache: false },
    );
    const b = await record('total timeout', slow);
    expect(b.decision?.stoppedBy ?? (b.error as DecisionError).type).toBe('timeout');
  });

  it('an aborted run', async () => {
    const chorus = new LLMOrchestrator(
      canaryConfig(envEmulator, configEmulator, { model: 'slow-model', quorum: 6 }),
      { cache: false },
    );
    const run = await record('abort', chorus, { signal: AbortSignal.timeout(60) });
    expect(run.error).toBeInstanceOf(ChorusAbortError);
  });

  it('snapshots of the pool streams, on success and on a 401', async () => {
    for (const [what, envAt, configAt] of [
      ['snapshots', envEmulator, configEmulator],
      ['snapshots after 401', elsewhere, elsewhere],
    ] as const) {
      const config = canaryConfig(envAt, configAt);
      const chorus = new LLMOrchestrator(config, { cache: false });
      const pool = chorus.pool as ProviderPool;
      for (const spec of new ParameterVariator(config).variants()) {
        const list = await lastValueFrom(
          pool.variant(spec, { messages: [{ role: 'user', content: PROMPT }] }).pipe(snapshots(), toArray()),
        );
        artefacts.push({ what: `${what} of ${spec.id}`, value: list });
      }
    }
  });

  it('cache keys: the same for other keys (so they cannot carry one), and the cached decision', async () => {
    const keys: string[] = [];
    const config = canaryConfig(envEmulator, configEmulator, { cacheTtl: 60 });
    const cache = recordingCache(keys);
    const chorus = new LLMOrchestrator(config, { cache });
    const first = await chorus.run(PROMPT);
    const again = await chorus.run(PROMPT);
    expect(again.cached).toBe(true);
    // The same plan with other keys (and other URLs) gets the same cache key.
    const other = validateConfig(
      JSON.parse(
        JSON.stringify({
          orchestration: {
            timeout_seconds: 10,
            max_providers: 6,
            variations: { providers: Object.keys(config.providers) },
            consensus: { min_responses: 2, task: 'math', cache_ttl: 60 },
          },
          providers: Object.fromEntries(
            Object.entries(config.providers).map(([name, p]) => [
              name,
              {
                kind: p.kind,
                model: p.models[0],
                base_url: 'http://127.0.0.1:9/v1',
                ...(p.api_key ? { api_key: 'sk-other-0000' } : { api_key_env: 'SOME_OTHER_VAR' }),
                prices: p.prices,
                timeouts: { first_token_ms: p.timeouts.first_token_ms, idle_ms: p.timeouts.idle_ms },
                retries: { max_attempts: 1 },
              },
            ]),
          ),
        }),
      ),
    );
    const otherKeys: string[] = [];
    const otherCache = recordingCache(otherKeys);
    otherCache.getOrRun = (key) => {
      otherKeys.push(key);
      return Promise.resolve(first); // never runs: only the key matters here
    };
    await new LLMOrchestrator(other, { cache: otherCache }).run(PROMPT);
    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(otherKeys).toEqual([keys[0]]);
    artefacts.push({ what: 'cache keys', value: keys });
    artefacts.push({ what: 'cached decision', value: cache.peek(keys[0]!) });
    artefacts.push({ what: 'cache stats', value: cache.stats });
  });

  it('the CLI (`chorus run --json --debug`): a decision and an authentication failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chorus-sec-'));
    try {
      for (const [what, at, code] of [
        ['cli success', envEmulator, 0],
        ['cli auth failure', elsewhere, 1],
      ] as const) {
        const file = join(dir, `${code}.toml`);
        writeFileSync(
          file,
          [
            '[orchestration]',
            'max_providers = 2',
            '[orchestration.variations]',
            'providers = ["a", "b"]',
            '[orchestration.consensus]',
            'min_responses = 2',
            'task = "math"',
            '[providers.a]',
            'kind = "openai"',
            'model = "m"',
            `base_url = "${at.baseURLs.openai}"`,
            `api_key_env = "${ENV_VAR}"`,
            '[providers.b]',
            'kind = "anthropic"',
            'model = "m"',
            `base_url = "${at.baseURLs.anthropic}"`,
            `api_key = "${code === 0 ? CANARY_ENV : CANARY_CONFIG}"`,
          ].join('\n'),
        );
        const out: string[] = [];
        const err: string[] = [];
        const exit = await runCli(['run', '--json', '--debug', '-c', file, PROMPT], {
          stdout: { write: (t: string) => out.push(t) },
          stderr: { write: (t: string) => err.push(t) },
          stdin: process.stdin,
          env: { [ENV_VAR]: CANARY_ENV, PATH: process.env['PATH'] },
          cwd: dir,
        });
        expect(exit, err.join('')).toBe(code);
        artefacts.push({ what: `${what}: stdout`, value: out.join('') });
        artefacts.push({ what: `${what}: stderr`, value: err.join('') });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('in nothing that was produced, nor in any log line', () => {
    expect(artefacts.length).toBeGreaterThan(20);
    for (const { what, value } of artefacts) expectNoSecret(what, exposures(value));
    // The SDKs did log (debug), with the key redacted: the capture saw them.
    expect(logged.some((line) => /sending request/.test(line))).toBe(true);
    expectNoSecret('the logs', logged.join('\n'));
  });
});

describe('the emulator listens on loopback only', () => {
  it.each([
    '0.0.0.0',
    '::',
    '192.168.1.10',
    '10.0.0.1',
    'example.com',
    '127.0.0.1.example.com',
    '::ffff:10.0.0.1',
  ])('refuses %s', async (host) => {
    await expect(startEmulator({ models: {} }, { host })).rejects.toThrow(/loopback/);
  });

  it('binds 127.0.0.1 by default, and accepts the loopback forms', async () => {
    for (const host of [undefined, '127.0.0.1', '127.0.0.2', '::1', 'localhost']) {
      const emulator = await startEmulator({ models: {} }, host === undefined ? {} : { host });
      try {
        const address = new URL(emulator.url).hostname.replace(/^\[|\]$/g, '');
        expect(['127.0.0.1', '127.0.0.2', '::1']).toContain(address);
        if (host === undefined) expect(address).toBe('127.0.0.1');
      } finally {
        await emulator.close();
      }
    }
  });
});

describe('code execution', () => {
  const hasPython = spawnSync('python3', ['--version']).status === 0;

  it('is off by default: the executor refuses to exist, and a code decision runs nothing', async () => {
    // @ts-expect-error the opt-in is missing on purpose
    expect(() => createPythonExecutor({})).toThrow(/allowCodeExecution/);
    expect(() => createPythonExecutor({ allowCodeExecution: 'yes' as unknown as true })).toThrow(
      /allowCodeExecution/,
    );
    // A code decision over candidates that would leave a file behind if anything ran them.
    const marker = join(tmpdir(), `chorus-ran-${process.pid}-${Date.now()}`);
    const code = `\`\`\`python\nopen(${JSON.stringify(marker)}, "w").write("ran")\ndef inc(x):\n    return x + 1\n\`\`\``;
    const emulator = await startEmulator({ models: { '*': { text: code } } });
    try {
      const config = validateConfig({
        orchestration: {
          max_providers: 2,
          variations: { providers: ['a', 'b'] },
          consensus: { min_responses: 2, task: 'code' },
        },
        providers: {
          a: { kind: 'openai', model: 'm', base_url: emulator.baseURLs.openai, api_key: 'x' },
          b: { kind: 'anthropic', model: 'm', base_url: emulator.baseURLs.anthropic, api_key: 'x' },
        },
      });
      const decision = await new LLMOrchestrator(config, { cache: false }).run('Write inc(x) in Python.');
      expect(decision.text).toBe(code);
      expect(existsSync(marker)).toBe(false);
    } finally {
      await emulator.close();
      rmSync(marker, { force: true });
    }
  });

  describe('when enabled, it is sandboxed', () => {
    let listener: Server;
    let port = 0;
    let connections = 0;
    beforeAll(async () => {
      listener = createServer((socket) => {
        connections++;
        socket.destroy();
      });
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      port = (listener.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

    const probe = (executor: ReturnType<typeof createPythonExecutor>, body: string) =>
      executor.execute(
        { id: 'probe', text: body },
        { prefix: 'def probe():\n', tests: [{ code: 'probe()' }] },
      );

    it('no network (default `network: deny`): not through `socket`, not through the C module', async () => {
      expect(hasPython, 'python3 is needed for this test').toBe(true);
      let executor: ReturnType<typeof createPythonExecutor>;
      try {
        executor = createPythonExecutor({ allowCodeExecution: true, timeoutMs: 1500 });
      } catch (error) {
        // Without user namespaces the strict default refuses to run at all: also safe.
        expect((error as Error).message).toMatch(/unshare/);
        return;
      }
      const results = await Promise.all([
        probe(
          executor,
          `    import socket\n    socket.create_connection(("127.0.0.1", ${port}), timeout=1)\n`,
        ),
        // Past the monkey-patched `socket` module: the C module itself, in a network namespace.
        probe(
          executor,
          `    import _socket\n    s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)\n    s.settimeout(1)\n    s.connect(("127.0.0.1", ${port}))\n`,
        ),
        probe(
          executor,
          `    import urllib.request\n    urllib.request.urlopen("http://127.0.0.1:${port}/", timeout=1)\n`,
        ),
      ]);
      for (const r of results) expect(r.passed).toEqual([false]);
      expect(connections).toBe(0);
    });

    it("no environment: not in os.environ, nor in the parent process's /proc environ", () => {
      expect(hasPython, 'python3 is needed for this test').toBe(true);
      // A parent whose *initial* environment holds the canary (what /proc/<pid>/environ shows).
      const script = `
        import { createPythonExecutor } from './src/consensus/pythonExecutor.ts';
        let executor;
        try { executor = createPythonExecutor({ allowCodeExecution: true }); }
        catch (error) { console.log(JSON.stringify({ refused: String(error.message) })); process.exit(0); }
        const run = (text) => executor.execute({ id: 'p', text }, { prefix: 'def probe():\\n', tests: [{ code: 'probe()' }] });
        const env = await run('    import os\\n    assert os.environ.get("CHORUS_SANDBOX_CANARY") is None\\n');
        const proc = await run('    import os\\n    try:\\n        data = open("/proc/%d/environ" % os.getppid(), "rb").read()\\n    except OSError:\\n        return\\n    assert b"${CANARY_ENV}" not in data\\n');
        console.log(JSON.stringify({ env, proc }));
      `;
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: new URL('../..', import.meta.url),
        env: { ...process.env, CHORUS_SANDBOX_CANARY: CANARY_ENV },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(child.status, child.stderr).toBe(0);
      const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as {
        refused?: string;
        env?: unknown;
        proc?: unknown;
      };
      if (result.refused !== undefined) {
        expect(result.refused).toMatch(/unshare/);
        return;
      }
      expect(result.env).toEqual({ passed: [true], outputs: ['ok'] });
      expect(result.proc).toEqual({ passed: [true], outputs: ['ok'] });
    });

    it('time and memory limits, and no child processes, in either network mode', async () => {
      expect(hasPython, 'python3 is needed for this test').toBe(true);
      const executor = createPythonExecutor({
        allowCodeExecution: true,
        timeoutMs: 1500,
        memoryMb: 256,
        network: 'deny-if-possible',
      });
      const started = performance.now();
      const [memory, time, spawn] = await Promise.all([
        probe(executor, '    x = bytearray(1024 * 1024 * 1024)\n'),
        probe(executor, '    while True:\n        pass\n'),
        probe(executor, '    import subprocess\n    subprocess.run(["true"])\n'),
      ]);
      expect(memory.outputs).toEqual(['MemoryError']);
      expect(time.outputs).toEqual(['Timeout']);
      expect(spawn.outputs).toEqual(['OSError']);
      expect(performance.now() - started).toBeLessThan(15_000);
    });
  });
});
