/**
 * Execution agreement for code (CodeT's dual agreement): programs that behave alike on the same
 * tests form a consensus set; a set is as strong as its size times the tests it passes.
 */
import { extractAnswer } from '../scorers/answer.js';
import type { Candidate } from './candidate.js';
import type { Selection } from './selection.js';
import { type Ballot, behaviourKey, compareBallots, decideByVotes, sortCandidates } from './voteInternals.js';

/** Options of {@link executionAgreement}. */
export interface ExecutionAgreementOptions {
  /**
   * Weight of each test, in the order of `execution.passed` (e.g. how many times a generated test
   * was generated). @defaultValue 1 for every test
   */
  readonly testWeights?: readonly number[];
  /** For the tie-break inside a set: the code's language. @defaultValue detected */
  readonly language?: string;
  /** For the tie-break inside a set: the texts continue a function (see `codeNormalForm`). */
  readonly continuation?: boolean;
}

/**
 * Groups executed candidates by behaviour (identical pass/fail on every test, and identical
 * outputs when recorded) and scores each group `|members| × Σ weight of the tests it passes`
 * (CodeT, Chen et al. 2022): agreeing with many programs and passing many (model-generated, so
 * unreliable) tests support each other. Parameter-free. Inside the winning group, the program
 * written most often (same code normal form) is chosen, then the better-scored, then the smaller
 * id. Candidates without `execution` do not vote.
 *
 * `confidence` is the winning group's share of the total score.
 *
 * @example
 * const executed = await executeCandidates(candidates, precomputedExecutor(bits), task);
 * executionAgreement(executed, { testWeights: problem.generated_test_weights });
 */
export function executionAgreement(
  candidates: readonly Candidate[],
  options: ExecutionAgreementOptions = {},
): Selection {
  const where = 'executionAgreement';
  const { testWeights } = options;
  if (
    testWeights !== undefined &&
    (!Array.isArray(testWeights) || !testWeights.every((w) => Number.isFinite(w) && w >= 0))
  ) {
    throw new TypeError(`${where}: \`testWeights\` must be an array of non-negative numbers`);
  }
  const sorted = sortCandidates(candidates, where);
  const ballots: Ballot[] = sorted.map((candidate) => {
    const run = candidate.execution;
    if (run === undefined) return { candidate, key: undefined, weight: 0 };
    if (testWeights !== undefined && testWeights.length !== run.passed.length) {
      throw new TypeError(
        `${where}: \`testWeights\` has ${testWeights.length} entries but \`${candidate.id}\` ran ${run.passed.length} tests`,
      );
    }
    let passed = 0;
    run.passed.forEach((p, j) => {
      if (p) passed += testWeights?.[j] ?? 1;
    });
    return { candidate, key: behaviourKey(candidate), weight: passed };
  });
  const forms = new Map<string, string | undefined>();
  const form = (c: Candidate): string | undefined => {
    if (!forms.has(c.id)) {
      forms.set(
        c.id,
        extractAnswer(c.text, 'code', {
          ...(options.language !== undefined && { language: options.language }),
          ...(options.continuation !== undefined && { continuation: options.continuation }),
        }),
      );
    }
    return forms.get(c.id);
  };
  // Within a behaviour group: the most common normal form, then the usual ballot order.
  const pick = (members: readonly Ballot[]): Ballot => {
    const count = new Map<string | undefined, number>();
    for (const m of members) count.set(form(m.candidate), (count.get(form(m.candidate)) ?? 0) + 1);
    return [...members].sort(
      (a, b) => count.get(form(b.candidate))! - count.get(form(a.candidate))! || compareBallots(a, b),
    )[0]!;
  };
  const selection = decideByVotes(ballots, 'execution', 'share', pick);
  const top = selection.groups[0];
  if (top === undefined) return selection;
  const passes = ballots.find((b) => b.candidate.id === top.members[0])!.weight;
  return {
    ...selection,
    reason:
      `${top.members.length} of ${sorted.length} programs behave alike and pass tests of weight ${passes} (score ${top.weight})` +
      (selection.groups[1]?.weight === top.weight
        ? '; tied on score, broken by group size, then program'
        : ''),
  };
}
