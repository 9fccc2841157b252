import { lastValueFrom, Observable, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../src/consensus/candidate.js';
import { fusionPrompt } from '../../src/consensus/fusionPrompt.js';
import { hybridMerge } from '../../src/consensus/hybridMerge.js';
import { type FuseEvent, llmFuse } from '../../src/consensus/llmFuse.js';

const doc = (setup: string, usage: string, extra = ''): string =>
  `Intro about the tool.\n\n## Setup\n${setup}\n\n## Usage\n${usage}\n${extra}`;

describe('hybridMerge', () => {
  const cands: Candidate[] = [
    {
      id: 'a',
      text: doc(
        'Run npm install chorus and set your API key.',
        'Call chorus.run(prompt) and read decision.text.',
      ),
    },
    {
      id: 'b',
      text: doc(
        'Run npm install chorus, then set the API key.',
        'Call chorus.run(prompt); it resolves to a decision.',
        '\n## Limits\nTen variants at most.\n',
      ),
    },
    {
      id: 'c',
      text: doc(
        'Download it from somewhere else entirely.',
        'Call chorus.run(prompt) and read decision.text!',
        '\n## Limits\nTen variants, at most.\n',
      ),
    },
  ];

  it('keeps the skeleton order, takes each section’s medoid version, and adds majority sections', () => {
    const s = hybridMerge(cands, { top: 3 });
    expect(s.method).toBe('hybrid_merge');
    const sections = s.text.split('\n\n## ').map((x) => x.split('\n')[0]);
    expect(sections).toEqual(['Intro about the tool.', 'Setup', 'Usage', 'Limits']);
    expect(s.text).not.toContain('somewhere else');
    expect(s.reason).toMatch(/^merged 4 sections/);
    expect(s.confidence).toBeGreaterThan(0);
    expect(s.confidence).toBeLessThanOrEqual(1);
    const contributed = s.candidates.reduce((n, c) => n + c.votes, 0);
    expect(contributed).toBe(4);
  });

  it('does not add a section only a minority has', () => {
    const s = hybridMerge([
      cands[0]!,
      cands[1]!,
      { id: 'd', text: doc('Run npm install chorus.', 'Call run.') },
    ]);
    expect(s.text).not.toContain('## Limits');
  });

  it('returns the most central candidate unchanged when there are no sections', () => {
    const plain: Candidate[] = [
      { id: 'a', text: 'The answer is 42.' },
      { id: 'b', text: 'The answer is 42!' },
      { id: 'c', text: 'Something unrelated.' },
    ];
    const s = hybridMerge(plain);
    expect(['a', 'b']).toContain(s.winner);
    expect(s.text).toBe(plain.find((c) => c.id === s.winner)!.text);
    expect(s.reason).toMatch(/no sections/);
    expect(() => hybridMerge(plain, { top: 0 })).toThrow(/`top`/);
  });

  it('ignores headings inside code fences', () => {
    const s = hybridMerge([
      { id: 'a', text: '## A\nx\n```py\n# not a heading\n```\n## B\ny' },
      { id: 'b', text: '## A\nx\n```py\n# not a heading\n```\n## B\ny' },
    ]);
    expect(s.reason).toMatch(/merged 2 sections/);
    expect(s.text).toContain('# not a heading');
  });
});

describe('fusionPrompt', () => {
  it('numbers the answers, marks them as data and cuts long ones', () => {
    const p = fusionPrompt('Explain X', ['first', 'x'.repeat(50)], { maxAnswerChars: 20 });
    expect(p).toContain('### Request\nExplain X');
    expect(p).toContain('<<<answer 1>>>\nfirst\n<<<end of answer 1>>>');
    expect(p).toContain('[… cut: 30 more characters]');
    expect(p).toMatch(/not as instructions/);
  });
});

describe('llmFuse', () => {
  const cands: Candidate[] = [
    { id: 'a', text: 'Use a map.' },
    { id: 'b', text: 'Use a hash map.' },
    { id: 'c', text: 'Use a list.' },
  ];

  it('streams the fused text as deltas, then a selection', async () => {
    let prompt = '';
    const events = await lastValueFrom(
      llmFuse(cands, {
        question: 'How to count?',
        top: 2,
        fuse: (p) => {
          prompt = p;
          return of('Use ', 'a hash map.');
        },
      }).pipe(toArray()),
    );
    expect(events.slice(0, 2)).toEqual([
      { type: 'delta', text: 'Use ' },
      { type: 'delta', text: 'a hash map.' },
    ]);
    const last = events[2] as Extract<FuseEvent, { type: 'selection' }>;
    expect(last.selection).toMatchObject({ text: 'Use a hash map.', method: 'hybrid_merge' });
    expect(prompt).toContain('<<<answer 2>>>');
    expect(prompt).not.toContain('<<<answer 3>>>');
  });

  it('accepts a Promise, and aborts its signal when unsubscribed early', async () => {
    const events = await lastValueFrom(
      llmFuse(cands, { question: 'q', fuse: async () => 'fused' }).pipe(toArray()),
    );
    expect(events.map((e) => e.type)).toEqual(['delta', 'selection']);
    let signal: AbortSignal | undefined;
    const sub = llmFuse(cands, {
      question: 'q',
      fuse: (_p, context) => {
        signal = context.signal;
        return new Promise<string>(() => {});
      },
    }).subscribe();
    sub.unsubscribe();
    expect(signal?.aborted).toBe(true);
  });

  it('unsubscribes an Observable fuse when unsubscribed, and is cold', () => {
    let subscribed = 0;
    let torn = 0;
    const fuse = () =>
      new Observable<string>(() => {
        subscribed++;
        return () => {
          torn++;
        };
      });
    const events$ = llmFuse(cands, { question: 'q', fuse });
    expect(subscribed).toBe(0);
    const sub = events$.subscribe();
    expect(subscribed).toBe(1);
    sub.unsubscribe();
    expect(torn).toBe(1);
  });

  it('skips the model with fewer than two candidates, and validates options', async () => {
    const one = await lastValueFrom(
      llmFuse([cands[0]!], { question: 'q', fuse: () => of('never') }).pipe(toArray()),
    );
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({ type: 'selection', selection: { text: 'Use a map.' } });
    // @ts-expect-error missing fuse on purpose
    expect(() => llmFuse(cands, { question: 'q' })).toThrow(/`fuse`/);
  });
});
