import type { Distribution, ModelScript, Scenario } from './scenario.js';

/** Options of {@link realisticScenario}. */
export interface RealisticScenarioOptions {
  /** Seed of every draw; report it with any result. @defaultValue 1 */
  readonly seed?: number;
  /** Multiplies every delay (0.1 runs ten times faster). @defaultValue 1 */
  readonly timeScale?: number;
  /** The answer of every model. @defaultValue the emulator's default text */
  readonly text?: ModelScript['text'];
}

/** TTFT median (ms) and output speed (tokens/s) per model, from ../shared/LATENCY.md. */
const PROFILES: Readonly<Record<string, readonly [ttftMedianMs: number, tokensPerSecond: number]>> = {
  'gpt-4o': [250, 80],
  'gpt-4o-mini': [150, 110],
  'claude-sonnet-4-5': [200, 70],
  'claude-haiku-4-5': [150, 120],
  'claude-opus-4-1': [400, 45],
  'deepseek-chat': [400, 50],
  'deepseek-reasoner': [600, 40],
  'llama-3.3-70b-versatile': [50, 500],
  'llama3.2': [100, 60],
};

/** A realistic time to first token: lognormal with p95/p50 ≈ 2.7, and a 3% slow path ×5–20. */
function ttft(median: number): Distribution {
  return { kind: 'lognormal', median, sigma: 0.6, slowPath: { p: 0.03, factor: [5, 20] } };
}

/** Inter-token delay around 1 / speed with small per-token noise. */
function interToken(tokensPerSecond: number): Distribution {
  return { kind: 'lognormal', median: 1000 / tokensPerSecond, sigma: 0.2 };
}

/**
 * A scenario whose models stream with the latency shapes published for real providers
 * (../shared/LATENCY.md): `gpt-4o`, `gpt-4o-mini`, `claude-sonnet-4-5`, `claude-haiku-4-5`,
 * `claude-opus-4-1`, `deepseek-chat`, `deepseek-reasoner`, `llama-3.3-70b-versatile` (Groq speed),
 * `llama3.2` (a local Ollama), and `'*'` (like gpt-4o-mini) for any other name. Any model name works
 * with any protocol. What `npm start` and `chorus emulate` run when nothing else is given.
 *
 * @example
 * const emulator = await startEmulator(realisticScenario({ seed: 7, timeScale: 0.2 }));
 */
export function realisticScenario(options: RealisticScenarioOptions = {}): Scenario {
  const script = ([median, speed]: readonly [number, number]): ModelScript => ({
    ...(options.text !== undefined ? { text: options.text } : {}),
    ttft: ttft(median),
    interToken: interToken(speed),
  });
  const models: Record<string, ModelScript> = {};
  for (const [name, profile] of Object.entries(PROFILES)) models[name] = script(profile);
  models['*'] = script(PROFILES['gpt-4o-mini'] ?? [150, 110]);
  return { seed: options.seed ?? 1, timeScale: options.timeScale ?? 1, models };
}
