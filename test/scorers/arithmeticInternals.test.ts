/**
 * The one arithmetic checker (`findArithmeticClaims`, one line at a time), used by the consistency
 * scorer and, over whole texts, by the public `arithmeticClaims`. The cases of both former
 * checkers live here: a claim either of them judged must be judged the same way.
 */
import { describe, expect, it } from 'vitest';
import { findArithmeticClaims, flattenMath } from '../../src/scorers/arithmeticInternals.js';

const wrong = (line: string): number => findArithmeticClaims(line).filter((c) => !c.holds).length;
const count = (line: string): number => findArithmeticClaims(line).length;

describe('findArithmeticClaims', () => {
  it.each([
    ['So 35 + 22 = 58 apples.', false],
    ['35 + 22 = 57', true],
    ['3 * 4 = 12', true],
    ['3 * 4 = 13', false],
    ['12 - 4 - 3 = 5', true],
    ['1,200 + 300.5 - 0.5 = 1,500', true],
    ['$5 + $3 + $5 + $3 = $15', false],
    ['(16/2) * $8 = 8 * $8 = $64', true],
    ['\\( 0.6 \\times 5 = 3 \\)', true],
    ['\\frac{16}{2} = 9', false],
    ['20% of $20 = 0.20 * 20 = $4', true],
    ['10/3 = 3.33', true],
    ['10/3 = 3', true],
    ['10/3 = 3.4', false],
    ['0.67 * 300 = 200', true],
    ['2(6 + 1.5) = 2(7.5) = 15', true],
    ['50 + 30% = 65', true],
    ['8 pairs × $8 per pair = $64', true],
    ['$5 × 8 = $<<5*8=40>>40', true],
    ['- 4 + 20 = 24', true],
    // from the former consensus checker
    ['So 3 * 60 = 180 downloads.', true],
    ['So 3 * 60 = 170 downloads.', false],
    ['Total = $80,000 + $50,000 = $130,000', true],
    ['\\[ 20 \\times 35 \\times 50 = 20 \\times 1750 = 35000 \\]', true],
    ['\\frac{200}{40} = 5', true],
    ['180 * 30% = 54', true],
    ['0.25 \\times 100 = 25\\%', true],
    ['100% + 150% = 250%', true],
    ['10 / 3 = 3.33 cups', true],
    ['9 \\times \\frac{4}{3} = 9 \\times 1.333 = 12', true],
    ['(63 + 42 + 21) / 3 = 48 years', false],
  ])('%s → holds: %s', (line, holds) => {
    const claims = findArithmeticClaims(line);
    expect(claims.length).toBeGreaterThan(0);
    expect(claims.every((c) => c.holds)).toBe(holds);
  });

  it('reads the claim, both values and whether it holds', () => {
    expect(findArithmeticClaims('So 35 + 22 = 58 apples.')).toEqual([
      { offset: 3, text: '35 + 22 = 58', left: 57, right: 58, holds: false },
    ]);
  });

  it.each([
    'x + 5 = 12',
    '2x + 3 = 7',
    '(1/2)x = 3',
    'Day 2 = 100 + 20',
    '3 miles = 3 * 5280',
    '1 hour + 30 minutes = 90 minutes',
    'Good days from days 1-8 = 8',
    'Cost of 2 x 8 = 24/6',
    'if a == b + 1',
    'The price is $1,000 = 1000 dollars',
    // from the former consensus checker
    'Let x + 30 = 70, so x = 40.',
    '2x + 15 - 5 = 110',
    'Days 17-24 = 8 bad days',
    'GSM8K notes <<3*4=13>> are skipped',
    'no math here',
  ])('makes no failing claim of %s', (line) => {
    expect(findArithmeticClaims(line).filter((c) => !c.holds)).toEqual([]);
  });

  it('makes no claim at all of variables, ranges, calculator notes and ambiguous divisions', () => {
    expect(count('Let x + 30 = 70, so x = 40.')).toBe(0);
    expect(count('2x + 15 - 5 = 110')).toBe(0);
    expect(count('Days 17-24 = 8 bad days')).toBe(0);
    expect(count('GSM8K notes <<3*4=13>> are skipped')).toBe(0);
    // (7.5 / 1) / 2 or 7.5 / (1/2)? It holds under the second reading: no claim.
    expect(count('so 7.5/1/2 = 15')).toBe(0);
    expect(wrong('so 7.5 / 1 / 2 = 3.75')).toBe(0);
  });

  it('checks what the former consensus checker skipped, and finds it holds', () => {
    // `of` after a percentage multiplies; a lone `+ p%` may be an increase.
    expect(findArithmeticClaims('Step 2: 150% of $80,000 = 1.5 * $80,000')).toMatchObject([
      { holds: true, left: 120_000 },
    ]);
    expect(findArithmeticClaims('Adam has 50 + 30% = 65 points')).toMatchObject([{ holds: true }]);
    expect(wrong('- 2 * 40 = 80')).toBe(0);
    expect(wrong('- 3 * 50 = 150')).toBe(0);
  });

  it('gives each claim its offset in the line, through flattened LaTeX and markup', () => {
    const at = (line: string): string[] =>
      findArithmeticClaims(line).map((c) => line.slice(c.offset, c.offset + 5));
    expect(at('First, 2 + 2 = 5.')).toEqual(['2 + 2']);
    expect(at('Then $ 5 + 3 = 8')).toEqual(['$ 5 +']);
    expect(at('**Total:** 12 * 3 = 36 and 36 / 4 = 9')).toEqual(['12 * ', '36 / ']);
    expect(at('so \\frac{200}{40} = 5')).toEqual(['\\frac']);
    expect(at('\\( 0.6 \\times 5 = 3 \\)')).toEqual(['0.6 \\']);
    expect(at('<<3*4=12>>3 * 4 = 12')).toEqual(['3 * 4']);
  });
});

describe('flattenMath', () => {
  // Pinned from the implementation before the offsets were added (it gave the same text for all
  // 178,142 answer lines of the GSM8K set).
  it('flattens LaTeX and markup for the scorers', () => {
    expect(flattenMath('\\frac{1}{2} \\times 4 = \\boxed{2}')).toBe('((1)/(2))  *  4 =  2 ');
    expect(flattenMath('- **Total:** 3 × 4 = 12<<3*4=12>>')).toBe('  Total:  3  *  4 = 12');
    expect(flattenMath('\\text{cost} \\div 2')).toBe(' cost   /  2');
  });
});
