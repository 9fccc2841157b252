/**
 * Shared by the stream adapter tests: the three official SDK clients pointed at one emulator, one
 * `streamFor(protocol, model)` to make a stream of any protocol, and `collect` to run one.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { Observable } from 'rxjs';
import type { Emulator, RequestRecord } from '../../src/emulator/index.js';
import type { VariantEvent } from '../../src/events.js';
import { anthropicStream, ollamaStream, openaiStream, type StreamOptions } from '../../src/streams/index.js';

export type Protocol = 'openai' | 'anthropic' | 'ollama';
export const PROTOCOLS: readonly Protocol[] = ['openai', 'anthropic', 'ollama'];

export const PROMPT = 'Please say hello to the general, briefly.';
const messages = [{ role: 'user' as const, content: PROMPT }];

export interface Clients {
  readonly openai: OpenAI;
  readonly anthropic: Anthropic;
  readonly ollama: { readonly host: string; readonly headers?: Record<string, string> };
}

/** SDK clients for `emulator`, authenticating with `apiKey`. */
export function clientsFor(emulator: Emulator, apiKey = 'test-key'): Clients {
  return {
    // maxRetries 2 on purpose: the adapters must send exactly one request anyway.
    openai: new OpenAI({ apiKey, baseURL: emulator.baseURLs.openai, maxRetries: 2 }),
    anthropic: new Anthropic({ apiKey, baseURL: emulator.baseURLs.anthropic, maxRetries: 2 }),
    ollama: { host: emulator.baseURLs.ollama, headers: { authorization: `Bearer ${apiKey}` } },
  };
}

/** A stream of `model` over `protocol`; `maxTokens` maps to each protocol's own limit. */
export function streamFor(
  clients: Clients,
  protocol: Protocol,
  model: string,
  options?: StreamOptions,
  maxTokens?: number,
): Observable<VariantEvent> {
  switch (protocol) {
    case 'openai':
      return openaiStream(
        clients.openai,
        { model, messages, ...(maxTokens !== undefined && { max_tokens: maxTokens }) },
        options,
      );
    case 'anthropic':
      return anthropicStream(clients.anthropic, { model, messages, max_tokens: maxTokens ?? 1024 }, options);
    case 'ollama':
      return ollamaStream(
        clients.ollama,
        { model, messages, ...(maxTokens !== undefined && { options: { num_predict: maxTokens } }) },
        options,
      );
  }
}

export interface Outcome {
  readonly events: VariantEvent[];
  readonly text: string;
  readonly error: unknown;
  readonly completed: boolean;
}

/** Runs a stream to its end (or error) and returns what it emitted. */
export function collect(stream: Observable<VariantEvent>): Promise<Outcome> {
  return new Promise((resolve) => {
    const events: VariantEvent[] = [];
    const text = () => events.map((e) => (e.type === 'delta' ? e.text : '')).join('');
    stream.subscribe({
      next: (event) => events.push(event),
      error: (error: unknown) => resolve({ events, text: text(), error, completed: false }),
      complete: () => resolve({ events, text: text(), error: undefined, completed: true }),
    });
  });
}

/** Resolves with the emulator's record of the next request for `model` that ends. */
export function nextEnd(emulator: Emulator, model: string, timeoutMs = 5000): Promise<RequestRecord> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emulator.off('end', onEnd);
      reject(new Error(`the emulator saw no end of a request for ${model} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onEnd = (record: RequestRecord) => {
      if (record.model !== model) return;
      clearTimeout(timer);
      emulator.off('end', onEnd);
      resolve(record);
    };
    emulator.on('end', onEnd);
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The handles of this process, as a multiset, to compare before and after a suite. */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/** Resource kinds present now in greater number than in `before` (polls until `timeoutMs`). */
export async function leakedResources(before: Map<string, number>, timeoutMs = 2000): Promise<string[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const now = activeResources();
    const extra = [...now]
      .filter(([name, n]) => n > (before.get(name) ?? 0))
      .map(([name, n]) => `${name}×${n}`);
    if (extra.length === 0 || performance.now() > deadline) return extra;
    await delay(25);
  }
}
