/**
 * Ranking and sectioning shared by the merge strategies. Not public.
 */
import type { Candidate } from './candidate.js';
import { profileSimilarity, textProfile } from './lexicalSimilarity.js';
import { compareBallots } from './voteInternals.js';

/** A candidate with its centrality: the weighted medoid utility of `mbrMedoid`. */
export interface Ranked {
  readonly candidate: Candidate;
  readonly utility: number;
}

/**
 * Ranks candidates (already in id order) by `Σ_j w_j · sim(i, j)` with w = score (1 when absent),
 * best first; ties by score, finish, id. The same order `mbrMedoid` uses to pick its winner.
 */
export function rankByCentrality(sorted: readonly Candidate[]): Ranked[] {
  const profiles = sorted.map((c) => textProfile(c.text));
  const weights = sorted.map((c) => c.score ?? 1);
  const ranked = sorted.map((candidate, i) => {
    let utility = 0;
    for (let j = 0; j < sorted.length; j++) {
      utility += weights[j]! * (i === j ? 1 : profileSimilarity(profiles[i]!, profiles[j]!));
    }
    return { candidate, utility };
  });
  return ranked.sort(
    (a, b) =>
      b.utility - a.utility ||
      compareBallots(
        { candidate: a.candidate, key: undefined, weight: 0 },
        { candidate: b.candidate, key: undefined, weight: 0 },
      ),
  );
}

/** A piece of a Markdown answer: the text under one heading (or before the first). */
export interface Section {
  /** Normalized heading (`''` for the preamble). */
  readonly key: string;
  /** The section as written, heading line included, without trailing blank lines. */
  readonly text: string;
}

/**
 * Splits Markdown into sections at ATX headings (`#` … `######`), ignoring `#` lines inside fenced
 * code blocks. The preamble before the first heading is a section with key `''` (omitted if empty).
 */
export function splitSections(text: string): Section[] {
  const lines = text.split('\n');
  const sections: { key: string; lines: string[] }[] = [{ key: '', lines: [] }];
  let fence: string | undefined;
  for (const line of lines) {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (f !== null) {
      if (fence === undefined) fence = f[1]!;
      else if (f[1]![0] === fence[0] && f[1]!.length >= fence.length) fence = undefined;
    }
    const heading = fence === undefined ? /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line) : null;
    if (heading !== null) sections.push({ key: headingKey(heading[1]!), lines: [line] });
    else sections[sections.length - 1]!.lines.push(line);
  }
  return sections
    .map((s) => ({ key: s.key, text: s.lines.join('\n').replace(/\s+$/, '') }))
    .filter((s) => s.key !== '' || s.text.trim() !== '');
}

/** "2. Setting Up!" and "setting up" are the same heading. */
function headingKey(heading: string): string {
  return heading
    .normalize('NFKC')
    .toLowerCase()
    .replace(/^(?:step\s+)?[\divx]+[.):]\s*/, '')
    .replace(/[*_`:.!?]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
