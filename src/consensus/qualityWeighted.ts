/**
 * Quality-weighted vote: votes weighted by how good each response looks (scorer scores) and how
 * reliable its source has proven (a `ReliabilityModel`).
 */
import type { Candidate } from './candidate.js';
import { lexicalSimilarity } from './lexicalSimilarity.js';
import { mbrMedoid } from './mbrMedoid.js';
import type { ReliabilityModel } from './reliabilityModel.js';
import type { Selection } from './selection.js';
import {
  type Ballot,
  checkKeyOptions,
  decideByVotes,
  type KeyOptions,
  resolveKey,
  sortCandidates,
} from './voteInternals.js';

/** Options of {@link qualityWeighted}. */
export interface QualityWeightedOptions extends KeyOptions {
  /**
   * Learned source reliabilities. A vote then weighs its source's log-odds
   * `log(r (K − 1) / (1 − r))` (K = distinct answers + 1), as in the one-coin Dawid–Skene model,
   * and `confidence` is the posterior probability of the winning answer.
   * @defaultValue none: every source weighs 1, and `confidence` is the winner's weight share
   */
  readonly reliability?: ReliabilityModel;
  /**
   * Multiply each vote by the candidate's scorer `score` (in [0, 1]) when it has one: a response
   * the scorers find broken counts for less.
   * @defaultValue true
   */
  readonly useScores?: boolean;
  /** An extra factor per candidate (e.g. from your own check), multiplied in. @defaultValue 1 */
  readonly weight?: (candidate: Candidate) => number;
  /**
   * Fold this decision into `reliability` afterwards (online learning): each source gains the
   * posterior of its own answer as agreement (for `text`, its similarity to the chosen text).
   * @defaultValue false
   */
  readonly learn?: boolean;
}

/**
 * Weighted vote: each candidate's vote counts `reliability weight × score × weight(candidate)`,
 * and the answer with the largest total wins (ties: more votes, better representative, smaller
 * key). Without a reliability model and scores this is `majorityVote`. For `text`, the same
 * weights feed the weighted medoid (`mbrMedoid`; negative weights count as 0).
 *
 * @example
 * const reliability = createReliabilityModel();
 * reliability.fit(pastDecisions);             // or learn online: { learn: true }
 * qualityWeighted(candidates, { kind: 'math', prompt, reliability });
 */
export function qualityWeighted(
  candidates: readonly Candidate[],
  options: QualityWeightedOptions = {},
): Selection {
  const where = 'qualityWeighted';
  checkKeyOptions(options, where);
  const { reliability, useScores = true, learn = false } = options;
  if (
    reliability !== undefined &&
    (typeof reliability !== 'object' || typeof reliability.weight !== 'function')
  ) {
    throw new TypeError(`${where}: \`reliability\` must be a ReliabilityModel (createReliabilityModel())`);
  }
  if (typeof useScores !== 'boolean') throw new TypeError(`${where}: \`useScores\` must be a boolean`);
  if (typeof learn !== 'boolean') throw new TypeError(`${where}: \`learn\` must be a boolean`);
  if (learn && reliability === undefined) {
    throw new TypeError(`${where}: \`learn: true\` needs a \`reliability\` model to learn into`);
  }
  if (options.weight !== undefined && typeof options.weight !== 'function') {
    throw new TypeError(`${where}: \`weight\` must be a function (candidate) => number`);
  }
  const sorted = sortCandidates(candidates, where);
  const factor = (c: Candidate): number => {
    const q = useScores && c.score !== undefined ? c.score : 1;
    const extra = options.weight === undefined ? 1 : options.weight(c);
    if (!Number.isFinite(extra))
      throw new TypeError(`${where}: \`weight\` returned ${String(extra)} for \`${c.id}\``);
    return q * extra;
  };

  if ((options.kind ?? 'text') === 'text' && options.key === undefined) {
    const rel = (c: Candidate): number =>
      reliability === undefined ? 1 : reliability.reliability(c.source ?? '');
    // For texts there are no discrete answers to count classes over: weigh by reliability itself.
    const selection = mbrMedoid(sorted, { method: 'quality_weighted', weight: (c) => rel(c) * factor(c) });
    if (learn && selection.winner !== undefined) {
      for (const c of sorted) reliability!.record(c.source ?? '', lexicalSimilarity(c.text, selection.text));
    }
    return selection;
  }

  const key = resolveKey(options, sorted);
  const keys = sorted.map((c) => key(c));
  const classes = new Set(keys.filter((k) => k !== undefined)).size + 1;
  const ballots: Ballot[] = sorted.map((candidate, i) => ({
    candidate,
    key: keys[i],
    weight:
      (reliability === undefined ? 1 : reliability.weight(candidate.source ?? '', classes)) *
      factor(candidate),
  }));
  const selection = decideByVotes(
    ballots,
    'quality_weighted',
    reliability === undefined ? 'share' : 'posterior',
  );
  if (learn) reliability!.observe(sorted.map((c, i) => ({ source: c.source ?? '', key: keys[i] })));
  return selection;
}
