import { describe, expect, it } from 'vitest';
import type { RaceRow, RaceState } from '../../src/cli/raceState.js';
import { renderFrame } from '../../src/cli/renderFrame.js';

const row = (over: Partial<RaceRow> & Pick<RaceRow, 'id' | 'state'>): RaceRow => ({
  provider: over.id.split(':')[0]!,
  model: over.id.split(':')[1]!.split('@')[0]!,
  params: 't0.2',
  tokens: 0,
  tokensPerSecond: undefined,
  score: undefined,
  ...over,
});

const streaming: RaceState = {
  title: 'chorus demo · gsm8k/7 · 3 variants, quorum 2',
  notice: 'providers are EMULATED',
  elapsedMs: 1234,
  rows: [
    row({
      id: 'openai:gpt-4o-mini@t0.2#1',
      state: 'finished',
      tokens: 212,
      tokensPerSecond: 108.4,
      score: 0.93,
      answer: '18',
    }),
    row({
      id: 'anthropic:claude-haiku-4-5@t0.2#1',
      state: 'streaming',
      tokens: 140,
      tokensPerSecond: 117,
      score: 0.8,
    }),
    row({ id: 'ollama:llama3.2@t0.2#1', state: 'waiting' }),
  ],
  quorum: 2,
  agreeing: 1,
  leadingAnswer: '18',
  leader: 'openai:gpt-4o-mini@t0.2#1',
  decided: false,
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what is checked
const ESCAPES = /\x1b\[[0-9;]*m/g;
const visible = (line: string) => Array.from(line.replace(ESCAPES, '')).length;

describe('renderFrame', () => {
  it('renders the race as a table and the quorum forming (exact frame)', () => {
    expect(renderFrame(streaming, 100)).toBe(
      [
        'chorus demo · gsm8k/7 · 3 variants, quorum 2                                                  1.23 s',
        'providers are EMULATED',
        '',
        '  provider   model             params  tokens  tok/s  score  answer  state',
        '  openai     gpt-4o-mini       t0.2       212    108   0.93      18  ■ finished',
        '  anthropic  claude-haiku-4-5  t0.2       140    117   0.80       -  ▸ streaming',
        '  ollama     llama3.2          t0.2         0      -      -       -  · waiting',
        '',
        'quorum ●○ 1/2 agree on 18 · forming · leader openai:gpt-4o-mini@t0.2#1',
        '',
      ].join('\n'),
    );
  });

  it('shows the decision: won, agreed, cancelled, failed with its error, quorum reached', () => {
    const decided: RaceState = {
      ...streaming,
      rows: [
        { ...streaming.rows[0]!, state: 'won' },
        { ...streaming.rows[1]!, state: 'agreed', answer: '18' },
        { ...streaming.rows[2]!, state: 'cancelled', tokens: 12 },
        row({ id: 'openai:gpt-4o@t1#1', state: 'failed', error: 'rate_limited: 429 Too Many Requests' }),
      ],
      agreeing: 2,
      decided: true,
    };
    const frame = renderFrame(decided, 100);
    expect(frame).toContain('★ won');
    expect(frame).toContain('✓ agreed');
    expect(frame).toContain('⊘ cancelled');
    expect(frame).toContain('! failed');
    expect(frame).toContain('  ! openai:gpt-4o@t1#1: rate_limited: 429 Too Many Requests');
    expect(frame).toContain('quorum ●● 2/2 agree on 18 · reached');
    expect(frame).not.toMatch(ESCAPES);
  });

  it('never draws a line wider than the terminal, dropping columns first', () => {
    for (let width = 20; width <= 140; width += 7) {
      const frame = renderFrame(streaming, width);
      for (const line of frame.split('\n'))
        expect(visible(line), `width ${width}: ${line}`).toBeLessThanOrEqual(width);
    }
    const narrow = renderFrame(streaming, 50);
    expect(narrow).not.toContain('params');
    expect(narrow).toContain('▸ streaming');
    expect(narrow).toContain('model');
  });

  it('colours only with `color`, without changing the visible layout', () => {
    const plain = renderFrame(streaming, 90);
    const coloured = renderFrame(streaming, 90, { color: true });
    expect(coloured).toMatch(ESCAPES);
    expect(coloured.replace(ESCAPES, '')).toBe(plain);
  });

  it('rejects a width that is not a number of columns', () => {
    expect(() => renderFrame(streaming, Number.NaN)).toThrow(/`width`/);
    expect(() => renderFrame(streaming, 0)).toThrow(/`width`/);
  });
});
