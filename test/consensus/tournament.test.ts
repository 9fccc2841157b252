import { from, lastValueFrom, Observable, of, toArray } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import type { Candidate } from '../../src/consensus/candidate.js';
import { judgePrompt, llmJudgeComparator, parseVerdict } from '../../src/consensus/llmJudgeComparator.js';
import { scoreComparator } from '../../src/consensus/scoreComparator.js';
import { tournament } from '../../src/consensus/tournament.js';
import { tournamentReduce } from '../../src/operators/tournamentReduce.js';

const cands: Candidate[] = [
  { id: 'a', text: 'short', score: 0.4, scores: { syntax: 1 } },
  { id: 'b', text: 'the best answer', score: 0.9, scores: { syntax: 0.5 } },
  { id: 'c', text: 'medium answer', score: 0.6, scores: { syntax: 0.2 } },
];

describe('tournament', () => {
  it('finds the best-scored candidate with the score comparator, in any input order', async () => {
    for (const order of [cands, [...cands].reverse(), [cands[1]!, cands[0]!, cands[2]!]]) {
      const s = await tournament(order, scoreComparator());
      expect(s).toMatchObject({ winner: 'b', method: 'tournament', confidence: 1 });
      expect(s.reason).toMatch(/won 2 of 2 matches/);
    }
    expect((await tournament(cands, scoreComparator({ scorer: 'syntax' }))).winner).toBe('a');
  });

  it('supports Promise and Observable comparators, and brackets', async () => {
    const byLength = (x: Candidate, y: Candidate): number => x.text.length - y.text.length;
    expect((await tournament(cands, async (x, y) => byLength(x, y))).winner).toBe('b');
    expect((await tournament(cands, (x, y) => of(byLength(x, y)), { mode: 'bracket' })).winner).toBe('b');
  });

  it('counts ties as half a win and keeps the better-scored side', async () => {
    const s = await tournament(cands, () => 0);
    expect(s.winner).toBe('b');
    expect(s.confidence).toBe(0.5);
  });

  it('handles zero and one candidates, and aborts', async () => {
    expect((await tournament([], scoreComparator())).noConsensus).toBe(true);
    expect((await tournament([cands[0]!], scoreComparator())).reason).toBe('only one candidate');
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const pending = tournament(
      cands,
      (_a, _b, { signal }) => {
        seen = signal;
        return new Promise<number>(() => {});
      },
      { signal: controller.signal },
    );
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    expect(seen?.aborted).toBe(true);
  });
});

describe('llmJudgeComparator', () => {
  it('parses verdicts', () => {
    expect(parseVerdict('A is clearer. [[A]]')).toBe(1);
    expect(parseVerdict('[[A]] at first, but on reflection [[B]]')).toBe(-1);
    expect(parseVerdict('Equal. [[tie]]')).toBe(0);
    expect(parseVerdict('Verdict: B')).toBe(-1);
    expect(parseVerdict('I cannot decide.')).toBe(0);
  });

  it('swaps positions and keeps only a consistent verdict', async () => {
    const signal = new AbortController().signal;
    const prompts: string[] = [];
    // A judge that always prefers the first position: after the swap, its verdict cancels out.
    const biased = llmJudgeComparator({
      question: 'q',
      judge: async (p) => {
        prompts.push(p);
        return '[[A]]';
      },
    });
    expect(await biased(cands[0]!, cands[1]!, { signal })).toBe(0);
    expect(prompts).toHaveLength(2);
    expect(prompts[0]).toContain('### Response A\nshort');
    expect(prompts[1]).toContain('### Response A\nthe best answer');
    // A judge that prefers the longer text, wherever it is.
    const fair = llmJudgeComparator({
      question: 'q',
      judge: async (p) => {
        const a = /### Response A\n(.*)\n/.exec(p)![1]!;
        const b = /### Response B\n(.*)\n/.exec(p)![1]!;
        return a.length > b.length ? '[[A]]' : '[[B]]';
      },
    });
    expect(await fair(cands[0]!, cands[1]!, { signal })).toBe(-1);
    expect(await fair(cands[1]!, cands[0]!, { signal })).toBe(1);
  });

  it('passes the signal to the judge and works inside tournamentReduce', async () => {
    const judge = vi.fn(async (p: string, signal: AbortSignal) => {
      expect(signal).toBeInstanceOf(AbortSignal);
      return p.indexOf('the best answer') < p.indexOf('### Response B') ? '[[A]]' : '[[B]]';
    });
    const compare = llmJudgeComparator({ question: 'Which?', judge, swap: false });
    const events = await lastValueFrom(
      from(cands).pipe(tournamentReduce(compare, { swap: true }), toArray()),
    );
    const champion = events[events.length - 1];
    expect(champion?.type === 'champion' && champion.champion.id).toBe('b');
    expect(judge).toHaveBeenCalled();
    expect(judgePrompt('Q?', 'x', 'y')).toMatch(/### Request\nQ\?/);
  });

  it('validates options', () => {
    // @ts-expect-error missing judge on purpose
    expect(() => llmJudgeComparator({ question: 'q' })).toThrow(/`judge`/);
    expect(() =>
      llmJudgeComparator({ question: 'q', judge: async () => '', swap: 1 as unknown as boolean }),
    ).toThrow(/`swap`/);
  });

  it('cancels an in-flight judge when the tournament is torn down', async () => {
    let aborted = false;
    const compare = llmJudgeComparator({
      question: 'q',
      swap: false,
      judge: (_p, signal) =>
        new Promise<string>((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          });
        }),
    });
    const sub = new Observable<Candidate>((s) => {
      s.next(cands[0]!);
      s.next(cands[1]!);
    })
      .pipe(tournamentReduce(compare))
      .subscribe();
    await Promise.resolve();
    sub.unsubscribe();
    expect(aborted).toBe(true);
  });
});
