import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import { classifyError, classifyErrorBody, classifyStatus } from '../../src/streams/classifyError.js';

const ctx = { provider: 'p', variant: 'v' };

describe('classifyStatus', () => {
  it.each([
    [429, 'rate_limited'],
    [401, 'auth'],
    [403, 'auth'],
    [400, 'bad_request'],
    [404, 'bad_request'],
    [409, 'bad_request'],
    [413, 'bad_request'],
    [422, 'bad_request'],
    [503, 'overloaded'],
    [529, 'overloaded'],
    [500, 'server'],
    [502, 'server'],
    [504, 'server'],
    [408, 'server'],
  ])('%i → %s', (status, type) => {
    expect(classifyStatus(status)).toBe(type);
  });
});

describe('classifyError', () => {
  it('classifies the SDKs’ HTTP errors by status, with retry-after and the body message', () => {
    const headers = new Headers({ 'retry-after': '3' });
    const openai = OpenAI.APIError.generate(
      429,
      { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
      undefined,
      headers,
    );
    const e = classifyError(openai, ctx);
    expect(e).toMatchObject({
      type: 'rate_limited',
      status: 429,
      retryAfterMs: 3000,
      provider: 'p',
      variant: 'v',
    });
    expect(e.message).toContain('Rate limit reached');
    expect(e.isRetryable).toBe(true);
    expect(e.cause).toBe(openai);

    const anthropic = Anthropic.APIError.generate(
      529,
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      undefined,
      new Headers({ 'retry-after-ms': '1500' }),
    );
    expect(classifyError(anthropic, ctx)).toMatchObject({
      type: 'overloaded',
      status: 529,
      retryAfterMs: 1500,
    });
  });

  it('a 429 for an exhausted quota is not retryable', () => {
    const quota = OpenAI.APIError.generate(
      429,
      { error: { message: 'You exceeded your current quota', type: 'insufficient_quota' } },
      undefined,
      new Headers(),
    );
    expect(classifyError(quota, ctx)).toMatchObject({ type: 'rate_limited', isRetryable: false });
  });

  it("reads Ollama's ResponseError (status_code) with headers from the context", () => {
    const error = Object.assign(new Error('too many requests'), { name: 'ResponseError', status_code: 429 });
    const e = classifyError(error, { ...ctx, headers: { 'Retry-After': '2' } });
    expect(e).toMatchObject({ type: 'rate_limited', status: 429, retryAfterMs: 2000 });
  });

  it.each([
    [
      'TypeError: terminated (UND_ERR_SOCKET)',
      new TypeError('terminated', {
        cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
      }),
    ],
    [
      'fetch failed (ECONNREFUSED)',
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      }),
    ],
    ['ECONNRESET', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['APIConnectionError', new OpenAI.APIConnectionError({ message: 'Connection error.' })],
  ])('%s → connection', (_name, error) => {
    const e = classifyError(error, ctx);
    expect(e.type).toBe('connection');
    expect(e.isRetryable).toBe(true);
  });

  it('timeouts of the SDK and of undici are timeouts', () => {
    expect(classifyError(new OpenAI.APIConnectionTimeoutError(), ctx)).toMatchObject({
      type: 'timeout',
      timeout: 'first_token',
    });
    const body = new TypeError('terminated', {
      cause: Object.assign(new Error('Body Timeout Error'), { code: 'UND_ERR_BODY_TIMEOUT' }),
    });
    expect(classifyError(body, ctx)).toMatchObject({ type: 'timeout', timeout: 'idle' });
  });

  it('an SDK in-band error (no status, a body) is classified by the body', () => {
    const inband = new OpenAI.APIError(
      undefined,
      { message: 'boom', type: 'server_error' },
      'boom',
      undefined,
    );
    expect(classifyError(inband, ctx).type).toBe('server');
    const overloaded = new Anthropic.APIError(
      undefined,
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      'Overloaded',
      undefined,
    );
    expect(classifyError(overloaded, ctx).type).toBe('overloaded');
  });

  it('bad JSON is bad_response; an unknown failure is bad_response and not retried', () => {
    let syntax: unknown;
    try {
      JSON.parse('{');
    } catch (error) {
      syntax = error;
    }
    expect(classifyError(syntax, ctx).type).toBe('bad_response');
    const unknown = classifyError(new Error('something odd'), ctx);
    expect(unknown).toMatchObject({ type: 'bad_response', isRetryable: false });
    expect(classifyError('a string', ctx).message).toContain('a string');
  });

  it('passes a ProviderError through, attributed to the variant', () => {
    const original = new ProviderError({ type: 'truncated', message: 'cut', provider: 'p' });
    const e = classifyError(original, ctx);
    expect(e).toMatchObject({ type: 'truncated', variant: 'v', provider: 'p' });
    expect(classifyError(original, { provider: 'p' })).toBe(original);
  });
});

describe('classifyErrorBody', () => {
  it.each([
    [{ error: { message: 'x', type: 'server_error' } }, 'server'],
    [
      { error: { message: 'x', type: 'invalid_request_error', code: 'context_length_exceeded' } },
      'bad_request',
    ],
    [{ type: 'error', error: { type: 'rate_limit_error', message: 'x' } }, 'rate_limited'],
    [{ type: 'error', error: { type: 'api_error', message: 'x' } }, 'server'],
    [{ error: 'server busy, please try again. maximum pending requests exceeded' }, 'overloaded'],
    [{ error: 'model "x" not found, try pulling it first' }, 'bad_request'],
    [{ error: 'unexpected EOF' }, 'server'],
    [{ error: { type: 'constructor' } }, 'server'],
  ])('%j → %s', (body, type) => {
    expect(classifyErrorBody(body, ctx).type).toBe(type);
  });
});
