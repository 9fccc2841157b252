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
 * Decodes an Anthropic Messages stream (`event:` + `data:` SSE): `text_delta`s of text blocks,
 * input tokens from `message_start`, output tokens (and input tokens, when newer API versions
 * repeat them) from `message_delta`, `stop_reason`, `message_stop` as the end marker, and `error`
 * events as in-band errors. `ping`, thinking and tool-use deltas, and event types added later are
 * ignored, as Anthropic's versioning policy asks of clients.
 *
 * @example
 * ```ts
 * const decoder = anthropicDecoder(sink, 'anthropic');
 * decoder.push('event: message_stop\ndata: {"type":"message_stop"}\n\n');
 * ```
 */
export function anthropicDecoder(sink: WireSink, provider: string): WireDecoder {
  let finished = false;
  const parser = createParser({
    onEvent(event) {
      if (finished) return;
      const data = parseFrame(event.data, provider);
      if (typeof data.type !== 'string') throw badResponse(provider, 'an event has no `type`');
      switch (data.type) {
        case 'message_start': {
          const message = data.message;
          if (!isRecord(message)) throw badResponse(provider, '`message_start` has no `message`');
          // `output_tokens` here is a placeholder (1): the real count comes with `message_delta`.
          if (isRecord(message.usage)) sink.usage({ input: count(message.usage.input_tokens) });
          return;
        }
        case 'content_block_start': {
          const block = data.content_block;
          if (isRecord(block) && block.type === 'text' && typeof block.text === 'string')
            sink.text(block.text);
          return;
        }
        case 'content_block_delta': {
          const delta = data.delta;
          if (!isRecord(delta)) throw badResponse(provider, '`content_block_delta` has no `delta`');
          if (delta.type === 'text_delta') {
            if (typeof delta.text !== 'string')
              throw badResponse(provider, '`text_delta.text` is not a string');
            sink.text(delta.text);
          }
          return;
        }
        case 'message_delta': {
          if (isRecord(data.usage)) {
            sink.usage({ input: count(data.usage.input_tokens), output: count(data.usage.output_tokens) });
          }
          const stop = isRecord(data.delta) ? data.delta.stop_reason : undefined;
          if (typeof stop === 'string') sink.finish(stop === 'max_tokens' ? 'length' : 'stop');
          return;
        }
        case 'message_stop':
          finished = true;
          sink.done();
          return;
        case 'error':
          throw classifyErrorBody(data, { provider });
        default:
          return;
      }
    },
    onError(error) {
      throw badResponse(provider, `malformed event stream: ${error.message}`, error);
    },
  });
  return { push: (text) => parser.feed(text), end: () => {} };
}
