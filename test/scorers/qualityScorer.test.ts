import { describe, expect, it } from 'vitest';
import { createQualityScorer } from '../../src/scorers/qualityScorer.js';
import { createDefaultScorers, DEFAULT_WEIGHTS, defaultScorers } from '../../src/scorers/registry.js';
import type { Scorer } from '../../src/scorers/scorer.js';
import { run } from './heuristicScorerHelpers.js';

/** A scorer of the text length so far, capped at 1 (for combination tests). */
function lengthScorer(name = 'length', cap = 10): Scorer<{ n: number }> {
  return {
    name,
    version: '1',
    init: () => ({ n: 0 }),
    feed: (s, d) => ({ n: s.n + d.length }),
    score: (s) => ({
      value: Math.min(1, s.n / cap),
      findings: [{ code: 'len', severity: 'info', message: String(s.n) }],
    }),
  };
}

function throwingScorer(): Scorer<null> {
  return {
    name: 'broken',
    version: '1',
    init: () => null,
    feed: () => {
      throw new Error('boom');
    },
    score: () => 1,
  };
}

describe('defaultScorers', () => {
  it('gives each task kind its scorers and documented weights', () => {
    const names = (task: Parameters<typeof defaultScorers>[0]) =>
      defaultScorers(task).map((w) => [w.scorer.name, w.weight]);
    expect(names('code')).toEqual([
      ['consistency', DEFAULT_WEIGHTS.code['consistency']],
      ['bestPractices', DEFAULT_WEIGHTS.code['bestPractices']],
      ['completeness', DEFAULT_WEIGHTS.code['completeness']],
      ['performance', DEFAULT_WEIGHTS.code['performance']],
    ]);
    expect(names('math').map(([n]) => n)).toEqual(['consistency', 'completeness']);
    expect(names('text').map(([n]) => n)).toEqual(['completeness', 'consistency', 'bestPractices']);
  });

  it('takes a syntax scorer for code tasks', () => {
    const syntax = lengthScorer('syntax');
    const list = defaultScorers('code', { syntax });
    expect(list[0]).toEqual({ scorer: syntax, weight: DEFAULT_WEIGHTS.code['syntax'] });
  });

  it('rejects an unknown task or a non-scorer', () => {
    expect(() => defaultScorers('poetry' as 'text')).toThrow(/`task` must be one of/);
    expect(() => defaultScorers('code', { syntax: {} as Scorer })).toThrow(/`syntax`/);
  });

  it('leaves math prose-only: code is not checked for names', () => {
    const consistency = defaultScorers('math')[0]!.scorer;
    expect(run(consistency, {}, '```python\nprint(nothing_defined)\n```\n').value).toBe(1);
  });

  it('createDefaultScorers adds the syntax scorer for code', async () => {
    const list = await createDefaultScorers('code');
    expect(list.map((w) => w.scorer.name)).toEqual([
      'syntax',
      'consistency',
      'bestPractices',
      'completeness',
      'performance',
    ]);
    expect((await createDefaultScorers('math')).map((w) => w.scorer.name)).toEqual([
      'consistency',
      'completeness',
    ]);
  });
});

describe('createQualityScorer', () => {
  it('combines the scorers as a weighted mean and prefixes finding codes', () => {
    const quality = createQualityScorer({
      defaults: false,
      scorers: [lengthScorer('a', 10), { scorer: lengthScorer('b', 20), weight: 3 }],
    });
    const r = run(quality, {}, '0123456789');
    expect(r.value).toBeCloseTo((1 * 1 + 3 * 0.5) / 4);
    expect(r.findings?.map((f) => f.code)).toEqual(['a:len', 'b:len']);
    expect(quality.scorers.map((w) => [w.scorer.name, w.weight])).toEqual([
      ['a', 1],
      ['b', 3],
    ]);
  });

  it('adds, replaces, re-weights and excludes scorers by name', () => {
    const mine = lengthScorer('completeness');
    const quality = createQualityScorer({
      task: 'text',
      scorers: [mine, lengthScorer('extra')],
      weights: { extra: 0.5, consistency: 0 },
      exclude: ['bestPractices'],
    });
    expect(quality.scorers.map((w) => [w.scorer.name, w.weight])).toEqual([
      ['consistency', 0],
      ['completeness', 1],
      ['extra', 0.5],
    ]);
    expect(quality.scorers[1]?.scorer).toBe(mine);
  });

  it('rejects duplicate names, unknown names and bad weights', () => {
    expect(() =>
      createQualityScorer({ defaults: false, scorers: [lengthScorer('x'), lengthScorer('x')] }),
    ).toThrow(/two scorers named 'x'/);
    expect(() => createQualityScorer({ task: 'math', weights: { nope: 1 } })).toThrow(
      /`weights` names 'nope'/,
    );
    expect(() => createQualityScorer({ task: 'math', exclude: ['nope'] })).toThrow(/`exclude` names 'nope'/);
    expect(() => createQualityScorer({ task: 'math', weights: { consistency: -1 } })).toThrow(
      /`weights.consistency`/,
    );
    expect(() =>
      createQualityScorer({ scorers: [{ scorer: lengthScorer(), weight: Number.POSITIVE_INFINITY }] }),
    ).toThrow(/`scorers\[0\].weight`/);
    expect(() => createQualityScorer({ scorers: [42 as unknown as Scorer] })).toThrow(/`scorers\[0\]`/);
  });

  it('leaves a throwing scorer out and says so', () => {
    const quality = createQualityScorer({
      defaults: false,
      scorers: [lengthScorer('a', 4), throwingScorer()],
    });
    const r = run(quality, {}, 'abcd');
    expect(r.value).toBe(1);
    expect(r.findings?.map((f) => f.code)).toEqual(['a:len', 'quality:scorer_error']);
    const onlyBroken = createQualityScorer({ defaults: false, scorers: [throwingScorer()] });
    expect(run(onlyBroken, {}, 'x').value).toBe(0);
  });

  it('scores 1 with no scorers', () => {
    expect(run(createQualityScorer({ defaults: false }), {}, 'anything').value).toBe(1);
  });

  it('tells good code from bad with the defaults', () => {
    const quality = createQualityScorer({ task: 'code' });
    const prompt = 'Write a Python function `mean(xs)` that returns the average of a list.';
    const good =
      '```python\ndef mean(xs):\n    return sum(xs) / len(xs) if xs else 0.0\n```\nIt returns the average.';
    const bad =
      '```python\ndef mean(xs, scale):\n    try:\n        return helper(xs)\n    except:\n        pass  # TODO\n';
    const goodScore = run(quality, { prompt, task: 'code' }, good).value;
    const badScore = run(quality, { prompt, task: 'code' }, bad).value;
    expect(goodScore).toBeGreaterThan(0.9);
    expect(badScore).toBeLessThan(goodScore - 0.3);
  });
});
