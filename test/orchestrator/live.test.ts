/**
 * The one test that talks to real providers. It runs only when explicitly enabled with
 * `CHORUS_LIVE_TESTS=1` *and* at least one key (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`) is set;
 * otherwise vitest reports it as skipped. It is the only test allowed to leave loopback.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validateConfig.js';
import { LLMOrchestrator } from '../../src/orchestrator.js';

const enabled = process.env['CHORUS_LIVE_TESTS'] === '1';
const providers = [
  ...(process.env['OPENAI_API_KEY'] ? ['openai'] : []),
  ...(process.env['ANTHROPIC_API_KEY'] ? ['anthropic'] : []),
];

describe('real providers (CHORUS_LIVE_TESTS=1 and an API key)', () => {
  it.skipIf(!enabled || providers.length === 0)(
    'decides a small arithmetic question by quorum, with its cost',
    async () => {
      const config = validateConfig({
        orchestration: {
          timeout_seconds: 60,
          max_tokens: 200,
          budget_usd: 0.05,
          variations: {
            providers,
            temperature: [0.2, 0.7],
            attempts: providers.length === 1 ? 3 : 2,
          },
          max_providers: 3,
          consensus: { method: 'quality_weighted', min_responses: 2, task: 'math' },
        },
        providers: {
          ...(providers.includes('openai') && { openai: { kind: 'openai', model: 'gpt-4o-mini' } }),
          ...(providers.includes('anthropic') && {
            anthropic: { kind: 'anthropic', model: 'claude-haiku-4-5' },
          }),
        },
      });
      const chorus = new LLMOrchestrator(config);
      const decision = await chorus.run('What is 17 * 23? Reply with the number only.');
      console.info(
        `[live] ${decision.text.trim()} by ${decision.winner} in ${decision.timings.decidedMs.toFixed(0)} ms, ` +
          `$${decision.cost.usd?.toFixed(6)}; ${decision.variants.map((v) => `${v.id}=${v.outcome}`).join(', ')}`,
      );
      expect(decision.text).toContain('391');
      expect(decision.noConsensus).toBe(false);
      expect(decision.cost.usd).toBeGreaterThan(0);
    },
    90_000,
  );
});
