import { describe, expect, it } from 'vitest';
import { normalizedTextKey } from '../../src/operators/normalizedTextKey.js';

describe('normalizedTextKey', () => {
  it('trims, collapses whitespace and lowercases', () => {
    expect(normalizedTextKey({ text: '  The \t Answer\n\nIs 42 ' })).toBe('the answer is 42');
  });

  it('gives no key for an empty or blank answer', () => {
    expect(normalizedTextKey({ text: '' })).toBeUndefined();
    expect(normalizedTextKey({ text: ' \n\t ' })).toBeUndefined();
  });
});
