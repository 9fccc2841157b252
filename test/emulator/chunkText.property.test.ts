import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkText } from '../../src/emulator/index.js';

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ maxLength: 80 }),
  fc.lorem(),
);

describe('chunkText', () => {
  it('tokens: words with their leading space, long words cut', () => {
    expect(chunkText('Hello big world', { kind: 'tokens' })).toEqual(['Hello', ' big', ' world']);
    expect(chunkText('  a\n\nb  ', { kind: 'tokens' })).toEqual(['  a', '\n\nb', '  ']);
    expect(chunkText('abcdefgh', { kind: 'tokens', max: 3 })).toEqual(['abc', 'def', 'gh']);
    expect(chunkText('', { kind: 'tokens' })).toEqual([]);
  });

  it('chars cut by code points; pieces are taken as given', () => {
    expect(chunkText('h🌍llo', { kind: 'chars', size: 2 })).toEqual(['h🌍', 'll', 'o']);
    expect(chunkText('ignored', { kind: 'pieces', pieces: ['a', 'b'] })).toEqual(['a', 'b']);
  });

  it('property: the pieces concatenate back to the text, none empty, none tearing a surrogate pair', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 8 }), fc.boolean(), (input, size, byTokens) => {
        const pieces = chunkText(input, byTokens ? { kind: 'tokens', max: size } : { kind: 'chars', size });
        expect(pieces.join('')).toBe(input);
        for (const piece of pieces) {
          expect(piece.length).toBeGreaterThan(0);
          expect(Array.from(piece).length).toBeLessThanOrEqual(size);
          // The inputs are well formed, so a piece starting with a low surrogate (or ending with a
          // high one) would mean a pair was torn apart.
          expect(/^[\uDC00-\uDFFF]/.test(piece) || /[\uD800-\uDBFF]$/.test(piece)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
