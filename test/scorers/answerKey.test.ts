import { from, lastValueFrom } from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ScoredSnapshot } from '../../src/events.js';
import { takeUntilQuorum } from '../../src/operators/takeUntilQuorum.js';
import { answerKey } from '../../src/scorers/answerKey.js';

const snap = (variant: string, text: string, done: boolean): ScoredSnapshot => ({
  variant,
  text,
  delta: '',
  deltas: 1,
  done,
  ...(done && { finish: 'stop' as const }),
  scores: {},
  score: 1,
  findings: {},
  scoreErrors: {},
});

describe('answerKey', () => {
  it('keys finished snapshots and leaves streaming ones unkeyed by default', () => {
    const key = answerKey('math');
    expect(key({ text: 'so \\boxed{18}', done: true })).toBe('18');
    expect(key({ text: 'so \\boxed{1', done: false })).toBeUndefined();
    expect(key({ text: 'plain 7' })).toBe('7');
    expect(answerKey('math', { whileStreaming: true })({ text: 'so far 12', done: false })).toBe('12');
  });

  it('passes the prompt and code options through', () => {
    const prompt = 'Rosie runs for 7 hours. How far?';
    expect(answerKey('math', { prompt })({ text: 'Therefore, Rosie can run 50 miles in 7 hours.' })).toBe(
      '50',
    );
    const code = answerKey('code', { language: 'python', continuation: true });
    expect(code({ text: '    return 1\nprint(f())\n' })).toBe(code({ text: '    return 1  # one\n' }));
  });

  it('validates options at creation', () => {
    // @ts-expect-error wrong kind on purpose
    expect(() => answerKey('number')).toThrow(/`kind`/);
    // @ts-expect-error wrong type on purpose
    expect(() => answerKey('math', { whileStreaming: 'no' })).toThrow(/`whileStreaming`/);
    // @ts-expect-error wrong type on purpose
    expect(() => answerKey('math', { prompt: 1 })).toThrow(/`prompt`/);
  });

  it('fits where takeUntilQuorum takes an `agree` key function', () => {
    expectTypeOf(answerKey('math')).toExtend<(s: ScoredSnapshot) => string | undefined>();
  });

  it('decides a quorum on extracted answers inside takeUntilQuorum', async () => {
    const events = from([
      snap('a', 'So 9 x $2 = ', false),
      snap('a', 'So 9 x $2 = \\boxed{$18}.', true),
      snap('b', 'The answer is 24', true),
      snap('c', 'She earns $18.00 a day. #### 18', true),
      snap('d', 'never read', true),
    ]).pipe(takeUntilQuorum({ quorum: 2, agree: answerKey('math') }));
    const last = await lastValueFrom(events);
    expect(last.type).toBe('quorum');
    if (last.type === 'quorum') {
      expect(last.key).toBe('18');
      expect(last.winners.map((w) => w.variant).sort()).toEqual(['a', 'c']);
    }
  });
});
