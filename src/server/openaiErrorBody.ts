/** The error types OpenAI's API uses, which its SDKs map to their error classes by status. */
export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error'
  | 'timeout_error';

/** OpenAI's error response body: `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: OpenAIErrorType;
    readonly param: string | null;
    readonly code: string | null;
  };
}

/**
 * An error body in OpenAI's shape, so that every OpenAI client shows the message and maps the
 * status to its error class (`AuthenticationError`, `NotFoundError`, …).
 *
 * @example
 * openaiErrorBody('`messages` is required', { param: 'messages', code: 'missing_required_parameter' });
 */
export function openaiErrorBody(
  message: string,
  options: { readonly type?: OpenAIErrorType; readonly param?: string; readonly code?: string } = {},
): OpenAIErrorBody {
  return {
    error: {
      message,
      type: options.type ?? 'invalid_request_error',
      param: options.param ?? null,
      code: options.code ?? null,
    },
  };
}
