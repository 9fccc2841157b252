import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../src/consensus/candidate.js';
import { majorityVote } from '../../src/consensus/majorityVote.js';

const math = (pairs: [string, string][]): Candidate[] => pairs.map(([id, text]) => ({ id, text }));

describe('majorityVote', () => {
  it('picks the most common extracted answer and explains it', () => {
    const s = majorityVote(
      math([
        ['a', 'It is \\boxed{18}.'],
        ['b', 'The answer is 24.'],
        ['c', 'So $18 in total. #### 18'],
        ['d', 'I get 18.00 dollars'],
      ]),
      { kind: 'math' },
    );
    expect(s.method).toBe('majority');
    expect(['a', 'c', 'd']).toContain(s.winner);
    expect(s.confidence).toBeCloseTo(3 / 4);
    expect(s.reason).toBe('3 of 4 answers say 18; next: 24 with 1');
    expect(s.groups.map((g) => [g.key, g.members])).toEqual([
      ['18', ['a', 'c', 'd']],
      ['24', ['b']],
    ]);
    expect(s.candidates.find((c) => c.id === 'b')).toMatchObject({
      key: '24',
      group: 1,
      votes: 1,
      weight: 1,
    });
  });

  it('breaks ties by score, then id, never by input order', () => {
    const cands: Candidate[] = [
      { id: 'z', text: '\\boxed{1}', score: 0.2 },
      { id: 'y', text: '\\boxed{2}', score: 0.9 },
    ];
    expect(majorityVote(cands, { kind: 'math' }).winner).toBe('y');
    expect(majorityVote([...cands].reverse(), { kind: 'math' }).winner).toBe('y');
    const noScores: Candidate[] = [
      { id: 'b', text: '\\boxed{1}' },
      { id: 'a', text: '\\boxed{2}' },
    ];
    const s = majorityVote(noScores, { kind: 'math' });
    expect(s.winner).toBe('a');
    expect(s.reason).toMatch(/tied with 1, broken by score, then id/);
  });

  it('prefers a clean finish over a cut-off within a group', () => {
    const s = majorityVote(
      [
        { id: 'a', text: '\\boxed{5}', finish: 'length' },
        { id: 'b', text: '\\boxed{5}', finish: 'stop' },
      ],
      { kind: 'math' },
    );
    expect(s.winner).toBe('b');
  });

  it('reports no consensus when nobody gave an answer, still naming the best candidate', () => {
    const s = majorityVote(
      math([
        ['a', 'no idea'],
        ['b', 'none either'],
      ]),
      { kind: 'math' },
    );
    expect(s.noConsensus).toBe(true);
    expect(s.winner).toBe('a');
    expect(s.confidence).toBe(0);
    expect(s.groups).toEqual([]);
  });

  it('handles empty input', () => {
    const s = majorityVote([], { kind: 'math' });
    expect(s).toMatchObject({ text: '', winner: undefined, noConsensus: true, confidence: 0 });
  });

  it('votes code by normal form, or by behaviour when every candidate was executed', () => {
    const code: Candidate[] = [
      { id: 'a', text: 'def f(x):\n    return x + 1  # inc\n' },
      { id: 'b', text: 'def f(x):\n  return x+1\n' },
      { id: 'c', text: 'def f(x):\n    return 1 + x\n' },
    ];
    expect(majorityVote(code, { kind: 'code' }).groups[0]!.members).toEqual(['a', 'b']);
    const executed = code.map((c) => ({ ...c, execution: { passed: [true, true] } }));
    const s = majorityVote(executed, { kind: 'code' });
    expect(s.groups[0]!.members).toEqual(['a', 'b', 'c']);
    expect(s.groups[0]!.key).toBe('exec:11');
    expect(majorityVote(executed, { kind: 'code', execution: false }).groups[0]!.members).toEqual(['a', 'b']);
  });

  it('uses the medoid for free text and a custom key when given', () => {
    const texts: Candidate[] = [
      { id: 'a', text: 'Paris is the capital of France.' },
      { id: 'b', text: 'The capital of France is Paris.' },
      { id: 'c', text: 'Lyon, I believe.' },
    ];
    expect(['a', 'b']).toContain(majorityVote(texts).winner);
    const s = majorityVote(texts, { key: (c) => (c.text.includes('Paris') ? 'paris' : undefined) });
    expect(s.groups[0]).toMatchObject({ key: 'paris', members: ['a', 'b'] });
  });

  it('rejects bad input with a message naming it', () => {
    // @ts-expect-error wrong kind on purpose
    expect(() => majorityVote([], { kind: 'numbers' })).toThrow(/`kind`/);
    expect(() =>
      majorityVote([
        { id: 'a', text: '1' },
        { id: 'a', text: '2' },
      ]),
    ).toThrow(/unique/);
    expect(() => majorityVote([{ id: 'a', text: '1', score: 2 }])).toThrow(/`score`/);
  });
});
