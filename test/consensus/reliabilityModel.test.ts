import { describe, expect, it } from 'vitest';
import {
  createReliabilityModel,
  reliabilityModelFromJSON,
  type Vote,
} from '../../src/consensus/reliabilityModel.js';
import { ConfigError } from '../../src/errors.js';

const decision = (answers: Record<string, string | undefined>): Vote[] =>
  Object.entries(answers).map(([source, key]) => ({ source, key }));

describe('createReliabilityModel', () => {
  it('starts every source at the prior mean and weighs votes by log-odds', () => {
    const m = createReliabilityModel();
    // Beta(2, 1): an unseen source is right two times in three, so even a unanimous vote (K = 2)
    // counts: log(r (K − 1) / (1 − r)) = log 2.
    expect(m.reliability('anything')).toBeCloseTo(2 / 3);
    expect(m.weight('anything', 2)).toBeCloseTo(Math.log(2));
    expect(m.weight('anything', 5)).toBeCloseTo(Math.log(8));
    expect(createReliabilityModel({ prior: { agree: 3, disagree: 1 } }).reliability('x')).toBe(0.75);
    const laplace = createReliabilityModel({ prior: { agree: 1, disagree: 1 } });
    expect(laplace.reliability('anything')).toBe(0.5);
    expect(laplace.weight('anything', 2)).toBeCloseTo(0);
  });

  it('gives a posterior over answers that sums to at most 1 (the rest: an answer nobody gave)', () => {
    const m = createReliabilityModel();
    const post = m.posterior(decision({ a: '1', b: '1', c: '2', d: undefined }));
    expect(post.get('1')!).toBeGreaterThan(post.get('2')!);
    expect(post.get('1')! + post.get('2')!).toBeLessThan(1);
  });

  it('learns online: sources that agree with the consensus rise, the odd one out falls', () => {
    const m = createReliabilityModel();
    for (let i = 0; i < 20; i++) {
      m.observe(decision({ good1: `${i}`, good2: `${i}`, good3: `${i}`, bad: `x${i}` }));
    }
    expect(m.reliability('good1')).toBeGreaterThan(0.85);
    expect(m.reliability('bad')).toBeLessThan(0.15);
    expect(m.sources).toEqual(['bad', 'good1', 'good2', 'good3']);
  });

  it('fits one-coin Dawid–Skene by EM: a reliable minority beats weak sources that agree on wrong answers', () => {
    // Three strong sources are right; four weak ones copy each other's wrong answer on problems
    // 0–3 and scatter elsewhere, so majority is wrong on 0–3 but the fit learns to distrust them.
    const decisions: Vote[][] = [];
    for (let i = 0; i < 40; i++) {
      const truth = `t${i}`;
      const weak = i < 4 ? 'w' : `s${i % 3}`;
      decisions.push(
        decision({
          s1: truth,
          s2: truth,
          s3: i % 10 === 0 ? 'oops' : truth,
          w1: i < 4 ? weak : `${weak}a`,
          w2: i < 4 ? weak : `${weak}b`,
          w3: i < 4 ? weak : truth,
          w4: i < 4 ? weak : `${weak}c`,
        }),
      );
    }
    const m = createReliabilityModel();
    const report = m.fit(decisions);
    expect(report.converged).toBe(true);
    expect(m.reliability('s1')).toBeGreaterThan(0.9);
    expect(m.reliability('w1')).toBeLessThan(0.2);
    const post = m.posterior(decisions[0]!);
    expect(post.get('t0')!).toBeGreaterThan(post.get('w')!);
  });

  it('saves and loads as JSON', () => {
    const m = createReliabilityModel();
    m.observe(decision({ a: '1', b: '1', c: '2' }));
    m.record('d', 0.25);
    const copy = reliabilityModelFromJSON(JSON.parse(JSON.stringify(m)));
    for (const s of ['a', 'b', 'c', 'd', 'unseen']) expect(copy.reliability(s)).toBe(m.reliability(s));
    expect(copy.toJSON()).toEqual(m.toJSON());
  });

  it('rejects invalid saved state with a ConfigError naming the field', () => {
    expect(() => reliabilityModelFromJSON(null)).toThrow(ConfigError);
    expect(() => reliabilityModelFromJSON({ version: 2 })).toThrow(/reliability\.version/);
    expect(() =>
      reliabilityModelFromJSON({
        version: 1,
        prior: { agree: 1, disagree: 1 },
        sources: { a: { agree: 3, total: 2 } },
      }),
    ).toThrow(/reliability\.sources\.a/);
  });

  it('validates arguments', () => {
    expect(() => createReliabilityModel({ prior: { agree: 0 } })).toThrow(/`prior.agree`/);
    const m = createReliabilityModel();
    expect(() => m.record('a', 2)).toThrow(/`agreement`/);
    // @ts-expect-error wrong type on purpose
    expect(() => m.observe([{ source: 1, key: 'x' }])).toThrow(/`source`/);
    expect(() => m.fit([], { maxIterations: 0 })).toThrow(/`maxIterations`/);
  });
});
