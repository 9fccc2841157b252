/**
 * Variant streams through the real chorus adapters (and so the real SDKs) against an emulator:
 * one helper for the benchmarks that race variants of every protocol.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { Observable } from 'rxjs';
import type { Protocol } from '../../src/emulator/index.js';
import type { VariantEvent } from '../../src/events.js';
import { endOnError } from '../../src/operators/endOnError.js';
import { anthropicStream, ollamaStream, openaiStream } from '../../src/streams/index.js';

/** The base URLs of an emulator, as `Emulator.baseURLs` gives them. */
export interface BaseURLs {
  readonly openai: string;
  readonly anthropic: string;
  readonly ollama: string;
}

/** Creates variant streams against one emulator, reusing one SDK client per protocol. */
export interface VariantFactory {
  /**
   * A cold stream of `model` over `protocol`, with `endOnError(variant)` applied (so one failing
   * variant never ends a merge), variant id `variant`.
   */
  stream(protocol: Protocol, model: string, variant: string, prompt?: string): Observable<VariantEvent>;
}

/**
 * @example
 * const variants = createVariantFactory(emulator.baseURLs);
 * merge(variants.stream('openai', 'fast', 'a'), variants.stream('ollama', 'slow', 'b'));
 */
export function createVariantFactory(baseURLs: BaseURLs): VariantFactory {
  const openai = new OpenAI({ apiKey: 'bench', baseURL: baseURLs.openai, maxRetries: 0 });
  const anthropic = new Anthropic({ apiKey: 'bench', baseURL: baseURLs.anthropic, maxRetries: 0 });
  const ollama = { host: baseURLs.ollama };
  return {
    stream(protocol, model, variant, prompt = 'What is six times seven?') {
      const messages = [{ role: 'user' as const, content: prompt }];
      const options = { variant };
      switch (protocol) {
        case 'openai':
          return openaiStream(openai, { model, messages }, options).pipe(endOnError(variant));
        case 'anthropic':
          return anthropicStream(anthropic, { model, messages, max_tokens: 100_000 }, options).pipe(
            endOnError(variant),
          );
        case 'ollama':
          return ollamaStream(ollama, { model, messages }, options).pipe(endOnError(variant));
      }
    },
  };
}

/** The three protocols, in the order the benchmarks report them. */
export const PROTOCOLS: readonly Protocol[] = ['openai', 'anthropic', 'ollama'];
