/**
 * `arithmeticClaims`: the public, whole-text face of the one arithmetic checker (its line-level
 * cases, including those written for this function, are in test/scorers/arithmeticInternals.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { arithmeticClaims } from '../../src/consensus/arithmeticClaims.js';
import { createConsistencyScorer } from '../../src/scorers/consistencyScorer.js';

const wrong = (text: string): number => arithmeticClaims(text).wrong;
const count = (text: string): number => arithmeticClaims(text).claims.length;

describe('arithmeticClaims', () => {
  it('checks claims that hold and flags those that do not', () => {
    expect(wrong('So 3 * 60 = 180 downloads.')).toBe(0);
    expect(wrong('So 3 * 60 = 170 downloads.')).toBe(1);
    expect(wrong('35 + 22 = 58')).toBe(1);
    expect(arithmeticClaims('35 + 22 = 58').claims[0]).toMatchObject({
      left: 57,
      right: 58,
      holds: false,
      text: '35 + 22 = 58',
    });
  });

  it('reads chains, LaTeX, currency, separators, percents and rounding', () => {
    expect(wrong('Total = $80,000 + $50,000 = $130,000')).toBe(0);
    expect(wrong('\\[ 20 \\times 35 \\times 50 = 20 \\times 1750 = 35000 \\]')).toBe(0);
    expect(wrong('\\frac{200}{40} = 5')).toBe(0);
    expect(wrong('180 * 30% = 54')).toBe(0);
    expect(wrong('0.25 \\times 100 = 25\\%')).toBe(0);
    expect(wrong('100% + 150% = 250%')).toBe(0);
    expect(wrong('10 / 3 = 3.33 cups')).toBe(0);
    expect(wrong('9 \\times \\frac{4}{3} = 9 \\times 1.333 = 12')).toBe(0);
    expect(wrong('(63 + 42 + 21) / 3 = 48 years')).toBe(1);
  });

  it('does not treat prose, variables, ranges or list bullets as wrong claims', () => {
    expect(count('Let x + 30 = 70, so x = 40.')).toBe(0);
    expect(count('2x + 15 - 5 = 110')).toBe(0);
    expect(count('Days 17-24 = 8 bad days')).toBe(0);
    expect(wrong('Step 2: 150% of $80,000 = 1.5 * $80,000')).toBe(0);
    expect(wrong('- 2 * 40 = 80\n- 3 * 50 = 150')).toBe(0);
    expect(wrong('Adam has 50 + 30% = 65 points')).toBe(0);
    expect(count('so 7.5/1/2 = 15')).toBe(0);
    expect(count('GSM8K notes <<3*4=13>> are skipped')).toBe(0);
    expect(count('no math here')).toBe(0);
  });

  it('reports where a claim is, across lines', () => {
    const text = 'First, 2 + 2 = 5.';
    const [claim] = arithmeticClaims(text).claims;
    expect(text.slice(claim!.offset, claim!.offset + 9)).toBe('2 + 2 = 5');
    const lines = 'We start.\r\nThen 3 * 4 = 12,\nand 12 + 1 = 14.\n';
    const found = arithmeticClaims(lines).claims;
    expect(found.map((c) => lines.slice(c.offset, c.offset + c.text.length))).toEqual([
      '3 * 4 = 12',
      '12 + 1 = 14',
    ]);
    expect(found.map((c) => c.holds)).toEqual([true, false]);
  });

  it('agrees with the consistency scorer, which runs the same checker', () => {
    const text = 'Each pair costs $5 + $3 = $8.\nSo 35 + 22 = 58 apples, and 2 * 4 = 9.\nThe answer is 58.\n';
    const scorer = createConsistencyScorer();
    const state = scorer.feed(scorer.init({ prompt: 'How many?', variant: 'a', task: 'math' }), text);
    const report = scorer.score(state, true);
    const findings = (typeof report === 'number' ? undefined : report.findings) ?? [];
    const errors = findings.filter((f) => f.code === 'arithmetic_error');
    expect(errors).toHaveLength(arithmeticClaims(text).wrong);
    expect(arithmeticClaims(text).wrong).toBe(2);
  });
});
