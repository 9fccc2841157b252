import type { ConsensusMethod } from '../config/types.js';
import { validateConfig } from '../config/validateConfig.js';
import type { Decision } from '../decision.js';
import { startEmulator } from '../emulator/startEmulator.js';
import { assertNever } from '../events.js';
import { emulatorClients } from '../orchestrator/emulatorClients.js';
import { LLMOrchestrator } from '../orchestrator.js';
import { countTokens } from '../tokens.js';
import type { CliIo } from './cliIo.js';
import { demoScenario } from './demoScenario.js';
import { createLiveView } from './liveView.js';
import { loadDemoProblems } from './loadDemoProblems.js';
import { pickProblem } from './pickProblem.js';
import { renderDecision } from './renderDecision.js';
import { toDecisionReport } from './toDecisionReport.js';
import { toRaceState } from './toRaceState.js';
import { UsageError } from './usageError.js';
import { wrapText } from './wrapText.js';

/** Options of `chorus demo`. */
export interface DemoOptions {
  /** Seed of the problem draw and of every latency. @defaultValue a random seed, printed */
  readonly seed?: number | undefined;
  /** A problem id of the sample (`gsm8k/17` or `17`). @defaultValue drawn with the seed */
  readonly problem?: string | undefined;
  /** Multiplies every emulated delay (0.1: ten times faster). @defaultValue 1 (real time) */
  readonly timeScale?: number | undefined;
  /** The consensus method. @defaultValue `'majority'` */
  readonly method?: ConsensusMethod | undefined;
  /** Colours in a terminal. @defaultValue true */
  readonly color?: boolean | undefined;
  /** Print the `Decision` as JSON instead of the report. @defaultValue false */
  readonly json?: boolean | undefined;
}

const METHODS: readonly ConsensusMethod[] = [
  'majority',
  'quality_weighted',
  'hybrid_merge',
  'tournament',
  'confidence',
];

/**
 * `chorus demo` (= `npm start`): no key, no network. Starts the provider emulator in this process
 * with one GSM8K problem of the recorded sample (data/demo): three models' real answers become three
 * emulated providers, one per wire protocol (OpenAI, Anthropic, Ollama), each with a seeded latency
 * drawn from published measurements. A real `LLMOrchestrator` runs the consensus through the
 * official SDKs: live view of the race (redrawn in a terminal, plain lines otherwise), then the
 * decision, why it won, its latency against the slowest variant, the cost table, and whether the
 * chosen answer is right according to the recorded label. Returns the exit code.
 *
 * `signal` (Ctrl+C in the CLI) cancels the race: every request is aborted, the terminal's cursor is
 * restored, and the promise rejects with the orchestrator's `ChorusAbortError`.
 *
 * @example
 * process.exitCode = await demoCommand({ seed: 7 }, processIo());
 */
