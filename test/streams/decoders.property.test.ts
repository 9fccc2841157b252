/**
 * Properties of the protocol decoders: however the network cuts a stream into reads (even inside
 * a multi-byte character, handled by the adapter's streaming TextDecoder), the decoded text, usage
 * and end marker are the same; and a stream cut anywhere before its end marker is never done.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anthropicDecoder } from '../../src/streams/anthropicDecoder.js';
import { ollamaDecoder } from '../../src/streams/ollamaDecoder.js';
import { openaiDecoder } from '../../src/streams/openaiDecoder.js';
import type { DecoderFactory } from '../../src/streams/streamInternals.js';
import { anthropicTranscript, decode, ollamaTranscript, openaiTranscript } from './wireTranscripts.js';

const PROTOCOLS: readonly [string, DecoderFactory, (pieces: readonly string[]) => string[]][] = [
  ['openai', openaiDecoder, openaiTranscript],
  ['anthropic', anthropicDecoder, anthropicTranscript],
  ['ollama', ollamaDecoder, ollamaTranscript],
];

// Text pieces with newlines, quotes, `data:` look-alikes and multi-byte characters.
const piece = fc.string({
  unit: fc.constantFrom('a', ' ', '\n', '"', '\\', 'data: ', '[DONE]', 'é', '日', '🌍', '\r\n', '{}'),
  minLength: 1,
  maxLength: 12,
});

/** Cuts `bytes` at the given (sorted, deduplicated) offsets and decodes each read as the adapter does. */
function reads(bytes: Uint8Array, cuts: readonly number[]): string[] {
  const utf8 = new TextDecoder();
  const out: string[] = [];
  let start = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    out.push(utf8.decode(bytes.subarray(start, cut), { stream: true }));
    start = cut;
  }
  out.push(utf8.decode(bytes.subarray(start), { stream: true }));
  out.push(utf8.decode());
  return out;
}

describe.each(PROTOCOLS)('%s decoder', (_name, factory, transcript) => {
  it('decodes the same text, usage and end marker however the bytes are split', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (pieces, rawCuts) => {
          const bytes = new TextEncoder().encode(transcript(pieces).join(''));
          const cuts = rawCuts.map((c) => c % (bytes.length + 1));
          const d = decode(factory, reads(bytes, cuts));
          expect(d.error).toBeUndefined();
          expect(d.text).toBe(pieces.join(''));
          expect(d.text.includes('\uFFFD')).toBe(false);
          expect(d).toMatchObject({ input: 7, output: 6, done: true, finish: 'stop' });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a stream cut before its last frame is never done', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), fc.nat(), (pieces, at) => {
        const frames = transcript(pieces);
        const whole = frames.join('');
        // Anywhere before the end marker's frame is complete (an NDJSON line needs its `}`).
        const end = whole.length - 2;
        const cut = at % end;
        const d = decode(factory, [whole.slice(0, cut)]);
        expect(d.done).toBe(false);
        expect(d.error).toBeUndefined();
        expect(pieces.join('').startsWith(d.text)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
