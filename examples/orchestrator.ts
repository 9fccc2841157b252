/**
 * The engine end to end: a config, three providers (one per protocol), a quorum of 2, streaming
 * progress for a UI, then the decision; a second identical call is a cache hit. Runs offline
 * against the built-in provider emulator:
 *
 *   npx tsx examples/orchestrator.ts
 */
import { lastValueFrom, tap } from 'rxjs';
import { type Decision, emulatorClients, LLMOrchestrator, parseConfig, startEmulator } from '../src/index.js';

export async function main(): Promise<{ first: Decision; second: Decision }> {
  const emulator = await startEmulator({
    models: {
      'claude-haiku-4-5': { text: '17 × 23 = 391. The answer is 391.', ttft: 40, interToken: 5 },
      'gpt-4o-mini': { text: '17 * 23 = 391', ttft: 80, interToken: 8 },
      'llama3.2': {
        text: `${'Let me think step by step. '.repeat(40)}The answer is 381.`,
        ttft: 10,
        interToken: 20,
      },
    },
  });
  try {
    const config = parseConfig(`
      [orchestration]
      timeout_seconds = 30
      max_providers = 3

      [orchestration.variations]
      temperature = [0.2, 0.5, 0.8]
      providers = ["claude", "openai", "ollama"]

      [orchestration.consensus]
      method = "quality_weighted"
      min_responses = 2
      cache_ttl = 3600

      [providers.claude]
      kind = "anthropic"
      model = "claude-haiku-4-5"

      [providers.openai]
      kind = "openai"
      model = "gpt-4o-mini"

      [providers.ollama]
      kind = "ollama"
      model = "llama3.2"
    `);
    const chorus = new LLMOrchestrator(config, { clients: emulatorClients(config, emulator) });

    const last = await lastValueFrom(
      chorus.stream('What is 17 * 23?').pipe(
        tap((e) => {
          if (e.type === 'progress') {
            const rows = e.variants.map((v) => `${v.provider} ${v.state} ${v.tokens} tok`).join(' | ');
            console.log(`${rows} — agree ${e.agreeing}/${e.quorum}`);
          }
        }),
      ),
    );
    if (last.type !== 'decision') throw new Error('the stream ended without a decision');
    const first = last.decision;
    console.log(
      `decision: ${first.text} (winner ${first.winner}, confidence ${first.confidence.toFixed(2)})`,
    );
    console.log(first.variants.map((v) => `${v.id}: ${v.outcome}`).join('\n'));
    console.log(`cost: $${first.cost.usd?.toFixed(6)}${first.cost.estimated ? ' (partly estimated)' : ''}`);

    const second = await chorus.run('What is 17 * 23?'); // a cache hit: zero requests
    console.log(`again: cached=${second.cached}, ${chorus.cache?.stats.hits} hit(s)`);
    return { first, second };
  } finally {
    await emulator.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
