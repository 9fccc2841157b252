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
 * Decodes an Ollama `/api/chat` stream (NDJSON, one object per line): `message.content`, and from
 * the final `done: true` line `done_reason` and the counts (`prompt_eval_count` is absent when the
 * prompt was cached; the input is then estimated). A `{"error":…}` line is an in-band error; a line
 * that is not JSON is `bad_response` (Ollama's SDK skips such lines with a console warning).
 *
 * @example
 * ```ts
 * const decoder = ollamaDecoder(sink, 'ollama');
 * decoder.push('{"message":{"role":"assistant","content":"Hi"},"done":false}\n');
 * ```
 */
export function ollamaDecoder(sink: WireSink, provider: string): WireDecoder {
  // Pieces of the current, unfinished line: a long line arriving in many reads is joined once.
  const pending: string[] = [];
  let finished = false;

  const line = (text: string): void => {
    const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (finished || trimmed.trim().length === 0) return;
    const frame = parseFrame(trimmed, provider);
    if (frame.error !== undefined) throw classifyErrorBody(frame, { provider });
    const message = frame.message;
    if (message !== undefined) {
      if (!isRecord(message)) throw badResponse(provider, '`message` of a line is not an object');
      if (typeof message.content === 'string') sink.text(message.content);
      else if (message.content !== undefined)
        throw badResponse(provider, '`message.content` is not a string');
    }
    if (frame.done === true) {
      finished = true;
      sink.usage({ input: count(frame.prompt_eval_count), output: count(frame.eval_count) });
      sink.finish(frame.done_reason === 'length' ? 'length' : 'stop');
      sink.done();
    }
  };

  return {
    push(text) {
      let start = 0;
      for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
        const piece = text.slice(start, newline);
        if (pending.length > 0) {
          pending.push(piece);
          line(pending.join(''));
          pending.length = 0;
        } else line(piece);
        start = newline + 1;
      }
      if (start < text.length) pending.push(text.slice(start));
    },
    end() {
      const last = pending.join('');
      pending.length = 0;
      // A last line cut short is a truncation (no `done: true`), not a malformed frame.
      if (last.length > 0 && parses(last)) line(last);
    },
  };
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
