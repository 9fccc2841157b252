/**
 * Composing chorus's operators in your own RxJS pipeline: three variants over three protocols race
 * through the real SDKs; the first two that agree on the final number decide, and the third
 * request is aborted. Runs offline against the built-in provider emulator:
 *
 *   npx tsx examples/operators.ts
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { lastValueFrom, merge } from 'rxjs';
import {
  answerKey,
  anthropicStream,
  endOnError,
  ollamaStream,
  openaiStream,
  scoreIncrementally,
  snapshots,
  startEmulator,
  syntaxScorer,
  takeUntilQuorum,
} from '../src/index.js';

export async function main(): Promise<string> {
  const emulator = await startEmulator({
    models: {
      'gpt-4o-mini': { text: '17 × 23 = 391, so the answer is **391**.', ttft: 120, interToken: 10 },
      'claude-haiku-4-5': { text: 'Multiply: 17 * 23 = 391. The answer is 391.', ttft: 150, interToken: 8 },
      'llama3.2': {
        text: `${'Let me think step by step. '.repeat(30)}So it is 381.`,
        ttft: 60,
        interToken: 20,
      },
    },
  });
  try {
    const openai = new OpenAI({ apiKey: 'emulated', baseURL: emulator.baseURLs.openai, maxRetries: 0 });
    const anthropic = new Anthropic({
      apiKey: 'emulated',
      baseURL: emulator.baseURLs.anthropic,
      maxRetries: 0,
    });
    const messages = [{ role: 'user' as const, content: 'What is 17 * 23?' }];

    const events$ = merge(
      openaiStream(openai, { model: 'gpt-4o-mini', temperature: 0.2, messages }).pipe(endOnError()),
      anthropicStream(anthropic, { model: 'claude-haiku-4-5', max_tokens: 256, messages }).pipe(endOnError()),
      ollamaStream({ host: emulator.baseURLs.ollama }, { model: 'llama3.2', messages }).pipe(endOnError()),
    ).pipe(
      snapshots(),
      scoreIncrementally([syntaxScorer()], { context: { prompt: messages[0].content } }),
      takeUntilQuorum({ quorum: 2, agree: answerKey('math') }), // completes → the third is aborted
    );

    const decision = await lastValueFrom(events$);
    if (decision.type !== 'quorum') throw new Error('the pipeline ended without a decision');
    await emulator.idle(); // every request has ended: the slow one was aborted
    const gone = emulator
      .stats()
      .log.filter((r) => r.outcome === 'gone')
      .map((r) => r.model);
    const line = `agreed on ${decision.key} (${decision.winners.map((w) => w.variant).join(' + ')}); cancelled: ${gone.join(', ')}`;
    console.log(line);
    return line;
  } finally {
    await emulator.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
