import { describe, expect, it } from 'vitest';
import { confidenceThreshold } from '../../src/consensus/confidenceThreshold.js';
import { majorityVote } from '../../src/consensus/majorityVote.js';

const split = majorityVote(
  [
    { id: 'a', text: '\\boxed{1}' },
    { id: 'b', text: '\\boxed{1}' },
    { id: 'c', text: '\\boxed{2}' },
    { id: 'd', text: '\\boxed{3}' },
  ],
  { kind: 'math' },
);

describe('confidenceThreshold', () => {
  it('passes a decision through when agreement is high enough', () => {
    const s = confidenceThreshold(split, { minAgreement: 0.5 });
    expect(s).toMatchObject({
      method: 'confidence',
      noConsensus: false,
      winner: split.winner,
      text: split.text,
    });
    expect(s.reason).toMatch(/agreement 0\.50 ≥ 0\.5/);
  });

  it('flags the best guess below the threshold, or asks for more variants', () => {
    const flagged = confidenceThreshold(split, { minAgreement: 0.75 });
    expect(flagged).toMatchObject({ noConsensus: true, winner: split.winner, text: split.text });
    expect(flagged.moreVariants).toBeUndefined();
    expect(flagged.reason).toMatch(
      /^no consensus: agreement 0\.50 < 0\.75; best guess: 2 of 4 answers say 1/,
    );
    expect(confidenceThreshold(split, { minAgreement: 0.75, onLow: 'ask' }).moreVariants).toBe(true);
  });

  it('applies a minimum number of agreeing candidates', () => {
    expect(confidenceThreshold(split, { minAgreement: 0, minVotes: 2 }).noConsensus).toBe(false);
    expect(confidenceThreshold(split, { minAgreement: 0, minVotes: 3 }).reason).toMatch(
      /2 agreeing < 3 required/,
    );
  });

  it('keeps a base "no consensus"', () => {
    const none = majorityVote([{ id: 'a', text: 'no number' }], { kind: 'math' });
    expect(confidenceThreshold(none, { minAgreement: 0 }).noConsensus).toBe(true);
  });

  it('validates options', () => {
    expect(() => confidenceThreshold(split, { minAgreement: 2 })).toThrow(/`minAgreement`/);
    expect(() => confidenceThreshold(split, { minVotes: 0 })).toThrow(/`minVotes`/);
    // @ts-expect-error wrong value on purpose
    expect(() => confidenceThreshold(split, { onLow: 'retry' })).toThrow(/`onLow`/);
  });
});
