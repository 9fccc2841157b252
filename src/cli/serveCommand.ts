import { validateConfig } from '../config/validateConfig.js';
import { isLoopbackHost } from '../emulator/isLoopbackHost.js';
import { realisticScenario } from '../emulator/realisticScenario.js';
import { type Emulator, startEmulator } from '../emulator/startEmulator.js';
import { emulatorClients } from '../orchestrator/emulatorClients.js';
import { LLMOrchestrator } from '../orchestrator.js';
import { createChorusServer, type ServerProfile } from '../server/createChorusServer.js';
import type { CliIo } from './cliIo.js';
import { loadCliConfig } from './loadCliConfig.js';
import { recordedAnswers } from './recordedAnswers.js';
import { resolveRunConfig } from './resolveRunConfig.js';
import { serverProfiles } from './serverProfiles.js';
import { UsageError } from './usageError.js';

/** Options of `chorus serve`. */
export interface ServeOptions {
  readonly config?: string | undefined;
  /** @defaultValue `'127.0.0.1'` */
  readonly host?: string | undefined;
  /** @defaultValue 8787 */
  readonly port?: number | undefined;
  /** The bearer token; else `CHORUS_TOKEN` from the environment. Required off loopback. */
  readonly token?: string | undefined;
  /** Request body limit in bytes. @defaultValue 1 MiB */
  readonly maxBody?: number | undefined;
  /** Serve emulated providers (no key needed): the realistic scenario, in this process. */
  readonly emulate?: boolean | undefined;
}

/**
 * `chorus serve`: an OpenAI-compatible consensus server (`createChorusServer`) over the config's
 * providers (or, with `--emulate`, over emulated ones), until `stop` resolves. Resolves to the exit
 * code. Off loopback without a token of 16+ characters it refuses to start (`UsageError`, exit 2).
 *
 * @example
 * process.exitCode = await serveCommand({ port: 8787 }, processIo(), untilSignal());
 */
export async function serveCommand(
  options: ServeOptions,
  io: CliIo,
  stop: Promise<unknown>,
): Promise<number> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? (io.env['CHORUS_TOKEN'] || undefined);
  if (!isLoopbackHost(host) && (token === undefined || token.length < 16)) {
    throw new UsageError(
      `listening on ${host} (not loopback) needs a bearer token of at least 16 characters: pass --token or set CHORUS_TOKEN (e.g. CHORUS_TOKEN=$(openssl rand -hex 32))`,
    );
  }
  let emulator: Emulator | undefined;
  let orchestrator: LLMOrchestrator;
  let profiles: Readonly<Record<string, ServerProfile>>;
  let providersLine: string;
  if (options.emulate) {
    const loaded = options.config !== undefined ? await loadCliConfig(options.config) : undefined;
    const config =
      loaded?.config ??
      validateConfig(
        {
          orchestration: {
            max_providers: 3,
            variations: {
              providers: ['openai', 'anthropic', 'ollama'],
              // Not the preset's claude-sonnet-4-5, which the Anthropic SDK warns is deprecated.
              models: { anthropic: ['claude-haiku-4-5'] },
              temperature: [0.2, 0.6, 1.0],
            },
            consensus: { min_responses: 2 },
          },
        },
        'serve --emulate',
      );
    profiles = serverProfiles(loaded?.profiles ?? {});
    emulator = await startEmulator(
      realisticScenario({
        seed: 1,
        text: recordedAnswers(
          'This is the chorus emulator: it has recorded answers only for the questions of the demo sample (data/demo/gsm8k-demo.jsonl).',
        ),
      }),
    );
    orchestrator = new LLMOrchestrator(config, { clients: emulatorClients(config, emulator), env: {} });
    providersLine = `${config.orchestration.variations.providers.join(', ')}: EMULATED on ${emulator.url} (recorded answers to the demo's GSM8K questions, realistic latencies; no key, no network)`;
  } else {
    const resolved = await resolveRunConfig({ file: options.config, env: io.env, cwd: io.cwd });
    profiles = serverProfiles(resolved.profiles);
    orchestrator = new LLMOrchestrator(resolved.config, { env: io.env as NodeJS.ProcessEnv });
    providersLine = `${resolved.config.orchestration.variations.providers.join(', ')} (from ${resolved.source === 'environment' ? 'the environment' : resolved.source})`;
  }
  let server: ReturnType<typeof createChorusServer>;
  try {
    server = createChorusServer({
      orchestrator,
      profiles,
      host,
      port: options.port ?? 8787,
      ...(token !== undefined && { token }),
      ...(options.maxBody !== undefined && { maxBodyBytes: options.maxBody }),
    });
  } catch (error) {
    await emulator?.close();
    throw error instanceof TypeError ? new UsageError(error.message) : error;
  }
  let url: string;
  try {
    url = await server.listen();
  } catch (error) {
    await emulator?.close();
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE')
      throw new UsageError(`port ${options.port ?? 8787} is already in use; pick another with --port`);
    if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND')
      throw new UsageError(`cannot listen on --host ${host} (${e.code})`);
    throw error;
  }
  const out = io.stdout;
  out.write(`chorus serve: OpenAI-compatible consensus server on ${url}/v1\n`);
  out.write(`  models (consensus profiles): ${Object.keys(profiles).join(', ')}\n`);
  out.write(`  providers: ${providersLine}\n`);
  out.write(
    `  auth: ${token !== undefined ? 'Authorization: Bearer <token> required' : 'none (loopback only; pass --token to require one)'}\n`,
  );
  out.write(
    `  try: curl -s ${url}/v1/chat/completions -H 'content-type: application/json'${token !== undefined ? ' -H "authorization: Bearer $CHORUS_TOKEN"' : ''} -d '{"model":"chorus","messages":[{"role":"user","content":"What is 17 * 23?"}]}'\n`,
  );
  out.write('Stop with Ctrl+C.\n');
  const signal = await stop;
  await server.close();
  await emulator?.close();
  out.write(`chorus serve: stopped${typeof signal === 'string' ? ` on ${signal}` : ''}.\n`);
  return 0;
}
