import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/streams/parseRetryAfter.js';

describe('parseRetryAfter', () => {
  it('reads seconds, fractional seconds, retry-after-ms and HTTP dates', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(parseRetryAfter(new Headers({ 'retry-after': '0.5' }))).toBe(500);
    expect(parseRetryAfter(new Headers({ 'retry-after': '2', 'retry-after-ms': '1234' }))).toBe(1234);
    const now = Date.parse('Wed, 21 Oct 2015 07:27:30 GMT');
    expect(parseRetryAfter({ 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' }, now)).toBe(30_000);
    expect(parseRetryAfter({ 'retry-after': 'Wed, 21 Oct 2015 07:27:00 GMT' }, now)).toBe(0);
  });

  it('is undefined when absent or unparseable', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter(new Headers())).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': 'soon' })).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '-1' })).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after-ms': 'x', 'retry-after': '1' })).toBe(1000);
  });

  it('never returns a negative or non-finite wait', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (ms, seconds) => {
        const value = parseRetryAfter({ 'retry-after-ms': ms, 'retry-after': seconds });
        if (value !== undefined) expect(Number.isFinite(value) && value >= 0).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
