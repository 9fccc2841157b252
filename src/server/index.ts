// Public exports of src/server, re-exported by src/index.ts.
export { checkBearerToken } from './checkBearerToken.js';
export {
  type ChorusServer,
  type ChorusServerOptions,
  type ConsensusStreamer,
  createChorusServer,
  DEFAULT_MAX_BODY_BYTES,
  type ServerProfile,
} from './createChorusServer.js';
export { type OpenAIErrorBody, type OpenAIErrorType, openaiErrorBody } from './openaiErrorBody.js';
export {
  type ChatRequest,
  type ChatRequestProblem,
  parseChatRequest,
} from './parseChatRequest.js';
