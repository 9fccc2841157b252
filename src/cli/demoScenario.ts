import { planResponse } from '../emulator/planResponse.js';
import { createRandom } from '../emulator/random.js';
import type { Distribution, EmulatedRequest, Protocol, Scenario } from '../emulator/scenario.js';
import type { DemoAnswer, DemoProblem } from './loadDemoProblems.js';

/** A latency profile from ../shared/LATENCY.md: median time to first token and output speed. */
export interface LatencyProfile {
  /** The measured model the numbers are for. */
  readonly like: string;
  readonly ttftMedianMs: number;
  readonly tokensPerSecond: number;
}

/** One emulated provider of the demo: a protocol, the recorded model it replays, its latency. */
export interface DemoProvider {
  /** The provider's name in the demo's config, which is also the protocol it speaks. */
  readonly name: Protocol;
  /** The recorded model whose answer this provider replays. */
  readonly model: string;
  readonly answer: DemoAnswer;
  readonly profile: LatencyProfile;
  /** This request's output speed after the per-request jitter (±20 %). */
  readonly tokensPerSecond: number;
  /**
   * When this provider's response would end, in ms from its request: the emulator's own plan for
   * it (seeded, so known in advance). Lets the demo say how long the slowest variant would have
   * taken had it not been cancelled.
   */
  readonly plannedMs: number;
}

/** What {@link demoScenario} builds. */
export interface DemoSetup {
  readonly scenario: Scenario;
  readonly providers: readonly DemoProvider[];
  /** The messages every provider is sent. */
  readonly messages: readonly { readonly role: 'user'; readonly content: string }[];
}

/**
 * Which recorded model each protocol replays, and with which published latency profile
 * (LATENCY.md: gpt-4o-mini TTFT p50 150 ms; Claude Haiku 150 ms; a local Ollama model starts fast
 * but streams slower). The pairing of a recorded model with a protocol is arbitrary: the point is
 * one variant per wire protocol, each through its official SDK.
 */
const LINEUP: readonly {
  readonly name: Protocol;
  readonly model: string;
  readonly profile: LatencyProfile;
}[] = [
  {
    name: 'openai',
    model: 'gpt-4o-mini',
    profile: { like: 'gpt-4o-mini', ttftMedianMs: 150, tokensPerSecond: 110 },
  },
  {
    name: 'anthropic',
    model: 'gpt-3.5-turbo',
    profile: { like: 'claude-haiku-4-5', ttftMedianMs: 150, tokensPerSecond: 120 },
  },
  {
    name: 'ollama',
    model: 'davinci-003',
    profile: { like: 'llama3.2 (local)', ttftMedianMs: 100, tokensPerSecond: 60 },
  },
];

/** TTFT: lognormal, p95/p50 ≈ 2.7, with a 3 % slow path ×5–20 (LATENCY.md). */
function ttft(median: number): Distribution {
  return { kind: 'lognormal', median, sigma: 0.6, slowPath: { p: 0.03, factor: [5, 20] } };
}

/**
 * The demo's emulator scenario for one problem: three models, each streaming its recorded answer
 * with a seeded, realistic latency (lognormal TTFT with a slow-path tail; output speed jittered
 * ±20 % per request, with small per-token noise).
 *
 * @example
 * const { scenario, providers } = demoScenario(problem, { seed: 7, timeScale: 1 });
 * const emulator = await startEmulator(scenario);
 */
export function demoScenario(
  problem: DemoProblem,
  options: { readonly seed: number; readonly timeScale: number },
): DemoSetup {
  const messages = [{ role: 'user' as const, content: problem.question }];
  const jitter = createRandom(`demo-speed/${options.seed}/${problem.id}`);
  const models: Record<string, Scenario['models'][string]> = {};
  const providers: DemoProvider[] = [];
  for (const { name, model, profile } of LINEUP) {
    const answer = problem.answers.find((a) => a.model === model);
    if (answer === undefined) throw new TypeError(`demo problem ${problem.id} has no answer of ${model}`);
    const tokensPerSecond = profile.tokensPerSecond * (0.8 + 0.4 * jitter.next());
    const script = {
      text: answer.text,
      ttft: ttft(profile.ttftMedianMs),
      interToken: { kind: 'lognormal' as const, median: 1000 / tokensPerSecond, sigma: 0.2 },
    };
    models[model] = script;
    const request: EmulatedRequest = {
      protocol: name,
      model,
      prompt: problem.question,
      messages,
      index: 0,
      body: {},
    };
    const plan = planResponse({ script, request, seed: options.seed, timeScale: options.timeScale });
    const plannedMs = plan.headersDelayMs + plan.ttftMs + plan.interTokenMs.reduce((a, b) => a + b, 0);
    providers.push({ name, model, answer, profile, tokensPerSecond, plannedMs });
  }
  return { scenario: { seed: options.seed, timeScale: options.timeScale, models }, providers, messages };
}
