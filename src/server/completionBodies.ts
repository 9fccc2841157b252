import type { Decision } from '../decision.js';

/** OpenAI's `usage` object. */
export interface CompletionUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

/** What identifies one completion across its chunks. */
export interface CompletionMeta {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

/**
 * The OpenAI-shaped bodies of a decided chat completion: the whole `chat.completion`, and the
 * `chat.completion.chunk`s of a stream. Every body carries the consensus details in an extra
 * `chorus` field (the `Decision` without the variants' texts), which OpenAI clients keep as an
 * unknown property.
 */
export const completionBodies = {
  /** `usage`: everything the consensus spent, every variant included (cancelled ones estimated). */
  usage(decision: Decision): CompletionUsage {
    const input = decision.cost.total.inputTokens;
    const output = decision.cost.total.outputTokens;
    return { prompt_tokens: input, completion_tokens: output, total_tokens: input + output };
  },

  /** The consensus details: the decision minus the variants' full texts (the answer is `content`). */
  details(decision: Decision): Record<string, unknown> {
    const { text: _text, variants, ...rest } = decision;
    return {
      ...rest,
      variants: variants.map(({ text, ...v }) => ({ ...v, chars: text.length })),
    };
  },

  /** A non-streamed `chat.completion`. */
  completion(meta: CompletionMeta, decision: Decision): Record<string, unknown> {
    return {
      id: meta.id,
      object: 'chat.completion',
      created: meta.created,
      model: meta.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: decision.text, refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: completionBodies.usage(decision),
      system_fingerprint: null,
      chorus: completionBodies.details(decision),
    };
  },

  /** One `chat.completion.chunk`. */
  chunk(
    meta: CompletionMeta,
    delta: { readonly role?: 'assistant'; readonly content?: string },
    finish: 'stop' | null,
    extra: Record<string, unknown> = {},
  ): Record<string, unknown> {
    return {
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      system_fingerprint: null,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...extra,
    };
  },

  /** The last chunk when `stream_options.include_usage` is set: no choices, the usage. */
  usageChunk(meta: CompletionMeta, decision: Decision): Record<string, unknown> {
    return {
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      system_fingerprint: null,
      choices: [],
      usage: completionBodies.usage(decision),
    };
  },
};
