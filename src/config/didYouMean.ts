/**
 * Suggests the candidate closest to a misspelt word, so that a typo in a config key or value is an
 * error that says what was meant. Tried in order: the same word ignoring case, `_` and `-`
 * (`timeoutSeconds` → `timeout_seconds`); a Levenshtein distance of at most a third of the word
 * (at least 1); a candidate the word is a prefix of (at least 4 characters: `timeout` →
 * `timeout_seconds`).
 *
 * @example
 * ```ts
 * didYouMean('temprature', ['temperature', 'top_p']); // 'temperature'
 * didYouMean('zzz', ['temperature']); // undefined
 * ```
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const squash = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const squashed = squash(word);
  const same = list.find((c) => squash(c) === squashed);
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const candidate of list) {
    const d = levenshtein(word.toLowerCase(), candidate.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best !== undefined) return best;
  if (word.length >= 4) return list.find((c) => c.toLowerCase().startsWith(word.toLowerCase()));
  return undefined;
}

/** Edit distance, giving up (returning `limit`) once every path costs at least `limit`. */
function levenshtein(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length]!, limit);
}
