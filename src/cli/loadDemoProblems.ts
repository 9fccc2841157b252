import { readFileSync } from 'node:fs';

/** One recorded answer of a demo problem. */
export interface DemoAnswer {
  /** The model that wrote it, e.g. `gpt-4o-mini`. */
  readonly model: string;
  /** Where it comes from in the benchmark set: `model/prompt/style`. */
  readonly source: string;
  /** The answer exactly as the model wrote it. */
  readonly text: string;
  /** The recorded label: its final number equals the target. Never shown to the vote. */
  readonly correct: boolean;
}

/** A GSM8K problem with three models' recorded answers (see `data/demo/README.md`). */
export interface DemoProblem {
  /** `gsm8k/N`. */
  readonly id: string;
  readonly question: string;
  readonly target: number;
  readonly answers: readonly DemoAnswer[];
}

/** Where the sample lives: `data/demo/` at the package root, found from this module (src/ or dist/). */
export const DEMO_DATA_URL = new URL('../../data/demo/gsm8k-demo.jsonl', import.meta.url);

let cached: readonly DemoProblem[] | undefined;

/**
 * The demo's recorded problems, read once from `data/demo/gsm8k-demo.jsonl`.
 *
 * @example
 * const problems = loadDemoProblems(); // 150 problems, 3 answers each
 */
export function loadDemoProblems(): readonly DemoProblem[] {
  cached ??= readFileSync(DEMO_DATA_URL, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as DemoProblem);
  return cached;
}
