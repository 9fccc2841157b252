import { createParser } from 'eventsource-parser';
import { classifyErrorBody } from './classifyError.js';
import {
  badResponse,
  count,
  isRecord,
  parseFrame,
  type WireDecoder,
  type WireSink,
} from './streamInternals.js';

/**
 * Decodes an OpenAI chat.completions stream (`text/event-stream`, one `data:` JSON chunk per event,
 * `data: [DONE]` at the end): the text of choice 0, `finish_reason`, the usage chunk that
 * `stream_options.include_usage` adds, and `{"error":…}` chunks as in-band errors. Other choices,
 * tool calls and refusals are ignored; anything after `[DONE]` is ignored. `finish_reason: length`
 * is `length`; every other reason (`stop`, `content_filter`, `tool_calls`) is `stop`.
 *
 * @example
 * ```ts
 * const decoder = openaiDecoder(sink, 'openai');
 * decoder.push('data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\ndata: [DONE]\n\n');
 * ```
 */
export function openaiDecoder(sink: WireSink, provider: string): WireDecoder {
  let finished = false;
  const parser = createParser({
    onEvent(event) {
      if (finished) return;
      if (event.data === '[DONE]') {
        finished = true;
        sink.done();
        return;
      }
      const chunk = parseFrame(event.data, provider);
      if (chunk.error !== undefined && chunk.error !== null) throw classifyErrorBody(chunk, { provider });
      const choices = chunk.choices ?? [];
      if (!Array.isArray(choices)) throw badResponse(provider, '`choices` of a chunk is not an array');
      for (const choice of choices) {
        if (!isRecord(choice)) throw badResponse(provider, 'a choice is not an object');
        if (choice.index !== undefined && choice.index !== 0) continue;
        const delta = choice.delta;
        if (delta !== undefined && delta !== null) {
          if (!isRecord(delta)) throw badResponse(provider, '`delta` of a choice is not an object');
          if (typeof delta.content === 'string') sink.text(delta.content);
          else if (delta.content !== undefined && delta.content !== null) {
            throw badResponse(provider, '`delta.content` is not a string');
          }
        }
        if (typeof choice.finish_reason === 'string') {
          sink.finish(choice.finish_reason === 'length' ? 'length' : 'stop');
        }
      }
      if (isRecord(chunk.usage)) {
        sink.usage({ input: count(chunk.usage.prompt_tokens), output: count(chunk.usage.completion_tokens) });
      }
    },
    onError(error) {
      throw badResponse(provider, `malformed event stream: ${error.message}`, error);
    },
  });
  return {
    push: (text) => parser.feed(text),
    // An event not terminated by a blank line is incomplete (SSE drops it): nothing to flush.
    end: () => {},
  };
}
