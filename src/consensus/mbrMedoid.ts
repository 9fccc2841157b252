/**
 * Free-text consensus: the minimum-Bayes-risk choice, the candidate that agrees most with all the
 * others (the medoid under a similarity).
 */
import { extractAnswer } from '../scorers/answer.js';
import type { Candidate } from './candidate.js';
import { profileSimilarity, textProfile } from './lexicalSimilarity.js';
import type { Selection } from './selection.js';
import {
  type Ballot,
  compareBallots,
  describeTallies,
  emptySelection,
  formatWeight,
  sortCandidates,
  type Tally,
} from './voteInternals.js';

/** Options of {@link mbrMedoid}. */
export interface MbrMedoidOptions {
  /**
   * Each candidate's weight as evidence (e.g. reliability × score). Negative weights count as 0.
   * @defaultValue 1 for every candidate
   */
  readonly weight?: (candidate: Candidate) => number;
  /** Similarity in [0, 1] of two texts. @defaultValue `lexicalSimilarity` (trigram cosine) */
  readonly similarity?: (a: string, b: string) => number;
  /** The `method` written into the selection. @defaultValue 'majority' */
  readonly method?: string;
}

/**
 * Picks the candidate with the highest expected similarity to the candidates, each weighted:
 * `U(i) = Σ_j w_j · sim(i, j)` (j = i included, with sim 1, so that with unequal weights a
 * strong candidate counts its own evidence). With equal weights this is the medoid: the answer
 * the others, taken together, most resemble, the free-text analogue of a majority vote. Ties go to
 * the better candidate by score, finish, then id. Parameter-free.
 *
 * `confidence` is the winner's weighted mean similarity to the other candidates (1 for a single
 * candidate). Groups are candidates with the same normalized text, ranked by their best member's
 * utility. Cost: O(n²) similarity computations over precomputed trigram profiles.
 *
 * @example
 * mbrMedoid([{ id: 'a', text: 'Paris is the capital.' }, { id: 'b', text: 'The capital is Paris.' },
 *            { id: 'c', text: 'Lyon.' }]).winner; // → 'a' or 'b', never 'c'
 */
export function mbrMedoid(candidates: readonly Candidate[], options: MbrMedoidOptions = {}): Selection {
  const where = 'mbrMedoid';
  if (options.weight !== undefined && typeof options.weight !== 'function') {
    throw new TypeError(`${where}: \`weight\` must be a function (candidate) => number`);
  }
  if (options.similarity !== undefined && typeof options.similarity !== 'function') {
    throw new TypeError(`${where}: \`similarity\` must be a function (a, b) => number in [0, 1]`);
  }
  const method = options.method ?? 'majority';
  const sorted = sortCandidates(candidates, where);
  if (sorted.length === 0) return emptySelection(method, 'no candidates');

  const weights = sorted.map((c) => {
    const w = options.weight === undefined ? 1 : options.weight(c);
    return Number.isFinite(w) && w > 0 ? w : 0;
  });
  const sim = pairwise(sorted, options.similarity);
  const n = sorted.length;
  const utility = sorted.map((_, i) => {
    let u = 0;
    for (let j = 0; j < n; j++) u += weights[j]! * (i === j ? 1 : sim(i, j));
    return u;
  });

  const ballots: Ballot[] = sorted.map((c, i) => ({
    candidate: c,
    key: extractAnswer(c.text, 'text'),
    weight: weights[i]!,
  }));
  const order = sorted
    .map((_, i) => i)
    .sort((a, b) => utility[b]! - utility[a]! || compareBallots(ballots[a]!, ballots[b]!));
  const w = order[0]!;

  let others = 0;
  let agree = 0;
  for (let j = 0; j < n; j++) {
    if (j === w) continue;
    others += weights[j]!;
    agree += weights[j]! * sim(w, j);
  }
  const confidence = n === 1 ? 1 : others > 0 ? agree / others : 0;

  // Groups of identical normalized texts, ordered by their best member's utility.
  const rank = new Map<number, number>();
  for (const [r, i] of order.entries()) rank.set(i, r);
  const byKey = new Map<string, number[]>();
  sorted.forEach((_, i) => {
    const key = ballots[i]!.key;
    if (key === undefined) return;
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [i]);
    else list.push(i);
  });
  const tallies: Tally[] = [...byKey.entries()]
    .map(([key, members]) => {
      const best = members.reduce((a, b) => (rank.get(a)! <= rank.get(b)! ? a : b));
      let weight = 0;
      for (const m of members) weight += weights[m]!;
      return {
        key,
        ballots: members.map((m) => ballots[m]!),
        weight,
        best: ballots[best]!,
        rank: rank.get(best)!,
      };
    })
    .sort((a, b) => a.rank - b.rank);
  const { candidates: verdicts, groups } = describeTallies(ballots, tallies);
  const winner = sorted[w]!;
  return {
    text: winner.text,
    winner: winner.id,
    method,
    confidence,
    reason:
      n === 1
        ? 'only one candidate'
        : `medoid of ${n} texts: mean similarity ${formatWeight(confidence)} to the others`,
    candidates: verdicts,
    groups,
  };
}

/** Pairwise similarity with a cache; the default uses trigram profiles built once per text. */
function pairwise(
  sorted: readonly Candidate[],
  custom: ((a: string, b: string) => number) | undefined,
): (i: number, j: number) => number {
  const n = sorted.length;
  const cache = new Float64Array(n * n).fill(-1);
  const profiles = custom === undefined ? sorted.map((c) => textProfile(c.text)) : undefined;
  return (i, j) => {
    const [a, b] = i < j ? [i, j] : [j, i];
    const at = a * n + b;
    if (cache[at]! < 0) {
      const raw =
        profiles !== undefined
          ? profileSimilarity(profiles[a]!, profiles[b]!)
          : custom!(sorted[a]!.text, sorted[b]!.text);
      cache[at] = Number.isFinite(raw) ? Math.min(1, Math.max(0, raw)) : 0;
    }
    return cache[at]!;
  };
}
