import { chunkText } from './chunkText.js';
import { fillerText } from './fillerText.js';
import type { FinishReason, WireUsage } from './protocols/wire.js';
import { createRandom } from './random.js';
import { sample } from './sample.js';
import type { Distribution, EmulatedRequest, Fault, ModelScript } from './scenario.js';

/** The answer when a script has no `text`. */
export const DEFAULT_TEXT = 'Hello from the chorus emulator.';

/** Everything one response will do, decided before the first byte: the timing is then only replayed. */
export interface ResponsePlan {
  readonly fault: Fault | null;
  /** The chunks to send, in order (the huge chunk first, truncated to `maxTokens`). */
  readonly chunks: readonly string[];
  readonly finishReason: FinishReason;
  /** Scaled milliseconds from the request to the headers. */
  readonly headersDelayMs: number;
  /** Scaled milliseconds from the request to the first chunk. */
  readonly ttftMs: number;
  /** `interTokenMs[i]` is the scaled wait before chunk `i + 1`. */
  readonly interTokenMs: readonly number[];
  readonly usage: WireUsage;
}

/** What {@link planResponse} needs. */
export interface PlanInput {
  readonly script: ModelScript;
  readonly request: EmulatedRequest;
  readonly seed: number;
  readonly timeScale: number;
  readonly maxTokens?: number;
}

/**
 * Plans one response: text, chunks, fault and every delay. Pure and deterministic: each kind of
 * delay draws from its own generator seeded by `seed/model/index/kind`, so a request's timing does
 * not depend on which other requests ran, nor on how many chunks an earlier script produced.
 *
 * Input tokens default to the number of whitespace-separated words of the prompt; output tokens
 * to the number of chunks.
 *
 * @example
 * planResponse({ script: { text: 'a b c' }, request, seed: 1, timeScale: 1 }).chunks; // ['a', ' b', ' c']
 */
export function planResponse(input: PlanInput): ResponsePlan {
  const { script, request, seed, timeScale, maxTokens } = input;
  const fault = resolveFault(script, request);
  let chunks = chunkText(resolveText(script, request), script.chunking ?? { kind: 'tokens' });
  if (fault?.kind === 'huge_chunk') chunks = [fillerText(fault.bytes), ...chunks];
  let finishReason: FinishReason = 'stop';
  if (maxTokens !== undefined && maxTokens < chunks.length) {
    chunks = chunks.slice(0, Math.max(0, Math.floor(maxTokens)));
    finishReason = 'length';
  }
  const stream = (kind: string) => createRandom(`${seed}/${request.model}/${request.index}/${kind}`);
  const draw = (d: Distribution | undefined, kind: string) =>
    d === undefined ? 0 : sample(d, stream(kind)) * timeScale;
  const interRandom = stream('interToken');
  const interTokenMs = chunks
    .slice(1)
    .map(() => (script.interToken === undefined ? 0 : sample(script.interToken, interRandom) * timeScale));
  return {
    fault,
    chunks,
    finishReason,
    headersDelayMs: draw(script.headersDelay, 'headers'),
    ttftMs: draw(script.ttft, 'ttft'),
    interTokenMs,
    usage: {
      input: script.usage?.input ?? countWords(request.prompt),
      output: script.usage?.output ?? chunks.length,
    },
  };
}

function resolveText(script: ModelScript, request: EmulatedRequest): string {
  const { text } = script;
  if (text === undefined) return DEFAULT_TEXT;
  if (typeof text === 'string') return text;
  if (typeof text === 'function') {
    const value: unknown = text(request);
    if (typeof value !== 'string')
      throw new TypeError(`the \`text\` function returned ${typeof value}, not a string`);
    return value;
  }
  const list = text as readonly string[];
  return list[request.index % list.length] ?? DEFAULT_TEXT;
}

function resolveFault(script: ModelScript, request: EmulatedRequest): Fault | null {
  const { fault } = script;
  if (fault === undefined) return null;
  if (typeof fault === 'function') return fault(request) ?? null;
  if (Array.isArray(fault)) return (fault as readonly (Fault | null)[])[request.index] ?? null;
  return fault as Fault;
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => w !== '').length;
}
