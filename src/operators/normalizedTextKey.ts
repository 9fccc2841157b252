import type { Snapshot } from '../events.js';

/**
 * The default agreement key of `takeUntilQuorum`: the whole answer, trimmed, with runs of
 * whitespace collapsed to one space, lowercased. Two variants agree when their keys are equal.
 * An empty answer gives `undefined` (no vote): two empty answers are not an agreement.
 *
 * Good for short answers (a label, a number); for code or prose use an extracted answer (a key
 * function of your own) or a similarity rule.
 *
 * @example
 * ```ts
 * normalizedTextKey({ text: '  The  Answer\n' }); // 'the answer'
 * takeUntilQuorum({ quorum: 2, agree: normalizedTextKey });
 * ```
 */
export function normalizedTextKey(snapshot: Pick<Snapshot, 'text'>): string | undefined {
  const key = snapshot.text.trim().replace(/\s+/g, ' ').toLowerCase();
  return key === '' ? undefined : key;
}
