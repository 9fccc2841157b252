/**
 * The consensus operators over the real SDK adapters and the provider emulator: three variants, one
 * per protocol, with different latencies; a quorum of 2 agreeing answers decides as soon as the
 * second finishes, and the third request is aborted mid-stream.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { merge, tap } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, type RequestRecord, startEmulator } from '../../src/emulator/index.js';
import type { Snapshot } from '../../src/events.js';
import { endOnError } from '../../src/operators/endOnError.js';
import type { QuorumDecision, QuorumEvent } from '../../src/operators/quorumEvents.js';
import { scoreIncrementally } from '../../src/operators/scoreIncrementally.js';
import { snapshots } from '../../src/operators/snapshots.js';
import { takeUntilQuorum } from '../../src/operators/takeUntilQuorum.js';
import { anthropicStream, ollamaStream, openaiStream } from '../../src/streams/index.js';
import { recordingScorer } from './consensusHelpers.js';

const ANSWER = 'The answer is 42.';
const SLOW_ANSWER = `${'Let me think about this slowly and carefully. '.repeat(20)}The answer is 41.`;

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({
    seed: 11,
    models: {
      fast: { text: ANSWER, ttft: 20, interToken: 5 },
      medium: { text: `  ${ANSWER}\n`, ttft: 80, interToken: 15 },
      // About 160 chunks 25 ms apart: still streaming for seconds after the others are done.
      slow: { text: SLOW_ANSWER, ttft: 10, interToken: 25 },
    },
  });
});
afterAll(() => emulator.close());

const messages = [{ role: 'user' as const, content: 'What is six times seven?' }];

describe('takeUntilQuorum over the emulator', () => {
  it('decides right after the second agreeing finish and aborts the third request', async () => {
    const openai = new OpenAI({ apiKey: 'k', baseURL: emulator.baseURLs.openai, maxRetries: 0 });
    const anthropic = new Anthropic({ apiKey: 'k', baseURL: emulator.baseURLs.anthropic, maxRetries: 0 });
    const gone = new Promise<RequestRecord>((resolve) => emulator.on('gone', resolve));
    const finishes: Snapshot[] = [];
    // When each finish reached the pipeline: the operators' overhead is measured from here, so the
    // event-loop delay of a loaded machine between the adapter's stamp and delivery is left out.
    const finishSeenAt: number[] = [];

    const decision = await new Promise<{ decision: QuorumDecision; at: number }>((resolve, reject) => {
      const events: QuorumEvent[] = [];
      merge(
        openaiStream(openai, { model: 'fast', messages }, { variant: 'fast' }).pipe(endOnError('fast')),
        anthropicStream(
          anthropic,
          { model: 'medium', messages, max_tokens: 256 },
          { variant: 'medium' },
        ).pipe(endOnError('medium')),
        ollamaStream(
          { host: emulator.baseURLs.ollama },
          { model: 'slow', messages },
          { variant: 'slow' },
        ).pipe(endOnError('slow')),
      )
        .pipe(
          snapshots(),
          tap((s) => {
            if (s.done) {
              finishes.push(s);
              finishSeenAt.push(performance.now());
            }
          }),
          scoreIncrementally([recordingScorer()]),
          takeUntilQuorum({ quorum: 2, expected: 3 }),
        )
        .subscribe({
          next: (e) => {
            events.push(e);
            if (e.type === 'quorum') resolve({ decision: e, at: performance.now() });
          },
          error: reject,
        });
    });

    expect(decision.decision).toMatchObject({
      reached: true,
      reason: 'reached',
      key: 'the answer is 42.',
      finished: 2,
      unfinished: ['slow'],
    });
    expect(decision.decision.winners.map((w) => w.variant).sort()).toEqual(['fast', 'medium']);
    expect(finishes.map((s) => [s.variant, s.finish])).toEqual([
      ['fast', 'stop'],
      ['medium', 'stop'],
    ]);

    const overheadMs = decision.at - finishSeenAt[1]!;
    // The adapter stamps `end` with performance.now() when the end marker is parsed.
    const sinceEndMarkerMs = decision.at - finishes[1]!.endedAt!;
    const record = await gone;
    expect(record.model).toBe('slow');
    expect(record.outcome).toBe('gone');
    expect(record.tokensWritten).toBeGreaterThan(0);
    expect(record.tokensWritten).toBeLessThan(100);
    expect(record.goneAt! - decision.at).toBeLessThan(500);
    await emulator.idle();
    expect(emulator.stats().totals.tokensAfterGone).toBe(0);

    console.info(
      `[quorum] decision − second finish: ${overheadMs.toFixed(3)} ms in the pipeline, ` +
        `${sinceEndMarkerMs.toFixed(3)} ms since its end marker was parsed; ` +
        `slow client gone ${(record.goneAt! - decision.at).toFixed(1)} ms after the decision, ` +
        `after ${record.tokensWritten} chunks`,
    );
    // Synchronous in the pipeline: far under a millisecond; the margin is for a loaded machine.
    expect(overheadMs).toBeGreaterThanOrEqual(0);
    expect(overheadMs).toBeLessThan(50);
  });
});
