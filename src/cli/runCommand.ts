import type { ConsensusMethod, ConsensusTask } from '../config/types.js';
import type { Decision } from '../decision.js';
import { assertNever } from '../events.js';
import type { CliIo } from './cliIo.js';
import { createLiveView } from './liveView.js';
import { renderDecision } from './renderDecision.js';
import { resolveRunConfig } from './resolveRunConfig.js';
import { toDecisionReport } from './toDecisionReport.js';
import { toRaceState } from './toRaceState.js';
import { UsageError } from './usageError.js';

/** Options of `chorus run`. */
export interface RunOptions {
  /** A `chorus.toml`. @defaultValue `./chorus.toml` if present, else providers from the environment */
  readonly config?: string | undefined;
  /** Print the `Decision` as JSON on stdout (the live view, if any, goes to stderr). */
  readonly json?: boolean | undefined;
  /** Print only the decided text. */
  readonly quiet?: boolean | undefined;
  readonly task?: ConsensusTask | undefined;
  readonly method?: ConsensusMethod | undefined;
  readonly color?: boolean | undefined;
}

const TASKS: readonly ConsensusTask[] = ['auto', 'code', 'math', 'choice', 'text'];
const METHODS: readonly ConsensusMethod[] = [
  'majority',
  'quality_weighted',
  'hybrid_merge',
  'tournament',
  'confidence',
];

/**
 * `chorus run [prompt]`: one decision with real providers (keys from the environment or the
 * config), the race live (redrawn in a terminal, plain lines otherwise), then the report; `--json`
 * prints the `Decision`. The prompt is the arguments, or stdin when there are none. Without any
 * usable provider it fails with a `UsageError` naming the variables to set. Resolves to the exit
 * code (0 once decided, even without consensus); a run with no decision rejects (exit code 1).
 *
 * @example
 * process.exitCode = await runCommand(['What is 17 * 23?'], { json: true }, processIo(), signal);
 */
export async function runCommand(
  words: readonly string[],
  options: RunOptions,
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  if (options.task !== undefined && !TASKS.includes(options.task)) {
    throw new UsageError(
      `\`--task\` must be one of ${TASKS.join(', ')}, got ${JSON.stringify(options.task)}`,
    );
  }
  if (options.method !== undefined && !METHODS.includes(options.method)) {
    throw new UsageError(
      `\`--method\` must be one of ${METHODS.join(', ')}, got ${JSON.stringify(options.method)}`,
    );
  }
  // The config first: without a provider there is no point reading a prompt.
  const { config, source } = await resolveRunConfig({ file: options.config, env: io.env, cwd: io.cwd });
  const prompt = words.length > 0 ? words.join(' ') : await readPrompt(io);
  if (prompt.trim() === '') {
    throw new UsageError('the prompt is empty: give it as arguments (chorus run "…") or on stdin');
  }
  // Loaded only now: a usage mistake above is reported without loading the engine and the SDKs.
  const { LLMOrchestrator } = await import('../orchestrator.js');
  const chorus = new LLMOrchestrator(config, { env: io.env as NodeJS.ProcessEnv });
  const out = options.json || options.quiet ? io.stderr : io.stdout;
  const tty = out.isTTY === true;
  const showView = !(options.json || options.quiet) || tty;
  const width = Math.max(40, Math.min(out.columns ?? 100, 140));
  const color = tty && (options.color ?? true);
  const heading = {
    title: `chorus run · ${config.orchestration.variations.providers.join(', ')} (${source === 'environment' ? 'from the environment' : source})`,
  };
  const view = showView ? createLiveView({ out, tty, width, color }) : undefined;
  const decision = await new Promise<Decision>((resolve, reject) => {
    chorus
      .stream(prompt, {
        ...(signal !== undefined && { signal }),
        ...(options.task !== undefined && { task: options.task }),
        ...(options.method !== undefined && {
          overrides: { orchestration: { consensus: { method: options.method } } },
        }),
      })
      .subscribe({
        next: (event) => {
          switch (event.type) {
            case 'progress':
              view?.update(toRaceState(event, heading));
              return;
            case 'decision':
              view?.close(toRaceState(event.decision, heading));
              resolve(event.decision);
              return;
            case 'variant':
            case 'notice':
              return;
            default:
              assertNever(event, 'consensus event');
          }
        },
        error: (error: unknown) => {
          view?.close();
          reject(error);
        },
      });
  });
  if (options.json) io.stdout.write(`${JSON.stringify(decision, null, 2)}\n`);
  else if (options.quiet) io.stdout.write(`${decision.text}\n`);
  else {
    out.write('\n');
    out.write(renderDecision(toDecisionReport(decision), width, { color }));
  }
  return 0;
}

/** The whole of stdin, unless it is a terminal (then there is no prompt to read). */
async function readPrompt(io: CliIo): Promise<string> {
  if (io.stdin.isTTY) {
    throw new UsageError(
      'give a prompt: chorus run "your question", or pipe it: echo "your question" | chorus run',
    );
  }
  const parts: Buffer[] = [];
  for await (const part of io.stdin)
    parts.push(typeof part === 'string' ? Buffer.from(part) : (part as Buffer));
  return Buffer.concat(parts).toString('utf8');
}
