/**
 * Hybrid merge: assemble an answer section by section from the top candidates, keeping in each
 * section the version the others agree with most.
 */
import type { Candidate } from './candidate.js';
import { profileSimilarity, textProfile } from './lexicalSimilarity.js';
import { rankByCentrality, type Section, splitSections } from './mergeInternals.js';
import type { CandidateVerdict, Selection } from './selection.js';
import { emptySelection, sortCandidates } from './voteInternals.js';

/** Options of {@link hybridMerge}. */
export interface HybridMergeOptions {
  /** How many of the best-ranked candidates contribute sections. @defaultValue 3 */
  readonly top?: number;
}

/**
 * Merges Markdown answers at the level of sections (text under `#` headings, code blocks
 * included). Modest by design: it never rewrites inside a section.
 *
 * 1. Rank candidates by centrality (the weighted medoid utility of `mbrMedoid`, weights = scores)
 *    and keep the `top`. The first is the skeleton.
 * 2. For each skeleton section, take the version (the same heading, normalized: case, numbering
 *    and punctuation ignored) from the top candidates that is most similar to the other versions
 *    (the section medoid); ties keep the better-ranked candidate.
 * 3. A section the skeleton lacks is added when a strict majority of the top candidates have it,
 *    after the section that precedes it where it first appears.
 *
 * Without headings in the skeleton (or with one candidate) there is nothing to align: the skeleton
 * is returned unchanged. `confidence` is the mean, over output sections, of the chosen version's
 * similarity to the other versions (1 when no section had rivals).
 *
 * @example
 * hybridMerge(candidates, { top: 3 }).text; // the best candidate, with better sections swapped in
 */
export function hybridMerge(candidates: readonly Candidate[], options: HybridMergeOptions = {}): Selection {
  const { top = 3 } = options;
  if (!(Number.isInteger(top) && top >= 1)) {
    throw new TypeError(`hybridMerge: \`top\` must be a positive integer, got ${String(top)}`);
  }
  const sorted = sortCandidates(candidates, 'hybridMerge');
  if (sorted.length === 0) return emptySelection('hybrid_merge', 'no candidates');
  const ranked = rankByCentrality(sorted)
    .slice(0, top)
    .map((r) => r.candidate);
  const skeleton = ranked[0]!;
  const sectioned = ranked.map((c) => ({ candidate: c, sections: splitSections(c.text) }));
  const contributed = new Map<string, number>();
  const verdicts = (): CandidateVerdict[] =>
    sorted.map((c) => ({
      id: c.id,
      key: undefined,
      group: -1,
      votes: contributed.get(c.id) ?? 0,
      weight: contributed.get(c.id) ?? 0,
      score: c.score,
    }));

  const skeletonSections = sectioned[0]!.sections;
  if (ranked.length === 1 || !skeletonSections.some((s) => s.key !== '')) {
    contributed.set(skeleton.id, 1);
    return {
      text: skeleton.text,
      winner: skeleton.id,
      method: 'hybrid_merge',
      confidence: 1,
      reason:
        ranked.length === 1 ? 'only one candidate' : 'no sections to align: the most central candidate as is',
      candidates: verdicts(),
      groups: [],
    };
  }

  // Output plan: skeleton keys, plus majority keys it lacks, inserted after their predecessor.
  const plan = skeletonSections.map((s) => s.key);
  const seen = new Set(plan);
  for (const { sections } of sectioned.slice(1)) {
    sections.forEach((s, i) => {
      if (seen.has(s.key)) return;
      const having = sectioned.filter((x) => x.sections.some((y) => y.key === s.key)).length;
      if (having * 2 <= ranked.length) return;
      seen.add(s.key);
      let after = -1;
      for (let j = i - 1; j >= 0 && after === -1; j--) after = plan.indexOf(sections[j]!.key);
      plan.splice(after + 1, 0, s.key);
    });
  }

  const parts: string[] = [];
  const sources: string[] = [];
  let agreement = 0;
  for (const key of plan) {
    const versions: { candidate: Candidate; section: Section }[] = [];
    for (const { candidate, sections } of sectioned) {
      const section = sections.find((s) => s.key === key);
      if (section !== undefined) versions.push({ candidate, section });
    }
    const profiles = versions.map((v) => textProfile(v.section.text));
    let best = 0;
    let bestSum = -1;
    versions.forEach((_, i) => {
      let sum = 0;
      for (let j = 0; j < versions.length; j++)
        if (j !== i) sum += profileSimilarity(profiles[i]!, profiles[j]!);
      if (sum > bestSum) {
        best = i;
        bestSum = sum;
      }
    });
    const chosen = versions[best]!;
    parts.push(chosen.section.text);
    agreement += versions.length > 1 ? bestSum / (versions.length - 1) : 1;
    contributed.set(chosen.candidate.id, (contributed.get(chosen.candidate.id) ?? 0) + 1);
    sources.push(`${key === '' ? '(intro)' : key} ← ${chosen.candidate.id}`);
  }
  // Nothing taken from elsewhere: the skeleton as written (no re-spacing of its sections).
  const unchanged =
    contributed.size === 1 && contributed.has(skeleton.id) && plan.length === skeletonSections.length;
  return {
    text: unchanged ? skeleton.text : `${parts.join('\n\n')}\n`,
    winner: skeleton.id,
    method: 'hybrid_merge',
    confidence: agreement / plan.length,
    reason: `merged ${plan.length} sections from ${contributed.size} of the top ${ranked.length}: ${sources.join(', ')}`,
    candidates: verdicts(),
    groups: [],
  };
}
