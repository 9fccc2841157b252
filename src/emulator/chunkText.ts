import type { Chunking } from './scenario.js';

/** The default longest token-like piece, in code points. */
const DEFAULT_TOKEN_MAX = 16;

/**
 * Cuts a text into the pieces the emulator streams, one per event. For `tokens` and `chars` the
 * pieces concatenate back to the text exactly (whitespace included) and never split a code point;
 * `pieces` returns its own list and ignores the text.
 *
 * @example
 * chunkText('Hello big world', { kind: 'tokens' }); // ['Hello', ' big', ' world']
 * chunkText('héllo', { kind: 'chars', size: 2 });    // ['hé', 'll', 'o']
 */
export function chunkText(text: string, chunking: Chunking): string[] {
  switch (chunking.kind) {
    case 'pieces':
      return [...chunking.pieces];
    case 'chars':
      return cut(text, chunking.size);
    case 'tokens': {
      const max = chunking.max ?? DEFAULT_TOKEN_MAX;
      // A word with the whitespace before it, or the whitespace that ends the text.
      const words = text.match(/\s*\S+|\s+$/g) ?? [];
      return words.flatMap((word) => cut(word, max));
    }
    default:
      return assertNeverChunking(chunking);
  }
}

/** Cuts by code points, so a surrogate pair is never torn apart. */
function cut(text: string, size: number): string[] {
  const points = Array.from(text);
  if (points.length <= size) return text === '' ? [] : [text];
  const out: string[] = [];
  for (let i = 0; i < points.length; i += size) out.push(points.slice(i, i + size).join(''));
  return out;
}

function assertNeverChunking(value: never): never {
  throw new TypeError(`Unknown chunking: ${JSON.stringify(value)}`);
}
