import { describe, expect, it } from 'vitest';
import { lexicalSimilarity } from '../../src/consensus/lexicalSimilarity.js';
import { mbrMedoid } from '../../src/consensus/mbrMedoid.js';

describe('lexicalSimilarity', () => {
  it('is 1 for equal texts up to case and spacing, 0 for unrelated, symmetric, in [0, 1]', () => {
    expect(lexicalSimilarity('Hello  World', 'hello world')).toBeCloseTo(1);
    expect(lexicalSimilarity('abc', 'xyz')).toBe(0);
    const a = 'The capital of France is Paris.';
    const b = 'Paris is the capital of France.';
    expect(lexicalSimilarity(a, b)).toBeCloseTo(lexicalSimilarity(b, a));
    expect(lexicalSimilarity(a, b)).toBeGreaterThan(lexicalSimilarity(a, 'Berlin is in Germany.'));
    expect(lexicalSimilarity('', '')).toBe(1);
    expect(lexicalSimilarity('', 'x')).toBe(0);
  });
});

describe('mbrMedoid', () => {
  const texts = [
    { id: 'a', text: 'Use a hash map to count the words, then sort by count.' },
    { id: 'b', text: 'Count the words with a hash map and sort them by count.' },
    { id: 'c', text: 'Count words using a hash map; sort by their counts.' },
    { id: 'd', text: 'Quantum entanglement explains it.' },
  ];

  it('picks the text most similar to the others, never the outlier', () => {
    const s = mbrMedoid(texts);
    expect(['a', 'b', 'c']).toContain(s.winner);
    expect(s.method).toBe('majority');
    expect(s.confidence).toBeGreaterThan(0);
    expect(s.confidence).toBeLessThan(1);
    expect(s.reason).toMatch(/medoid of 4 texts/);
  });

  it('counts weights as evidence, and zero weight removes a text', () => {
    const heavy = mbrMedoid(texts, { weight: (c) => (c.id === 'd' ? 100 : 1) });
    expect(heavy.winner).toBe('d');
    const s = mbrMedoid(texts, { weight: (c) => (c.id === 'a' || c.id === 'b' ? 0 : 1) });
    expect(s.winner).toBe('c');
  });

  it('groups identical normalized texts, with the winner in group 0', () => {
    const s = mbrMedoid([
      { id: 'x', text: 'Yes.' },
      { id: 'y', text: 'yes' },
      { id: 'z', text: 'No.' },
    ]);
    expect(s.groups[0]).toMatchObject({ key: 'yes', members: ['x', 'y'] });
    expect(s.candidates.find((c) => c.id === s.winner)!.group).toBe(0);
  });

  it('accepts a custom similarity and handles one or zero candidates', () => {
    const s = mbrMedoid(texts, { similarity: (a, b) => (a.length === b.length ? 1 : 0) });
    expect(s.winner).toBeDefined();
    expect(mbrMedoid([{ id: 'only', text: 'x' }])).toMatchObject({ winner: 'only', confidence: 1 });
    expect(mbrMedoid([])).toMatchObject({ winner: undefined, noConsensus: true });
    // @ts-expect-error wrong type on purpose
    expect(() => mbrMedoid(texts, { similarity: 1 })).toThrow(/`similarity`/);
  });
});
