import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLiveView } from '../../src/cli/liveView.js';
import type { RaceState } from '../../src/cli/raceState.js';

const state = (over: Partial<RaceState> = {}): RaceState => ({
  title: 'race',
  elapsedMs: 100,
  rows: [
    {
      id: 'a:m#1',
      provider: 'a',
      model: 'm',
      params: '',
      state: 'streaming',
      tokens: 3,
      tokensPerSecond: undefined,
      score: 0.5,
    },
    {
      id: 'b:m#1',
      provider: 'b',
      model: 'm',
      params: '',
      state: 'waiting',
      tokens: 0,
      tokensPerSecond: undefined,
      score: undefined,
    },
  ],
  quorum: 2,
  agreeing: 0,
  decided: false,
  ...over,
});

const sink = () => {
  const writes: string[] = [];
  return { writes, out: { write: (text: string) => writes.push(text) } };
};

afterEach(() => {
  vi.useRealTimers();
});

describe('createLiveView', () => {
  it('outside a terminal prints one plain line per change of state, never an escape', () => {
    const { writes, out } = sink();
    const view = createLiveView({ out, tty: false });
    view.update(state());
    view.update(state({ elapsedMs: 150 })); // nothing changed but time and tokens: no line
    view.update(
      state({
        elapsedMs: 900,
        agreeing: 2,
        leadingAnswer: '18',
        rows: [
          { ...state().rows[0]!, state: 'finished', tokens: 40, answer: '18' },
          { ...state().rows[1]!, state: 'cancelled', tokens: 7 },
        ],
      }),
    );
    view.close();
    expect(writes.join('')).toBe(
      [
        '[ 0.10 s] a:m#1: streaming',
        '[ 0.90 s] a:m#1: finished (40 tokens, answer 18, score 0.50)',
        '[ 0.90 s] b:m#1: cancelled after 7 tokens (request aborted)',
        '[ 0.90 s] quorum reached: 2 of 2 needed agree on 18',
        '',
      ].join('\n'),
    );
  });

  it('in a terminal redraws the frame in place, throttled, and restores the cursor on close', () => {
    vi.useFakeTimers();
    const { writes, out } = sink();
    const view = createLiveView({ out, tty: true, width: 60, intervalMs: 50, now: () => Date.now() });
    view.update(state());
    expect(writes).toHaveLength(1);
    expect(writes[0]!.startsWith('\x1b[?25l')).toBe(true); // cursor hidden for the race
    view.update(state({ elapsedMs: 120 }));
    view.update(state({ elapsedMs: 130 }));
    expect(writes).toHaveLength(1); // throttled: one trailing redraw pending
    vi.advanceTimersByTime(60);
    expect(writes).toHaveLength(2);
    const lines = writes[0]!.split('\n').length - 1;
    expect(writes[1]!.startsWith(`\x1b[${lines}F\x1b[J`)).toBe(true); // up over the last frame, clear
    expect(writes[1]).toContain('0.13 s'); // the latest state, not the one in between
    view.update(state({ elapsedMs: 140 }));
    view.close(state({ elapsedMs: 200, decided: true }));
    expect(vi.getTimerCount()).toBe(0); // the pending redraw is cancelled
    expect(writes.at(-2)).toContain('0.20 s');
    expect(writes.at(-1)).toBe('\x1b[?25h');
    view.update(state({ elapsedMs: 300 }));
    view.close();
    expect(writes.at(-1)).toBe('\x1b[?25h');
  });
});
