/**
 * A cheap lexical similarity for free-text answers: cosine similarity of character-trigram counts.
 *
 * Why trigrams: they match words across inflections and small edits ("colour"/"color", "runs"/
 * "running") without a tokenizer or a model, are O(length) to build, and rank paraphrases with
 * shared wording above unrelated texts. They do not see meaning: two correct answers worded very
 * differently score low, which is why free-text voting picks a medoid rather than exact groups.
 */

/** A text's trigram counts and norm, built once per text and reused for every pair. */
export interface TextProfile {
  readonly grams: ReadonlyMap<string, number>;
  readonly norm: number;
}

/**
 * The profile of a text: NFKC-normalized, lower-cased, whitespace collapsed, padded with a space at
 * each end, then every run of three characters counted.
 */
export function textProfile(text: string): TextProfile {
  const s = ` ${text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim()} `;
  const grams = new Map<string, number>();
  const chars = Array.from(s); // whole code points, so emoji and CJK count as one character
  for (let i = 0; i + 3 <= chars.length; i++) {
    const g = chars[i]! + chars[i + 1]! + chars[i + 2]!;
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  let sum = 0;
  for (const n of grams.values()) sum += n * n;
  return { grams, norm: Math.sqrt(sum) };
}

/** Cosine similarity of two profiles, in [0, 1]. Two empty texts are identical (1). */
export function profileSimilarity(a: TextProfile, b: TextProfile): number {
  if (a.norm === 0 || b.norm === 0) return a.norm === b.norm ? 1 : 0;
  const [small, large] = a.grams.size <= b.grams.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [g, n] of small.grams) dot += n * (large.grams.get(g) ?? 0);
  return Math.min(1, dot / (a.norm * b.norm));
}

/**
 * Cosine similarity of the character-trigram counts of two texts, in [0, 1]: 1 for texts equal up
 * to case and spacing, near 0 for unrelated ones. Symmetric.
 *
 * @example
 * lexicalSimilarity('The capital is Paris.', 'the capital is  paris'); // → ~0.93 (punctuation differs)
 * lexicalSimilarity('Paris', 'Berlin');                               // → 0
 */
export function lexicalSimilarity(a: string, b: string): number {
  if (typeof a !== 'string' || typeof b !== 'string') {
    throw new TypeError('lexicalSimilarity: `a` and `b` must be strings');
  }
  return profileSimilarity(textProfile(a), textProfile(b));
}
