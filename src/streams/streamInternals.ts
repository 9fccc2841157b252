/**
 * The machinery the three provider adapters share: one cold Observable per request, reading the
 * raw response body and handing decoded text to a protocol decoder.
 *
 * Why raw bodies: the adapters send every request through the official SDK (auth, base URL,
 * headers, typed HTTP errors, `maxRetries: 0`) but read the streaming body themselves. That lets
 * us see the end marker (`[DONE]`, `message_stop`, `done: true`), which the SDKs swallow, so a
 * clean close without it is `truncated` rather than a silent success; it keeps malformed lines
 * from being skipped (Ollama's SDK only logs them); and it costs less CPU per token than the SDKs'
 * own stream parsing. Measured side by side here over 20,000 tokens arriving in large reads, the
 * whole adapter (events included) against iterating the SDK's stream: OpenAI 2.5 vs 9.2 µs/token,
 * Anthropic 1.8 vs 2.8; with one read per token both cost 70–80 µs/token, the fixed cost of a read.
 */
import { config, Observable } from 'rxjs';
import { ProviderError } from '../errors.js';
import type { FinishReason, UsageEvent, VariantEvent } from '../events.js';
import { countTokens } from '../tokens.js';
import { classifyError } from './classifyError.js';
import { redactSecrets } from './redactSecrets.js';
import type { ResolvedStreamOptions } from './streamOptions.js';

/** What a protocol decoder reports while it reads a response. */
export interface WireSink {
  /** A piece of generated text (may be empty; empty pieces are dropped). */
  text(text: string): void;
  /** Token counts, as far as the provider has reported them. */
  usage(usage: { readonly input?: number | undefined; readonly output?: number | undefined }): void;
  /** Why the generation stopped (`finish_reason`, `stop_reason`, `done_reason`). */
  finish(reason: Exclude<FinishReason, 'cancelled' | 'error'>): void;
  /** The protocol's end marker arrived. */
  done(): void;
}

/** A protocol's incremental parser. Throws a `ProviderError` for an in-band error or bad frame. */
export interface WireDecoder {
  /** Decoded text, in arbitrary pieces, as it arrives. */
  push(text: string): void;
  /** The body ended: flush anything still buffered. */
  end(): void;
}

/** Creates a decoder reporting to `sink`; `provider` names the errors it throws. */
export type DecoderFactory = (sink: WireSink, provider: string) => WireDecoder;

/** Everything {@link providerStream} needs from an adapter. */
export interface ProviderStreamSpec extends ResolvedStreamOptions {
  /** The requested model, for `start` and for counting tokens. */
  readonly model: string;
  /** The prompt's text, computed only when the input tokens must be estimated. */
  readonly prompt: () => string;
  /**
   * Sends the request with `signal` and resolves with the streaming response once its headers
   * arrived, or rejects with the SDK's (or a `ProviderError`) error.
   */
  readonly open: (signal: AbortSignal) => Promise<Response>;
  readonly decoder: DecoderFactory;
  /** The credentials the request carries, redacted from any error (`redactSecrets`). */
  readonly secrets?: () => readonly (string | null | undefined)[];
}

/**
 * A cold Observable of one provider request: each subscription sends its own request with its own
 * `AbortController`; unsubscribing aborts it (and any error that abort causes is silence); an
 * external `signal` ends it with `finish: 'cancelled'`; usage is reported once (see
 * `StreamOptions.onUsage`).
 */
