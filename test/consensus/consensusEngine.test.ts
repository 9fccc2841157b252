import { of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../src/consensus/candidate.js';
import { createConsensusEngine } from '../../src/consensus/consensusEngine.js';
import { createReliabilityModel } from '../../src/consensus/reliabilityModel.js';
import { ConfigError } from '../../src/errors.js';

const math: Candidate[] = [
  { id: 'a', text: '\\boxed{18}', source: 'strong', score: 0.9 },
  { id: 'b', text: '\\boxed{18}', source: 'mid', score: 0.8 },
  { id: 'c', text: '\\boxed{24}', source: 'weak', score: 0.7 },
];

describe('createConsensusEngine', () => {
  it('decides by each method', async () => {
    for (const method of [
      'majority',
      'quality_weighted',
      'confidence',
      'tournament',
      'hybrid_merge',
    ] as const) {
      const engine = createConsensusEngine({ method, kind: 'math' });
      const s = await engine.decide(math);
      expect(s.method).toBe(method);
      expect(s.winner).toBe('a');
    }
  });

  it('learns source reliability across decisions and exposes it', async () => {
    const engine = createConsensusEngine({ kind: 'math' });
    for (let i = 0; i < 10; i++) await engine.decide(math);
    expect(engine.reliability.reliability('strong')).toBeGreaterThan(engine.reliability.reliability('weak'));
    const frozen = createConsensusEngine({ kind: 'math', learn: false });
    await frozen.decide(math);
    expect(frozen.reliability.sources).toEqual([]);
  });

  it('shares a given reliability model', async () => {
    const reliability = createReliabilityModel();
    const engine = createConsensusEngine({ kind: 'math', reliability });
    await engine.decide(math);
    expect(reliability.sources).toEqual(['mid', 'strong', 'weak']);
  });

  it('takes a comparator for one decision, and learns later when told not to learn now', async () => {
    const engine = createConsensusEngine({ method: 'tournament', kind: 'math' });
    // The default comparator is by score: a wins. This decision's judge prefers c.
    const judge = (x: Candidate, y: Candidate): number => (x.id === 'c' ? 1 : y.id === 'c' ? -1 : 0);
    const judged = await engine.decide(math, { compare: judge, learn: false });
    expect(judged.winner).toBe('c');
    expect(engine.reliability.sources).toEqual([]);
    expect((await engine.decide(math, { learn: false })).winner).toBe('a');
    engine.learn!(math, judged);
    expect(engine.reliability.sources).toEqual(['mid', 'strong', 'weak']);
    // `learn: false` at creation wins over a later `learn()`.
    const frozen = createConsensusEngine({ kind: 'math', learn: false });
    frozen.learn!(math, await frozen.decide(math));
    expect(frozen.reliability.sources).toEqual([]);
    await expect(
      engine.decide(math, { compare: 'judge' as unknown as (a: Candidate, b: Candidate) => number }),
    ).rejects.toThrow(/`context.compare` must be a function/);
  });

  it('applies the confidence threshold', async () => {
    const engine = createConsensusEngine({
      method: 'confidence',
      kind: 'math',
      base: 'majority',
      minAgreement: 0.9,
      onLow: 'ask',
    });
    const s = await engine.decide(math);
    expect(s).toMatchObject({ noConsensus: true, moreVariants: true, winner: 'a' });
  });

  it('uses execution agreement for executed code, and the LLM fuser when configured', async () => {
    const code = [
      { id: 'x', text: '    return 1\n', execution: { passed: [true, true] } },
      { id: 'y', text: '    return 2\n', execution: { passed: [false, true] } },
      { id: 'z', text: '    return 1  # same\n', execution: { passed: [true, true] } },
    ];
    const s = await createConsensusEngine({ method: 'majority', kind: 'code', continuation: true }).decide(
      code,
    );
    expect(s.method).toBe('execution');
    expect(['x', 'z']).toContain(s.winner);
    const fused = await createConsensusEngine({
      method: 'hybrid_merge',
      fuse: () => of('merged ', 'text'),
    }).decide(math, {
      prompt: 'q',
    });
    expect(fused.text).toBe('merged text');
  });

  it('rejects invalid options with a ConfigError naming the key path', () => {
    // @ts-expect-error wrong value on purpose
    expect(() => createConsensusEngine({ method: 'vote' })).toThrow(ConfigError);
    // @ts-expect-error wrong value on purpose
    expect(() => createConsensusEngine({ method: 'vote', path: 'orchestration.consensus' })).toThrow(
      /Invalid config `orchestration\.consensus\.method`: got "vote", expected one of majority, quality_weighted/,
    );
    expect(() => createConsensusEngine({ minAgreement: 3 })).toThrow(/`consensus\.minAgreement`/);
    // @ts-expect-error wrong value on purpose
    expect(() => createConsensusEngine({ kind: 'prose' })).toThrow(/`consensus\.kind`/);
    expect(() => createConsensusEngine({ top: 0 })).toThrow(/`consensus\.top`/);
  });
});
