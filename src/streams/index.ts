// Public exports of src/streams, re-exported by src/index.ts.
export { type AnthropicStreamRequest, anthropicStream } from './anthropicStream.js';
export { type ClassifyContext, classifyError, classifyErrorBody, classifyStatus } from './classifyError.js';
export { type OllamaClientConfig, type OllamaStreamRequest, ollamaStream } from './ollamaStream.js';
export { type OpenAIStreamRequest, openaiStream } from './openaiStream.js';
export { type HeadersLike, parseRetryAfter } from './parseRetryAfter.js';
export type { StreamOptions } from './streamOptions.js';
