/**
 * What the provider emulator streams, per model name: a *scenario*. Delays are distributions drawn
 * from a seeded generator, so a run is repeatable for a given seed.
 */

/** The wire protocols the emulator speaks. */
export type Protocol = 'openai' | 'anthropic' | 'ollama';

/**
 * A delay in milliseconds. A number is a constant. `lognormal` has the given median and log-space
 * sigma (p95/p50 ≈ e^(1.645σ)); with probability `slowPath.p` the draw is multiplied by a factor
 * drawn uniformly from `slowPath.factor` (the "retry path" tail of real providers).
 */
export type Distribution =
  | number
  | { readonly kind: 'constant'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  | {
      readonly kind: 'lognormal';
      readonly median: number;
      readonly sigma: number;
      readonly slowPath?: { readonly p: number; readonly factor: readonly [number, number] };
    };

/** How the text is cut into chunks (one chunk per streamed event). */
export type Chunking =
  /** Token-like pieces: words with their leading space, long words cut at `max` chars. */
  | { readonly kind: 'tokens'; readonly max?: number }
  /** Fixed-size pieces of `size` characters (code points). */
  | { readonly kind: 'chars'; readonly size: number }
  /** Exactly these pieces (their concatenation replaces the text). */
  | { readonly kind: 'pieces'; readonly pieces: readonly string[] };

/** A failure the emulator injects into one request. */
export type Fault =
  /** An HTTP error in the provider's own body shape; `retryAfter` in seconds sets `retry-after`. */
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly retryAfter?: number;
      readonly message?: string;
    }
  /** The socket is destroyed before any response header. */
  | { readonly kind: 'reset_before_headers' }
  /** The socket is destroyed after `afterTokens` chunks. */
  | { readonly kind: 'reset'; readonly afterTokens: number }
  /** The stream stops sending after `afterTokens` chunks but keeps the connection open. */
  | { readonly kind: 'stall'; readonly afterTokens: number }
  /** The response ends cleanly after `afterTokens` chunks, without the end marker. */
  | { readonly kind: 'close_without_end'; readonly afterTokens: number }
  /** A chunk that is not valid JSON is sent after `afterTokens` chunks. */
  | { readonly kind: 'malformed_chunk'; readonly afterTokens: number }
  /** The provider's in-band error event after `afterTokens` chunks, then the stream ends. */
  | { readonly kind: 'inband_error'; readonly afterTokens: number; readonly message?: string }
  /** Every multi-byte UTF-8 character of the text is split across two socket writes. */
  | { readonly kind: 'split_utf8' }
  /** One chunk of about `bytes` bytes of text (in a single event) at the start of the stream. */
  | { readonly kind: 'huge_chunk'; readonly bytes: number };

/** The request as the emulator parsed it, whatever the protocol. */
export interface EmulatedRequest {
  readonly protocol: Protocol;
  readonly model: string;
  /** The concatenated text of the messages (system included), for scripted answers. */
  readonly prompt: string;
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly temperature?: number;
  readonly topP?: number;
  /** 0-based index of this request among the requests for this model. */
  readonly index: number;
  /** The parsed JSON body as sent. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** What one model streams. */
export interface ModelScript {
  /**
   * The answer: a fixed text, a list cycled per request, or a function of the request.
   * @defaultValue `'Hello from the chorus emulator.'`
   */
  readonly text?: string | readonly string[] | ((request: EmulatedRequest) => string);
  /** @defaultValue `{ kind: 'tokens' }` */
  readonly chunking?: Chunking;
  /** Time from the request to the response headers. @defaultValue 0 */
  readonly headersDelay?: Distribution;
  /** Time from the request to the first chunk. @defaultValue 0 */
  readonly ttft?: Distribution;
  /** Delay between chunks. @defaultValue 0 */
  readonly interToken?: Distribution;
  /** Reported token counts; by default input = words of the prompt, output = chunks sent. */
  readonly usage?: { readonly input?: number; readonly output?: number };
  /**
   * The fault for each request: one fault for every request, or a list indexed by the request's
   * `index` (`null` or a missing entry: no fault), or a function of the request.
   */
  readonly fault?:
    | Fault
    | readonly (Fault | null)[]
    | ((request: EmulatedRequest) => Fault | null | undefined);
}

/** A whole scenario. */
export interface Scenario {
  /** Seed of every random draw. @defaultValue 1 */
  readonly seed?: number;
  /** Multiplies every delay (0.1 runs ten times faster). @defaultValue 1 */
  readonly timeScale?: number;
  /** Scripts by model name; `'*'` applies to any other model. */
  readonly models: Readonly<Record<string, ModelScript>>;
}
