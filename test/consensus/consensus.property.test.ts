import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../src/consensus/candidate.js';
import { confidenceThreshold } from '../../src/consensus/confidenceThreshold.js';
import { executionAgreement } from '../../src/consensus/executionAgreement.js';
import { hybridMerge } from '../../src/consensus/hybridMerge.js';
import { majorityVote } from '../../src/consensus/majorityVote.js';
import { mbrMedoid } from '../../src/consensus/mbrMedoid.js';
import { qualityWeighted } from '../../src/consensus/qualityWeighted.js';
import { createReliabilityModel, type Vote } from '../../src/consensus/reliabilityModel.js';
import { scoreComparator } from '../../src/consensus/scoreComparator.js';
import type { Selection } from '../../src/consensus/selection.js';
import { tournament } from '../../src/consensus/tournament.js';

const TEXTS = [
  'So the answer is \\boxed{18}.',
  'She makes $18 every day.',
  'The answer is 24.',
  '#### 18',
  'I think it is 7, or maybe 9.',
  'no idea',
  'def f(x):\n    return x + 1\n',
  'def f(x):\n  return x+1  # inc\n',
  '## Plan\nCount words.\n\n## Code\nUse a map.',
  '## Plan\nCount the words.\n\n## Code\nUse a hash map.',
];
const SOURCES = ['s1', 's2', 's3'];

/** Candidate sets with unique ids, texts from a small pool (so answers repeat), optional scores. */
const candidatesArb = fc
  .uniqueArray(
    fc.record({
      id: fc.stringMatching(/^[a-z]{1,3}$/),
      text: fc.constantFrom(...TEXTS),
      source: fc.constantFrom(...SOURCES),
      score: fc.option(fc.constantFrom(0, 0.25, 0.5, 1), { nil: undefined }),
      bits: fc.constantFrom('000', '110', '111', '011'),
    }),
    { selector: (c) => c.id, minLength: 1, maxLength: 8 },
  )
  .map((cs) =>
    cs.map(
      ({ id, text, source, score, bits }): Candidate => ({
        id,
        text,
        source,
        ...(score !== undefined && { score }),
        execution: { passed: [...bits].map((b) => b === '1') },
      }),
    ),
  );

const essence = (s: Selection) => ({
  text: s.text,
  winner: s.winner,
  confidence: s.confidence,
  noConsensus: s.noConsensus,
  groups: s.groups,
});

const trained = createReliabilityModel();
trained.fit([
  [
    { source: 's1', key: '18' },
    { source: 's2', key: '18' },
    { source: 's3', key: '24' },
  ],
  [
    { source: 's1', key: '5' },
    { source: 's2', key: '6' },
    { source: 's3', key: '7' },
  ],
]);

const strategies: [string, (cs: Candidate[]) => Selection | Promise<Selection>][] = [
  ['majority math', (cs) => majorityVote(cs, { kind: 'math' })],
  ['majority code', (cs) => majorityVote(cs, { kind: 'code', execution: false })],
  ['majority text (medoid)', (cs) => majorityVote(cs)],
  ['quality_weighted math', (cs) => qualityWeighted(cs, { kind: 'math', reliability: trained })],
  ['quality_weighted text', (cs) => qualityWeighted(cs, { reliability: trained })],
  ['execution agreement', (cs) => executionAgreement(cs, { testWeights: [1, 2, 3] })],
  ['mbr medoid', (cs) => mbrMedoid(cs)],
  ['hybrid merge', (cs) => hybridMerge(cs)],
  ['tournament by score', (cs) => tournament(cs, scoreComparator())],
];

describe('consensus properties', () => {
  it.each(strategies)(
    '%s: the result does not depend on the order of the candidates',
    async (_name, decide) => {
      await fc.assert(
        fc.asyncProperty(
          candidatesArb.chain((cs) =>
            fc.tuple(fc.constant(cs), fc.shuffledSubarray(cs, { minLength: cs.length })),
          ),
          async ([cs, shuffled]) => {
            expect(essence(await decide(shuffled))).toEqual(essence(await decide(cs)));
          },
        ),
        { numRuns: 60 },
      );
    },
  );

  it('unanimous candidates win, whatever the strategy', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TEXTS.filter((t) => t !== 'no idea')),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(...strategies),
        async (text, n, [, decide]) => {
          const cs: Candidate[] = Array.from({ length: n }, (_, i) => ({
            id: `c${i}`,
            text,
            source: SOURCES[i % 3]!,
            execution: { passed: [true, false, true] },
          }));
          const s = await decide(cs);
          expect(s.text).toBe(text);
          expect(s.winner).toBeDefined();
          if (s.groups.length > 0) expect(s.groups[0]!.members).toHaveLength(n);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('plain majority of unanimous answers has full confidence', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), (n) => {
        const cs = Array.from({ length: n }, (_, i) => ({ id: `c${i}`, text: `\\boxed{${42}}` }));
        expect(majorityVote(cs, { kind: 'math' }).confidence).toBe(1);
      }),
      { numRuns: 20 },
    );
  });

  it('raising the confidence threshold never turns "no consensus" into a decision', () => {
    fc.assert(
      fc.property(
        candidatesArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        (cs, a, b, votes, more) => {
          const base = majorityVote(cs, { kind: 'math' });
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const low = confidenceThreshold(base, { minAgreement: lo, minVotes: votes });
          const high = confidenceThreshold(base, { minAgreement: hi, minVotes: votes + more });
          if (low.noConsensus) expect(high.noConsensus).toBe(true);
          expect(high.text).toBe(base.text);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reliability stays in [0, 1] and moves toward the posterior of the source’s own answer', () => {
    const voteArb = fc.record({
      source: fc.constantFrom('a', 'b', 'c', 'd'),
      key: fc.option(fc.constantFrom('1', '2', '3'), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(voteArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        (decisions: Vote[][], batch) => {
          const m = createReliabilityModel();
          if (batch) m.fit(decisions.slice(0, -1));
          for (const d of decisions.slice(0, -1)) if (!batch) m.observe(d);
          const last = decisions[decisions.length - 1]!;
          const before = new Map(last.map((v) => [v.source, m.reliability(v.source)]));
          const post = m.observe(last);
          for (const s of m.sources) {
            const r = m.reliability(s);
            expect(r).toBeGreaterThan(0);
            expect(r).toBeLessThan(1);
          }
          // A source that voted once in the last decision moves toward its answer's posterior.
          const counts = new Map<string, number>();
          for (const v of last)
            if (v.key !== undefined) counts.set(v.source, (counts.get(v.source) ?? 0) + 1);
          for (const v of last) {
            if (v.key === undefined || counts.get(v.source) !== 1) continue;
            const p = post.get(v.key)!;
            const r0 = before.get(v.source)!;
            const r1 = m.reliability(v.source);
            if (p > r0) expect(r1).toBeGreaterThanOrEqual(r0 - 1e-12);
            if (p < r0) expect(r1).toBeLessThanOrEqual(r0 + 1e-12);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a source that agrees with the consensus gains reliability over one that does not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 30 }), (crowd, rounds) => {
        const m = createReliabilityModel();
        for (let i = 0; i < rounds; i++) {
          const votes: Vote[] = Array.from({ length: crowd }, (_, j) => ({
            source: `crowd${j}`,
            key: `r${i}`,
          }));
          votes.push({ source: 'agrees', key: `r${i}` }, { source: 'dissents', key: `x${i}` });
          m.observe(votes);
        }
        expect(m.reliability('agrees')).toBeGreaterThan(m.reliability('dissents'));
      }),
      { numRuns: 50 },
    );
  });
});
