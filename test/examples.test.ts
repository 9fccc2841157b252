/**
 * The README's examples run as written (they live in examples/ and are imported here), and the
 * public names DESIGN.md promises are exported.
 */
import { describe, expect, it, vi } from 'vitest';
import * as chorus from '../src/index.js';

describe('examples', () => {
  it('examples/operators.ts: two agree, the third request is aborted', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const { main } = await import('../examples/operators.js');
    const line = await main();
    log.mockRestore();
    expect(line).toMatch(/^agreed on 391 \(.+ \+ .+\); cancelled: llama3\.2$/);
  });

  it('examples/orchestrator.ts: a decision, a cancelled loser billed as estimated, then a cache hit', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const { main } = await import('../examples/orchestrator.js');
    const { first, second } = await main();
    log.mockRestore();
    expect(first.text).toContain('391');
    expect(first.cached).toBe(false);
    const outcomes = Object.fromEntries(first.variants.map((v) => [v.provider, v.outcome]));
    expect(outcomes.ollama).toBe('cancelled');
    const loser = first.variants.find((v) => v.provider === 'ollama');
    expect(loser?.cost.estimated).toBe(true);
    expect(loser?.usage).toMatchObject({ estimated: true });
    expect(loser?.usage?.output).toBeGreaterThan(0);
    expect(second.cached).toBe(true);
    expect(second.text).toBe(first.text);
  });
});

describe('public API', () => {
  it('exports the names DESIGN.md promises', () => {
    for (const name of [
      'LLMOrchestrator',
      'ParameterVariator',
      'createConsensusEngine',
      'createQualityScorer',
      'createProviderPool',
      'takeUntilQuorum',
      'scoreIncrementally',
      'tournamentReduce',
      'snapshots',
      'openaiStream',
      'anthropicStream',
      'ollamaStream',
      'answerKey',
      'syntaxScorer',
      'loadConfig',
      'startEmulator',
      'createChorusServer',
    ]) {
      expect(chorus, name).toHaveProperty(name);
    }
  });
});
