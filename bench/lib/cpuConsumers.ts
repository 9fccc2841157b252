/**
 * The five ways of consuming one OpenAI chat.completions stream that bench/cpu.ts compares. Each
 * consumer reads the whole stream and counts the text pieces (tokens) and characters it received.
 * Clients are created once per process, outside the measured window.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { streamText } from 'ai';
import { createParser } from 'eventsource-parser';
import OpenAI from 'openai';
import { tap } from 'rxjs';
import { scoreIncrementally } from '../../src/operators/scoreIncrementally.js';
import { snapshots } from '../../src/operators/snapshots.js';
import { openaiStream } from '../../src/streams/openaiStream.js';
import { CODE_PROMPT } from './codeAnswer.js';
import type { BenchScorer } from './scorers.js';

/** What one consumed stream delivered. */
export interface Consumed {
  readonly tokens: number;
  readonly chars: number;
  /** Body reads (only the floor counts them): tokens / reads is how batched the stream arrived. */
  readonly reads?: number;
}

/** The consumers, by name. */
export const CONSUMERS = ['sdk', 'chorus', 'chorus+ops', 'aisdk', 'floor'] as const;
export type ConsumerName = (typeof CONSUMERS)[number];

/** What each consumer is, for the printed tables. */
export const CONSUMER_LABELS: Readonly<Record<ConsumerName, string>> = {
  sdk: '(a) openai SDK loop: `for await (chunk of create({ stream: true }))`',
  chorus: '(b) chorus `openaiStream` adapter alone',
  'chorus+ops': '(b2) adapter → `snapshots()` → `scoreIncrementally(default scorers)`',
  aisdk: '(c) Vercel AI SDK `streamText` + `createOpenAI(…).chat(model)`',
  floor: '(d) floor: `fetch` + eventsource-parser + `JSON.parse`',
};

const messages = [{ role: 'user' as const, content: CODE_PROMPT }];

/** Creates the consumer `name` for an emulator at `baseURL` (OpenAI's, with `/v1`). */
export function createConsumer(
  name: ConsumerName,
  baseURL: string,
  scorers: readonly BenchScorer[] = [],
): (model: string) => Promise<Consumed> {
  switch (name) {
    case 'sdk': {
      const client = new OpenAI({ apiKey: 'bench', baseURL, maxRetries: 0 });
      return async (model) => {
        let tokens = 0;
        let chars = 0;
        const stream = await client.chat.completions.create({ model, messages, stream: true });
        for await (const chunk of stream) {
          const content = chunk.choices[0]?.delta?.content;
          if (content) {
            tokens++;
            chars += content.length;
          }
        }
        return { tokens, chars };
      };
    }
    case 'chorus': {
      const client = new OpenAI({ apiKey: 'bench', baseURL, maxRetries: 0 });
      return (model) =>
        new Promise<Consumed>((resolve, reject) => {
          let tokens = 0;
          let chars = 0;
          openaiStream(client, { model, messages }).subscribe({
            next: (event) => {
              if (event.type === 'delta') {
                tokens++;
                chars += event.text.length;
              }
            },
            error: reject,
            complete: () => resolve({ tokens, chars }),
          });
        });
    }
    case 'chorus+ops': {
      const client = new OpenAI({ apiKey: 'bench', baseURL, maxRetries: 0 });
      const context = { prompt: CODE_PROMPT, task: 'code' as const, language: 'python' };
      return (model) =>
        new Promise<Consumed>((resolve, reject) => {
          let tokens = 0;
          let chars = 0;
          openaiStream(client, { model, messages })
            .pipe(
              snapshots(),
              tap((s) => {
                if (s.delta !== '') {
                  tokens++;
                  chars += s.delta.length;
                }
              }),
              scoreIncrementally(scorers, { context }),
            )
            .subscribe({ error: reject, complete: () => resolve({ tokens, chars }) });
        });
    }
    case 'aisdk': {
      const provider = createOpenAI({ baseURL, apiKey: 'bench' });
      return async (model) => {
        let tokens = 0;
        let chars = 0;
        const result = streamText({ model: provider.chat(model), messages, maxRetries: 0 });
        for await (const text of result.textStream) {
          if (text) {
            tokens++;
            chars += text.length;
          }
        }
        return { tokens, chars };
      };
    }
    case 'floor':
      return async (model) => {
        let tokens = 0;
        let chars = 0;
        let reads = 0;
        const response = await fetch(`${baseURL}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
          body: JSON.stringify({ model, messages, stream: true }),
        });
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        const parser = createParser({
          onEvent(event) {
            if (event.data === '[DONE]') return;
            const chunk = JSON.parse(event.data) as { choices?: { delta?: { content?: string } }[] };
            const content = chunk.choices?.[0]?.delta?.content;
            if (content) {
              tokens++;
              chars += content.length;
            }
          },
        });
        const decoder = new TextDecoder();
        const reader = response.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          reads++;
          parser.feed(decoder.decode(value, { stream: true }));
        }
        return { tokens, chars, reads };
      };
  }
}
