import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLineIndex } from '../../../src/scorers/parsers/positions.js';

describe('createLineIndex', () => {
  it('maps offsets to 1-based lines and columns and back', () => {
    const index = createLineIndex('ab\n\ncd');
    expect(index.position(0)).toEqual({ line: 1, column: 1 });
    expect(index.position(2)).toEqual({ line: 1, column: 3 });
    expect(index.position(3)).toEqual({ line: 2, column: 1 });
    expect(index.position(5)).toEqual({ line: 3, column: 2 });
    expect(index.position(99)).toEqual({ line: 3, column: 3 });
    expect(index.offsetOf(3, 2)).toBe(5);
  });

  it('round-trips every offset', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\n', 'é') }), (text) => {
        const index = createLineIndex(text);
        for (let offset = 0; offset <= text.length; offset++) {
          const { line, column } = index.position(offset);
          expect(index.offsetOf(line, column)).toBe(offset);
        }
      }),
      { numRuns: 200 },
    );
  });
});
