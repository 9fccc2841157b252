import { describe, expect, it } from 'vitest';
import { renderDecision } from '../../src/cli/renderDecision.js';
import { toDecisionReport } from '../../src/cli/toDecisionReport.js';
import { toRaceState } from '../../src/cli/toRaceState.js';
import { decisionFixture, progressFixture } from './decisionFixture.js';

const heading = { title: 'chorus test', notice: 'emulated' };

describe('toRaceState', () => {
  it('maps a progress event: states, parameters, each finished answer from the groups', () => {
    const state = toRaceState(progressFixture(), heading);
    expect(state).toMatchObject({
      title: 'chorus test',
      notice: 'emulated',
      elapsedMs: 901,
      quorum: 2,
      agreeing: 1,
    });
    expect(state.leadingAnswer).toBe('18');
    expect(state.decided).toBe(false);
    expect(state.rows.map((r) => [r.state, r.params, r.answer, r.tokensPerSecond])).toEqual([
      ['finished', 't0', '18', 110.2],
      ['streaming', 't0', undefined, 120],
      ['waiting', 't0', undefined, undefined],
    ]);
  });

  it('maps a decision: won / agreed / cancelled / failed, speeds from the timings, the error', () => {
    const state = toRaceState(decisionFixture(), heading);
    expect(state.decided).toBe(true);
    expect(state.leader).toBe('openai:gpt-4o-mini@t0#1');
    expect(state.rows.map((r) => r.state)).toEqual(['won', 'agreed', 'cancelled', 'failed']);
    expect(state.rows[0]!.tokensPerSecond).toBeCloseTo(200, 5); // 200 tokens over 1000 ms of streaming
    expect(state.rows[3]!.error).toMatch(/429 Too Many Requests/);
  });
});

describe('toDecisionReport and renderDecision', () => {
  it('compares the latency with a cancelled variant’s planned end, when known', () => {
    const report = toDecisionReport(decisionFixture(), {
      plannedMs: (v) => (v.provider === 'ollama' ? 3000 : undefined),
      label: () => ({ correct: true, target: '18' }),
    });
    expect(report.slowest).toEqual({ id: 'ollama:davinci-003@t0#1', ms: 3001, how: 'planned' });
    const text = renderDecision(report, 200);
    expect(text).toContain('decision  18 (majority, confidence 1.00, winner openai:gpt-4o-mini@t0#1)');
    expect(text).toContain('why       2 of 2 answers say 18');
    expect(text).toContain(
      "latency   1.20 s to decide; the slowest variant, ollama:davinci-003@t0#1, was cancelled: it would have needed 3.00 s (2.5x), per the emulator's plan",
    );
    expect(text).toContain('correct?  yes: the recorded label of the chosen answer says correct (target 18)');
    expect(text).toContain('  │ She has 9 eggs left');
  });

  it('without a plan, a cancelled variant’s full time is unknown; a later finish is the slowest', () => {
    const report = toDecisionReport(decisionFixture());
    expect(report.slowest).toEqual({ id: 'ollama:davinci-003@t0#1', ms: 1204, how: 'cut' });
    expect(renderDecision(report, 200)).toContain('was cancelled at 1.20 s (its full time is unknown)');
  });

  it('prints the cost table with estimated counts marked, unpriced parts said, failures explained', () => {
    const text = renderDecision(toDecisionReport(decisionFixture()), 100, { showText: false });
    const table = text.slice(text.indexOf('cost\n'));
    expect(table).toBe(
      [
        'cost',
        '  variant                       outcome     in  out        USD',
        '  openai:gpt-4o-mini@t0#1       won         40  200  $0.000126',
        '  anthropic:gpt-3.5-turbo@t0#1  agreed      40  100  $0.000170',
        '  ollama:davinci-003@t0#1       cancelled   40  30*  $0.000000',
        '  openai:gpt-4o@t1#1            failed       0    0   unpriced',
        '  total                                    120  330   unpriced',
        '  * estimated: counted locally, the stream was cancelled or failed',
        '  no price known for gpt-4o-x: the total counts the priced part only ($0.000296)',
        '  ! openai:gpt-4o@t1#1: openai: 429 Too Many Requests',
        '',
      ].join('\n'),
    );
    expect(text).not.toContain('│');
  });

  it('says when there is no consensus', () => {
    const report = toDecisionReport(decisionFixture({ noConsensus: true, reason: 'no two answers agree' }), {
      label: () => ({ correct: false, target: '18' }),
    });
    const text = renderDecision(report, 200);
    expect(text).toContain('decision  no consensus (majority');
    expect(text).toContain('correct?  no consensus; the best guess is wrong according to its recorded label');
    expect(text).toContain('best guess (openai:gpt-4o-mini@t0#1):');
  });
});
