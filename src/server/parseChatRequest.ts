import type { ChatMessage } from '../pool/poolTypes.js';

/** A `POST /v1/chat/completions` body, checked and reduced to what the consensus uses. */
export interface ChatRequest {
  /** The profile name (OpenAI's `model`). */
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly stream: boolean;
  /** `stream_options.include_usage`: a last chunk with the usage. */
  readonly includeUsage: boolean;
  /** `max_completion_tokens` (or the older `max_tokens`): each variant's output token limit. */
  readonly maxTokens?: number;
}

/** Why a body was refused, in OpenAI's terms (`param` names the offending field). */
export interface ChatRequestProblem {
  readonly problem: string;
  readonly param: string | undefined;
  readonly code: string;
}

const ROLES: Readonly<Record<string, ChatMessage['role']>> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
};

/**
 * Checks a chat completion request body. Text content only (a string, or `text` parts, joined);
 * `developer` messages count as `system`. Sampling parameters (`temperature`, `top_p`, `seed`…) are
 * accepted and ignored: the profile decides how the variants vary. What chorus cannot honour is
 * refused rather than silently dropped: `n` > 1, tools, non-text content.
 *
 * @example
 * parseChatRequest({ model: 'chorus', messages: [{ role: 'user', content: 'Hi' }] });
 */
export function parseChatRequest(body: unknown): ChatRequest | ChatRequestProblem {
  const fail = (problem: string, param: string | undefined, code = 'invalid_value'): ChatRequestProblem => ({
    problem,
    param,
    code,
  });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail('The request body must be a JSON object.', undefined, 'invalid_request_body');
  }
  const b = body as Record<string, unknown>;
  if (typeof b['model'] !== 'string' || b['model'] === '') {
    return fail(
      '`model` is required: the name of a chorus profile (see GET /v1/models).',
      'model',
      'missing_required_parameter',
    );
  }
  if (!Array.isArray(b['messages']) || b['messages'].length === 0) {
    return fail(
      '`messages` must be a non-empty array of messages.',
      'messages',
      'missing_required_parameter',
    );
  }
  const messages: ChatMessage[] = [];
  for (const [i, raw] of b['messages'].entries()) {
    const param = `messages[${i}]`;
    if (typeof raw !== 'object' || raw === null) return fail(`\`${param}\` must be an object.`, param);
    const m = raw as Record<string, unknown>;
    const role = typeof m['role'] === 'string' ? ROLES[m['role']] : undefined;
    if (role === undefined) {
      return fail(
        `\`${param}.role\` must be "system", "developer", "user" or "assistant"; chorus does not run tools.`,
        `${param}.role`,
      );
    }
    const content = textOf(m['content']);
    if (content === undefined) {
      return fail(
        `\`${param}.content\` must be a string or a list of text parts; chorus compares text answers only.`,
        `${param}.content`,
      );
    }
    messages.push({ role, content });
  }
  if (!messages.some((m) => m.role === 'user')) {
    return fail('`messages` must contain at least one user message.', 'messages');
  }
  if (b['stream'] !== undefined && b['stream'] !== null && typeof b['stream'] !== 'boolean') {
    return fail('`stream` must be a boolean.', 'stream');
  }
  if (b['n'] !== undefined && b['n'] !== null && b['n'] !== 1) {
    return fail('`n` must be 1: chorus returns one decided answer.', 'n', 'unsupported_value');
  }
  for (const key of ['tools', 'functions'] as const) {
    const v = b[key];
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) {
      return fail(
        `\`${key}\` is not supported: chorus decides between text answers.`,
        key,
        'unsupported_parameter',
      );
    }
  }
  let maxTokens: number | undefined;
  for (const key of ['max_completion_tokens', 'max_tokens'] as const) {
    const v = b[key];
    if (v === undefined || v === null) continue;
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1_000_000)) {
      return fail(`\`${key}\` must be an integer from 1 to 1000000.`, key);
    }
    maxTokens ??= v;
  }
  const options = b['stream_options'];
  const includeUsage =
    typeof options === 'object' &&
    options !== null &&
    (options as Record<string, unknown>)['include_usage'] === true;
  return {
    model: b['model'],
    messages,
    stream: b['stream'] === true,
    includeUsage,
    ...(maxTokens !== undefined && { maxTokens }),
  };
}

/** A string, or the text parts of a content array joined; `undefined` for anything else. */
function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  let text = '';
  for (const part of content) {
    if (typeof part !== 'object' || part === null) return undefined;
    const p = part as Record<string, unknown>;
    if (p['type'] !== 'text' || typeof p['text'] !== 'string') return undefined;
    text += p['text'];
  }
  return text;
}
