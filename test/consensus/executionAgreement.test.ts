import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../src/consensus/candidate.js';
import { executeCandidates } from '../../src/consensus/executeCandidates.js';
import { executionAgreement } from '../../src/consensus/executionAgreement.js';
import { precomputedExecutor } from '../../src/consensus/precomputedExecutor.js';

const run = (id: string, bits: string, text = `    return ${id}\n`): Candidate => ({
  id,
  text,
  execution: { passed: [...bits].map((b) => b === '1') },
});

describe('executionAgreement (CodeT dual agreement)', () => {
  it('scores a behaviour group by members × tests passed, not by size alone', () => {
    // Three programs agree on failing everything; two agree on passing 3 of 4 tests: 2 × 3 > 3 × 0.
    const s = executionAgreement([
      run('a', '0000'),
      run('b', '0000'),
      run('c', '0000'),
      run('d', '1110'),
      run('e', '1110'),
    ]);
    expect(s.method).toBe('execution');
    expect(s.groups[0]).toMatchObject({ key: 'exec:1110', members: ['d', 'e'], weight: 6 });
    expect(['d', 'e']).toContain(s.winner);
    expect(s.confidence).toBe(1);
    expect(s.reason).toBe('2 of 5 programs behave alike and pass tests of weight 3 (score 6)');
  });

  it('weighs tests, and prefers the most common program inside the winning group', () => {
    const cands = [
      run('a', '10', 'def f():\n    return 1\n'),
      run('b', '10', 'def f():\n    return  1  # same\n'),
      run('c', '10', 'def f():\n    return 2 - 1\n'),
      run('d', '01'),
    ];
    expect(executionAgreement(cands, { testWeights: [1, 5] }).winner).toBe('d');
    const s = executionAgreement(cands, { testWeights: [5, 1] });
    expect(s.groups[0]!.members).toEqual(['a', 'b', 'c']);
    expect(['a', 'b']).toContain(s.winner);
  });

  it('ignores candidates that were not executed, and checks test weights', () => {
    const s = executionAgreement([run('a', '1'), { id: 'b', text: 'x' }]);
    expect(s.candidates.find((c) => c.id === 'b')).toMatchObject({ key: undefined, group: -1 });
    expect(() => executionAgreement([run('a', '11')], { testWeights: [1] })).toThrow(/`testWeights`/);
    expect(() => executionAgreement([], { testWeights: [-1] })).toThrow(/`testWeights`/);
  });

  it('with no tests at all, falls back to the largest group (everyone agrees)', () => {
    const s = executionAgreement([run('a', ''), run('b', '')]);
    expect(s.winner).toBe('a');
  });
});

describe('precomputedExecutor and executeCandidates', () => {
  it('attaches results by id, in input order, with bounded concurrency', async () => {
    const executor = precomputedExecutor({ x: '101', y: [false, true, true] });
    const out = await executeCandidates(
      [
        { id: 'y', text: '' },
        { id: 'x', text: '' },
      ],
      executor,
      { tests: [{ code: 'a' }, { code: 'b' }, { code: 'c' }] },
      { concurrency: 1 },
    );
    expect(out.map((c) => [c.id, c.execution?.passed])).toEqual([
      ['y', [false, true, true]],
      ['x', [true, false, true]],
    ]);
  });

  it('rejects unknown ids and malformed results', async () => {
    await expect(precomputedExecutor({}).execute({ id: 'z', text: '' }, { tests: [] })).rejects.toThrow(
      /`z`/,
    );
    expect(() => precomputedExecutor({ a: '10x' })).toThrow(/`a`/);
    await expect(
      executeCandidates([], precomputedExecutor({}), { tests: [] }, { concurrency: 0 }),
    ).rejects.toThrow(/`concurrency`/);
  });

  it('stops on abort', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      executeCandidates(
        [{ id: 'a', text: '' }],
        precomputedExecutor({ a: '1' }),
        { tests: [] },
        { signal: controller.signal },
      ),
    ).rejects.toThrow();
  });
});
