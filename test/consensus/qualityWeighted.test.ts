import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../src/consensus/candidate.js';
import { qualityWeighted } from '../../src/consensus/qualityWeighted.js';
import { createReliabilityModel } from '../../src/consensus/reliabilityModel.js';

describe('qualityWeighted', () => {
  it('without reliability or scores, is a plain majority', () => {
    const s = qualityWeighted(
      [
        { id: 'a', text: '\\boxed{1}' },
        { id: 'b', text: '\\boxed{1}' },
        { id: 'c', text: '\\boxed{2}' },
      ],
      { kind: 'math' },
    );
    expect(s).toMatchObject({ method: 'quality_weighted', winner: 'a' });
    expect(s.confidence).toBeCloseTo(2 / 3);
  });

  it('lets scores outweigh numbers', () => {
    const s = qualityWeighted(
      [
        { id: 'a', text: '\\boxed{1}', score: 0.2 },
        { id: 'b', text: '\\boxed{1}', score: 0.2 },
        { id: 'c', text: '\\boxed{2}', score: 0.9 },
      ],
      { kind: 'math' },
    );
    expect(s.winner).toBe('c');
    const cands: Candidate[] = [
      { id: 'a', text: '\\boxed{1}', score: 0.2 },
      { id: 'b', text: '\\boxed{1}', score: 0.2 },
      { id: 'c', text: '\\boxed{2}', score: 0.9 },
    ];
    expect(qualityWeighted(cands, { kind: 'math', useScores: false }).winner).toBe('a');
  });

  it('weighs sources by learned reliability, and its confidence is a posterior', () => {
    const reliability = createReliabilityModel();
    for (let i = 0; i < 30; i++) {
      reliability.observe([
        { source: 'strong', key: `${i}` },
        { source: 'strong2', key: `${i}` },
        { source: 'weak1', key: `w${i}` },
        { source: 'weak2', key: `v${i}` },
      ]);
    }
    const cands: Candidate[] = [
      { id: '1', text: '\\boxed{7}', source: 'strong' },
      { id: '2', text: '\\boxed{8}', source: 'weak1' },
      { id: '3', text: '\\boxed{8}', source: 'weak2' },
    ];
    const s = qualityWeighted(cands, { kind: 'math', reliability });
    expect(s.winner).toBe('1');
    expect(s.confidence).toBeGreaterThan(0.5);
    expect(s.confidence).toBeLessThan(1);
  });

  it('learns online when asked', () => {
    const reliability = createReliabilityModel();
    const cands: Candidate[] = [
      { id: '1', text: '\\boxed{7}', source: 'x' },
      { id: '2', text: '\\boxed{7}', source: 'y' },
      { id: '3', text: '\\boxed{9}', source: 'z' },
    ];
    qualityWeighted(cands, { kind: 'math', reliability, learn: true });
    expect(reliability.reliability('x')).toBeGreaterThan(reliability.reliability('z'));
    expect(() => qualityWeighted(cands, { kind: 'math', learn: true })).toThrow(/`reliability`/);
  });

  it('weighs the free-text medoid the same way', () => {
    const s = qualityWeighted(
      [
        { id: 'a', text: 'The capital of France is Paris.', score: 0.1 },
        { id: 'b', text: 'The capital of France is Paris!', score: 0.1 },
        { id: 'c', text: 'The capital of France is Lyon.', score: 1 },
      ],
      {},
    );
    expect(s.method).toBe('quality_weighted');
    expect(s.winner).toBe('c');
  });

  it('validates options', () => {
    // @ts-expect-error wrong type on purpose
    expect(() => qualityWeighted([], { useScores: 'yes' })).toThrow(/`useScores`/);
    // @ts-expect-error wrong type on purpose
    expect(() => qualityWeighted([], { reliability: {} })).toThrow(/`reliability`/);
    expect(() =>
      qualityWeighted([{ id: 'a', text: '1' }], { kind: 'math', weight: () => Number.NaN }),
    ).toThrow(/`weight`/);
  });
});

describe('qualityWeighted with a fresh reliability model', () => {
  it('gives unanimous fresh sources a high confidence, not a coin flip', () => {
    const c = (id: string, text: string) => ({ id, text, source: `s-${id}`, finish: 'stop' as const });
    const sel = qualityWeighted([c('a', 'The answer is 5'), c('b', 'So it is 5.'), c('c', 'Answer: 5')], {
      kind: 'math',
      reliability: createReliabilityModel(),
    });
    expect(sel.text).toBe('The answer is 5');
    expect(sel.confidence).toBeGreaterThan(0.85);
  });
});
