import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { realisticScenario } from '../emulator/realisticScenario.js';
import type { Scenario } from '../emulator/scenario.js';
import { startEmulator } from '../emulator/startEmulator.js';
import { validateScenario } from '../emulator/validateScenario.js';
import type { CliIo } from './cliIo.js';
import { UsageError } from './usageError.js';

/** Options of `chorus emulate`. */
export interface EmulateOptions {
  /** A scenario JSON file (see `Scenario`); without it, `realisticScenario`. */
  readonly scenario?: string | undefined;
  /** @defaultValue 0 (a free port) */
  readonly port?: number | undefined;
  /** Loopback only. @defaultValue `'127.0.0.1'` */
  readonly host?: string | undefined;
  /** Seed of the realistic scenario (a scenario file has its own). @defaultValue 1 */
  readonly seed?: number | undefined;
  /** Multiplies every delay of the scenario. @defaultValue the scenario's */
  readonly timeScale?: number | undefined;
  /** Require this API key from clients. @defaultValue any key is accepted */
  readonly apiKey?: string | undefined;
}

/**
 * `chorus emulate`: runs the provider emulator (OpenAI, Anthropic and Ollama wire protocols on
 * loopback) until `stop` resolves (SIGINT or SIGTERM in the CLI), printing each protocol's base URL
 * and the environment variable its SDK reads. Returns the exit code.
 *
 * @example
 * await emulateCommand({ port: 11434 }, processIo(), untilSignal());
 */
export async function emulateCommand(
  options: EmulateOptions,
  io: CliIo,
  stop: Promise<unknown>,
): Promise<number> {
  let scenario: Scenario;
  if (options.scenario !== undefined) {
    const file = resolve(io.cwd, options.scenario);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new UsageError(`cannot read the scenario file ${JSON.stringify(options.scenario)} (${code})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new UsageError(
        `the scenario file ${options.scenario} is not valid JSON: ${(error as Error).message}`,
      );
    }
    scenario = parsed as Scenario;
    if (options.timeScale !== undefined) scenario = { ...scenario, timeScale: options.timeScale };
    try {
      validateScenario(scenario);
    } catch (error) {
      throw new UsageError(`invalid scenario in ${options.scenario}: ${(error as Error).message}`);
    }
  } else {
    scenario = realisticScenario({
      seed: options.seed ?? 1,
      ...(options.timeScale !== undefined && { timeScale: options.timeScale }),
    });
  }
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator(scenario, {
      ...(options.host !== undefined && { host: options.host }),
      port: options.port ?? 0,
      ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE')
      throw new UsageError(`port ${options.port} is already in use; pick another with --port`);
    if (error instanceof TypeError) throw new UsageError(error.message.replace('`host`', '`--host`'));
    throw error;
  }
  const { baseURLs } = emulator;
  const models = Object.keys(scenario.models).filter((m) => m !== '*');
  const out = io.stdout;
  out.write(
    `chorus emulate: emulated LLM providers on ${emulator.url} (seed ${scenario.seed ?? 1}, time scale ${scenario.timeScale ?? 1}). Nothing leaves this machine.\n`,
  );
  out.write(`  OpenAI     ${baseURLs.openai.padEnd(32)} OPENAI_BASE_URL=${baseURLs.openai}\n`);
  out.write(`  Anthropic  ${baseURLs.anthropic.padEnd(32)} ANTHROPIC_BASE_URL=${baseURLs.anthropic}\n`);
  out.write(`  Ollama     ${baseURLs.ollama.padEnd(32)} OLLAMA_HOST=${baseURLs.ollama}\n`);
  out.write(
    `models: ${models.length > 0 ? models.join(', ') : '(none named)'}${Object.hasOwn(scenario.models, '*') ? ', and any other name' : ''}\n`,
  );
  out.write(
    `${options.apiKey !== undefined ? 'Clients must send the API key given with --api-key.' : 'Any API key is accepted.'} Stop with Ctrl+C.\n`,
  );
  const signal = await stop;
  await emulator.close();
  const { totals } = emulator.stats();
  out.write(
    `chorus emulate: stopped${typeof signal === 'string' ? ` on ${signal}` : ''} after ${totals.requests} request${totals.requests === 1 ? '' : 's'}.\n`,
  );
  return 0;
}
