import type { Protocol } from '../scenario.js';

/** Why a response ended normally: the text ran out, or `max_tokens` / `num_predict` cut it. */
export type FinishReason = 'stop' | 'length';

/** The chat request as any protocol parsed it. */
export interface ParsedChat {
  readonly model: string;
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly stream: boolean;
  /** `max_tokens` / `max_completion_tokens` / `options.num_predict`, when set. */
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly topP?: number;
  /** OpenAI `stream_options.include_usage`; the other protocols always report usage. */
  readonly includeUsage: boolean;
}

/** A request the protocol refuses before any scenario is consulted (HTTP 400). */
export interface WireRejection {
  readonly rejected: true;
  readonly message: string;
}

/** What every frame of one response shares. */
export interface WireMeta {
  /** The provider-style response id (`chatcmpl-…`, `msg_…`). */
  readonly id: string;
  /** The provider-style request id, for error bodies and headers. */
  readonly requestId: string;
  readonly model: string;
  /** Creation time, epoch milliseconds. */
  readonly created: number;
  readonly includeUsage: boolean;
}

/** Token counts as the emulator reports them. */
export interface WireUsage {
  readonly input: number;
  readonly output: number;
}

/** Durations of one response in milliseconds (Ollama reports them, in nanoseconds). */
export interface WireTimings {
  readonly totalMs: number;
  readonly promptEvalMs: number;
  readonly evalMs: number;
}

/**
 * One provider's wire format as pure functions: each returns the exact text to write. The server
 * decides *when* to write; these decide *what*, so they are unit-testable byte for byte.
 */
export interface ProtocolWire {
  readonly protocol: Protocol;
  /** Validates and normalises a parsed JSON body. */
  parseChat(body: unknown): ParsedChat | WireRejection;
  /** `content-type` of a streamed response. */
  readonly streamContentType: string;
  /** Extra response headers (request ids). */
  headers(meta: WireMeta): Record<string, string>;
  /** Frames written with the headers, before any text (may be empty). */
  streamStart(meta: WireMeta, usage: WireUsage): string;
  /** The frame carrying one chunk of text. */
  streamDelta(meta: WireMeta, text: string, now: number): string;
  /** The frames that end a complete response, end marker included. */
  streamEnd(
    meta: WireMeta,
    reason: FinishReason,
    usage: WireUsage,
    timings: WireTimings,
    now: number,
  ): string;
  /** The provider's in-band error frame. */
  streamError(meta: WireMeta, message: string | undefined): string;
  /** A frame whose payload is not valid JSON (a delta cut in half). */
  streamMalformed(meta: WireMeta, now: number): string;
  /** The JSON body of a non-streamed response. */
  completion(
    meta: WireMeta,
    text: string,
    reason: FinishReason,
    usage: WireUsage,
    timings: WireTimings,
    now: number,
  ): string;
  /** The JSON body of an HTTP error; `code` is OpenAI's `error.code`. */
  errorBody(status: number, message: string | undefined, meta: WireMeta, code?: string): string;
  /** The status and message a real provider answers for a model it does not have. */
  unknownModel(model: string): { readonly status: number; readonly message: string; readonly code?: string };
  /** The body listing the scenario's models (`GET /v1/models`, `GET /api/tags`); undefined if none. */
  listModels?(models: readonly string[], now: number): string;
}

/** Type guard for {@link WireRejection}. */
export function isRejection(value: ParsedChat | WireRejection): value is WireRejection {
  return 'rejected' in value;
}