export function providerStream(spec: ProviderStreamSpec): Observable<VariantEvent> {
  const { variant, provider, model, now, onUsage, signal: external } = spec;
  return new Observable<VariantEvent>((subscriber) => {
    if (external?.aborted) {
      subscriber.next({ type: 'end', variant, finish: 'cancelled', at: now() });
      subscriber.complete();
      return;
    }
    const controller = new AbortController();
    // 'open': waiting for headers; 'streaming': reading the body; 'settled': usage was reported
    // and nothing more is emitted (ended, failed, cancelled or unsubscribed).
    let phase: 'open' | 'streaming' | 'settled' = 'open';
    // Read through a function: `phase` changes in callbacks (teardown) while `run` awaits.
    const settled = (): boolean => phase === 'settled';
    let received = '';
    let input: number | undefined;
    let output: number | undefined;
    let finish: 'stop' | 'length' = 'stop';
    let sawEnd = false;
    let cancelled = false;

    const sink: WireSink = {
      text(text) {
        if (text.length === 0 || phase !== 'streaming') return;
        received += text;
        subscriber.next({ type: 'delta', variant, text, at: now() });
      },
      usage(usage) {
        if (usage.input !== undefined) input = usage.input;
        if (usage.output !== undefined) output = usage.output;
      },
      finish(reason) {
        finish = reason;
      },
      done() {
        sawEnd = true;
      },
    };

    const usageEvent = (billed: boolean): UsageEvent => {
      if (!billed) return { type: 'usage', variant, input: 0, output: 0, estimated: true };
      if (input !== undefined && output !== undefined) {
        return { type: 'usage', variant, input, output, estimated: false };
      }
      return {
        type: 'usage',
        variant,
        // Never load a BPE table here (~130 ms): this runs while a request is being cancelled.
        input: input ?? countTokens(spec.prompt(), model, { load: false }),
        output: output ?? countTokens(received, model, { load: false }),
        estimated: true,
      };
    };
    // Marks the stream settled; nothing is emitted after this but what the caller emits now.
    const settle = (): void => {
      phase = 'settled';
      external?.removeEventListener('abort', onExternalAbort);
    };
    const report = (usage: UsageEvent): UsageEvent => {
      if (onUsage) {
        try {
          onUsage(usage);
        } catch (error) {
          reportUnhandled(error);
        }
      }
      return usage;
    };
    // Aborts the request first (the socket starts closing), then finishes synchronously, so that
    // when `unsubscribe()` returns, the cancelled request's usage has been reported.
    const abortThen = (then: () => void): void => {
      settle();
      controller.abort();
      then();
    };

    const fail = (error: unknown): void => {
      if (phase === 'settled') return; // unsubscribed: the abort's error is silence
      if (cancelled) {
        abortThen(() => {
          subscriber.next(report(usageEvent(true)));
          subscriber.next({ type: 'end', variant, finish: 'cancelled', at: now() });
          subscriber.complete();
        });
        return;
      }
      const providerError = redactSecrets(
        classifyError(error, { provider, variant }),
        spec.secrets?.() ?? [],
      );
      // An HTTP error status before the body: the provider refused the request and billed nothing.
      const billed = !(phase === 'open' && providerError.status !== undefined);
      // Abort too: a bad frame or an in-band error leaves the body (and the connection) open.
      abortThen(() => {
        report(usageEvent(billed));
        subscriber.error(providerError);
      });
    };

    const run = async (): Promise<void> => {
      let response: Response;
      try {
        response = await spec.open(controller.signal);
      } catch (error) {
        fail(error);
        return;
      }
      if (settled()) return;
      phase = 'streaming';
      subscriber.next({ type: 'start', variant, at: now(), provider, model });
      try {
        const body = response.body;
        if (!body) throw badResponse(provider, 'the response has no body');
        const reader = body.getReader();
        const utf8 = new TextDecoder();
        const decoder = spec.decoder(sink, provider);
        for (;;) {
          const { done, value } = await reader.read();
          if (settled()) return;
          if (done) break;
          decoder.push(utf8.decode(value, { stream: true }));
        }
        // An aborted body may simply end; that is a cancel, not a truncation.
        if (controller.signal.aborted) throw controller.signal.reason;
        decoder.push(utf8.decode());
        decoder.end();
        if (!sawEnd) {
          throw new ProviderError({
            type: 'truncated',
            message: 'the stream ended without its end marker',
            provider,
            variant,
          });
        }
      } catch (error) {
        fail(error);
        return;
      }
      if (settled()) return;
      settle();
      subscriber.next(report(usageEvent(true)));
      subscriber.next({ type: 'end', variant, finish, at: now() });
      subscriber.complete();
    };

    function onExternalAbort(): void {
      cancelled = true;
      controller.abort(external?.reason);
    }
    external?.addEventListener('abort', onExternalAbort, { once: true });
    run().catch(reportUnhandled);

    return () => {
      if (phase === 'settled') return;
      abortThen(() => report(usageEvent(true)));
    };
  });
}

/** Reports an error nobody can catch, the way RxJS reports errors thrown by observers. */
function reportUnhandled(error: unknown): void {
  const handler = config.onUnhandledError;
  setTimeout(() => {
    if (handler) handler(error);
    else throw error;
  });
}

/** A `bad_response` error: the provider sent something that is not its protocol. */
export function badResponse(provider: string, message: string, cause?: unknown): ProviderError {
  return new ProviderError({ type: 'bad_response', message, provider, cause });
}

/** Parses one frame's JSON payload; a `bad_response` if it is not JSON or not an object. */
export function parseFrame(data: string, provider: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (error) {
    throw badResponse(provider, `a frame is not valid JSON: ${clip(data)}`, error);
  }
  if (!isRecord(value)) throw badResponse(provider, `a frame is not a JSON object: ${clip(data)}`);
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The most tokens one request can plausibly report (context windows are in the millions). A larger
 * count is a provider bug, and billing it would put absurd sums in the ledger and stop any budget.
 */
export const MAX_PLAUSIBLE_TOKENS = 1e9;

/**
 * A count the provider reported, if it is believable: an integer from 0 to
 * {@link MAX_PLAUSIBLE_TOKENS}. Anything else (negative, fractional, NaN, infinite, absurdly large,
 * not a number) counts as not reported, so the usage is counted locally and flagged `estimated`.
 */
export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_PLAUSIBLE_TOKENS
    ? value
    : undefined;
}

function clip(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

/**
 * The text of a chat request's messages (and system prompt), for estimating its input tokens:
 * string contents and the `text` of content parts, one message per line. Images and tool
 * definitions are not counted.
 */
export function promptText(...parts: unknown[]): string {
  const out: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 4) return;
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) for (const item of value) visit(item, depth + 1);
    else if (isRecord(value)) {
      if (typeof value.text === 'string') out.push(value.text);
      else if (value.content !== undefined) visit(value.content, depth + 1);
    }
  };
  for (const part of parts) visit(part, 0);
  return out.join('\n');
}
