import { Command, CommanderError, Option } from 'commander';
import { type CliIo, processIo } from './cliIo.js';
import { formatError } from './formatError.js';
import { parseOptions } from './parseOptions.js';
import { untilSignal } from './untilSignal.js';

const METHODS = ['majority', 'quality_weighted', 'hybrid_merge', 'tournament', 'confidence'];
const TASKS = ['auto', 'code', 'math', 'choice', 'text'];

/**
 * Runs the `chorus` command line and resolves to the exit code: 0 success, 1 a failed run, 2 bad
 * usage or config. Errors are printed as one line (`chorus: …`), with the stack only under
 * `--debug`. Commands: `demo` (the default of `npm start`), `run`, `serve`, `emulate`, `bench`;
 * `chorus help <command>` or `--help` on each.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2));
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  let debug = argv.includes('--debug');
  const program = new Command('chorus')
    .description(
      'Ask several LLMs at once; decide by consensus as soon as enough agree, and cancel the rest.',
    )
    .option('--debug', 'print stack traces with errors')
    .option('--no-color', 'no colours in the terminal')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 1 the run failed, 2 bad usage or config.\nTry it without any API key: chorus demo',
    );

  const color = (command: Command) => (command.optsWithGlobals() as { color?: boolean }).color !== false;

  program
    .command('demo')
    .description(
      'race three emulated providers replaying real recorded LLM answers to a GSM8K problem (no key, no network)',
    )
    .option(
      '--seed <n>',
      'seed of the problem draw and of every latency (default: random, printed)',
      parseOptions.integer('--seed'),
    )
    .option('--problem <id>', 'a problem of the sample, e.g. gsm8k/17 or 17 (default: drawn with the seed)')
    .option(
      '--time-scale <x>',
      'multiply every emulated delay (0.1 = ten times faster)',
      parseOptions.positive('--time-scale'),
    )
    .addOption(new Option('--method <name>', 'consensus method').choices(METHODS).default('majority'))
    .option('--json', 'print the Decision as JSON on stdout (the race goes to stderr)')
    .action(async (options, command: Command) => {
      // Each command loads its modules when it runs, so `--help` and usage errors stay instant.
      const { demoCommand } = await import('./demoCommand.js');
      exitCode = await withInterrupt((signal) =>
        demoCommand({ ...options, color: color(command) }, io, signal),
      );
    });

  program
    .command('run')
    .description('decide one prompt with real providers (keys from the environment or --config)')
    .argument('[prompt...]', 'the prompt (default: read from stdin)')
    .option('-c, --config <file>', 'a chorus.toml (default: ./chorus.toml if present, else the environment)')
    .option('--json', 'print the Decision as JSON on stdout')
    .option('-q, --quiet', 'print only the decided text')
    .addOption(new Option('--task <kind>', 'task kind (scorers and answer extraction)').choices(TASKS))
    .addOption(new Option('--method <name>', 'consensus method for this run').choices(METHODS))
    .addHelpText(
      'after',
      '\nProviders without a config: OPENAI_API_KEY, ANTHROPIC_API_KEY, OLLAMA_HOST (each one set adds its provider).',
    )
    .action(async (words: string[], options, command: Command) => {
      const { runCommand } = await import('./runCommand.js');
      exitCode = await withInterrupt((signal) =>
        runCommand(words, { ...options, color: color(command) }, io, signal),
      );
    });

  program
    .command('serve')
    .description(
      'an OpenAI-compatible server (POST /v1/chat/completions, GET /v1/models) that answers by consensus',
    )
    .option('-c, --config <file>', 'a chorus.toml; its [profiles.NAME] sections become models')
    .option('--host <host>', 'interface to listen on; anything but loopback needs --token', '127.0.0.1')
    .option('-p, --port <n>', 'port (0: any free port)', parseOptions.port('--port'), 8787)
    .option('--token <token>', 'bearer token clients must send (default: $CHORUS_TOKEN)')
    .option('--max-body <bytes>', 'largest request body accepted', parseOptions.integer('--max-body'))
    .option('--emulate', 'serve emulated providers (no key needed)')
    .action(async (options) => {
      const { serveCommand } = await import('./serveCommand.js');
      exitCode = await serveCommand(options, io, untilSignal());
    });

  program
    .command('emulate')
    .description(
      'run the provider emulator (OpenAI, Anthropic and Ollama protocols on loopback) for your own tests',
    )
    .option('--scenario <file>', 'a scenario JSON file (default: realistic latencies of published providers)')
    .option('-p, --port <n>', 'port (0: any free port)', parseOptions.port('--port'), 0)
    .option('--host <host>', 'loopback interface', '127.0.0.1')
    .option('--seed <n>', 'seed of the default scenario', parseOptions.integer('--seed'))
    .option('--time-scale <x>', 'multiply every delay', parseOptions.positive('--time-scale'))
    .option('--api-key <key>', 'require this API key from clients')
    .action(async (options) => {
      const { emulateCommand } = await import('./emulateCommand.js');
      exitCode = await emulateCommand(options, io, untilSignal());
    });

  program
    .command('bench')
    .description(
      'run the benchmarks (bench/run.ts, in a checkout of the repository); arguments are passed on',
    )
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .argument('[args...]', 'arguments of bench/run.ts, e.g. --long, --json, --seed N, --only cpu,latency')
    .addHelpText(
      'after',
      '\nbench/run.ts runs cpu, throughput, cancel, memory and latency, each in a fresh process; the other\nbenchmarks of bench/ run on their own (npx tsx bench/NAME.ts).',
    )
    .action(async (args: string[], _options, command: Command) => {
      // Every other argument belongs to bench/run.ts; help is ours.
      if (args.includes('--help') || args.includes('-h')) {
        command.outputHelp();
        return;
      }
      const { benchCommand } = await import('./benchCommand.js');
      exitCode = await benchCommand(args, io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    debug = (program.opts() as { debug?: boolean }).debug === true;
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with exit code 0; usage mistakes were already printed by commander.
      return error.exitCode === 0 ? 0 : 2;
    }
    const { text, exitCode: code } = formatError(error, debug);
    io.stderr.write(text);
    return code;
  }
}

/** Runs a command with an `AbortSignal` that Ctrl+C fires, so the command cancels and cleans up. */
async function withInterrupt<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onInt = () => controller.abort(new Error('interrupted (Ctrl+C)'));
  process.once('SIGINT', onInt);
  try {
    return await run(controller.signal);
  } finally {
    process.off('SIGINT', onInt);
  }
}