export async function demoCommand(options: DemoOptions, io: CliIo, signal?: AbortSignal): Promise<number> {
  const seed = options.seed ?? Math.floor(Math.random() * 1_000_000);
  const timeScale = options.timeScale ?? 1;
  const method = options.method ?? 'majority';
  if (!METHODS.includes(method)) {
    throw new UsageError(`\`--method\` must be one of ${METHODS.join(', ')}, got ${JSON.stringify(method)}`);
  }
  let problem: ReturnType<typeof pickProblem>;
  try {
    problem = pickProblem(loadDemoProblems(), { seed, problem: options.problem });
  } catch (error) {
    throw error instanceof TypeError ? new UsageError(error.message) : error;
  }
  const setup = demoScenario(problem, { seed, timeScale });
  const out = options.json ? io.stderr : io.stdout;
  const tty = out.isTTY === true;
  const width = Math.max(40, Math.min(out.columns ?? 100, 120));
  const color = tty && (options.color ?? true);
  const bold = (text: string) => (color ? `\x1b[1m${text}\x1b[0m` : text);
  const say = (line = '') => out.write(`${line}\n`);
  // Long lines wrap at the terminal's width; `hang` indents the continuation lines. The label's
  // spaces are non-breaking while wrapping, so that its layout survives.
  const sayWrapped = (label: string, text: string, hang = label.length) => {
    const fixed = label.replace(/ /g, '\u00a0');
    const lines = wrapText(`${fixed}${text}`, width, ' '.repeat(hang));
    lines[0] = `${bold(label)}${lines[0]!.slice(fixed.length)}`;
    for (const line of lines) say(line);
  };

  // Loading the tokenizer takes a while; done now, it does not stall the emulator in mid-race
  // (it counts a cancelled stream's tokens).
  countTokens('warm up', 'gpt-4o-mini');

  sayWrapped('chorus demo', ': one question, three LLM variants racing; the first two that agree decide.', 0);
  sayWrapped(
    'The providers are emulated:',
    ' real answers recorded from gpt-4o-mini, gpt-3.5-turbo and davinci-003 are replayed by a local emulator (127.0.0.1) through the official OpenAI, Anthropic and Ollama SDKs. No API key, no network.',
    0,
  );
  say();
  sayWrapped('question  ', `${problem.id}: ${problem.question}`);
  for (const p of setup.providers) {
    say(
      `  ${p.name.padEnd(9)} replays ${p.model.padEnd(13)} latency like ${p.profile.like} (TTFT p50 ${p.profile.ttftMedianMs} ms, ${p.tokensPerSecond.toFixed(0)} tok/s)`,
    );
  }
  say(`  seed ${seed}${timeScale !== 1 ? `, time scale ${timeScale}` : ''}; quorum 2 of 3, method ${method}`);
  say();

  const emulator = await startEmulator(setup.scenario);
  try {
    const config = validateConfig(
      {
        orchestration: {
          max_providers: 3,
          timeout_seconds: 60,
          variations: { providers: setup.providers.map((p) => p.name), temperature: [0] },
          consensus: { method, min_responses: 2, task: 'math' },
        },
        providers: Object.fromEntries(setup.providers.map((p) => [p.name, { kind: p.name, model: p.model }])),
      },
      'the demo',
    );
    const chorus = new LLMOrchestrator(config, {
      clients: emulatorClients(config, emulator),
      env: {},
      cache: false,
    });
    const heading = {
      title: `chorus demo · ${problem.id} · 3 variants, quorum 2`,
      notice: 'providers are EMULATED: recorded answers replayed on 127.0.0.1',
    };
    const view = createLiveView({ out, tty, width, color });
    const decision = await new Promise<Decision>((resolve, reject) => {
      chorus.stream(problem.question, { task: 'math', ...(signal !== undefined && { signal }) }).subscribe({
        next: (event) => {
          switch (event.type) {
            case 'progress':
              view.update(toRaceState(event, heading));
              return;
            case 'decision':
              view.close(toRaceState(event.decision, heading));
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
          view.close();
          reject(error);
        },
      });
    });
    const byProvider = new Map(setup.providers.map((p) => [p.name as string, p]));
    const report = toDecisionReport(decision, {
      plannedMs: (v) => byProvider.get(v.provider)?.plannedMs,
      label: (d) => {
        const winner = d.variants.find((v) => v.id === d.winner);
        const answer = winner !== undefined ? byProvider.get(winner.provider)?.answer : undefined;
        return answer === undefined ? undefined : { correct: answer.correct, target: String(problem.target) };
      },
    });
    if (options.json) {
      io.stdout.write(`${JSON.stringify(decision, null, 2)}\n`);
    } else {
      say();
      out.write(renderDecision(report, width, { color }));
      say();
      for (const line of wrapText(
        `Emulated providers: nothing left this machine. Again with the same draw: chorus demo --seed ${seed}. With real providers: set OPENAI_API_KEY, ANTHROPIC_API_KEY or OLLAMA_HOST and run chorus run "your question".`,
        width,
      )) {
        say(line);
      }
    }
    return 0;
  } finally {
    await emulator.close();
  }
}
