import { createRandom } from '../emulator/random.js';
import type { DemoProblem } from './loadDemoProblems.js';

/**
 * Picks the demo's problem: by id or number (`gsm8k/17`, `17`) when given, else drawn with the seed.
 * Throws a `TypeError` naming `--problem` when no problem of the sample matches.
 *
 * @example
 * pickProblem(loadDemoProblems(), { seed: 7 }).id; // the same id for seed 7, every time
 */
export function pickProblem(
  problems: readonly DemoProblem[],
  choice: { readonly seed: number; readonly problem?: string | undefined },
): DemoProblem {
  if (problems.length === 0) throw new TypeError('the demo sample is empty');
  if (choice.problem !== undefined) {
    const wanted = /^\d+$/.test(choice.problem) ? `gsm8k/${choice.problem}` : choice.problem;
    const found = problems.find((p) => p.id === wanted);
    if (found === undefined) {
      const some = problems
        .slice(0, 5)
        .map((p) => p.id.replace('gsm8k/', ''))
        .join(', ');
      throw new TypeError(
        `\`--problem\` ${JSON.stringify(choice.problem)} is not in the demo sample; use one of its ${problems.length} ids (e.g. ${some}) or leave it out`,
      );
    }
    return found;
  }
  const random = createRandom(`demo-problem/${choice.seed}`);
  return problems[Math.floor(random.next() * problems.length)]!;
}
