/**
 * A provider that quotes the API key in its error body (OpenAI's 401 does: "Incorrect API key
 * provided: sk-…") must not put the key into chorus's errors.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import { anthropicStream } from '../../src/streams/anthropicStream.js';
import { ollamaStream } from '../../src/streams/ollamaStream.js';
import { openaiStream } from '../../src/streams/openaiStream.js';
import { redactSecrets } from '../../src/streams/redactSecrets.js';

const CANARY = 'sk-canary-echo-4c2f9d1b7e';

let server: Server;
let url: string;
beforeAll(async () => {
  // Echoes whatever credential it was sent, in each provider's error shape.
  server = createServer((req, res) => {
    const sent = String(req.headers.authorization ?? req.headers['x-api-key'] ?? '').replace(/^Bearer /, '');
    const message = `Incorrect API key provided: ${sent}`;
    const body = req.url?.startsWith('/api/')
      ? { error: message }
      : req.url?.startsWith('/v1/messages')
        ? { type: 'error', error: { type: 'authentication_error', message } }
        : { error: { message, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } };
    req.resume();
    req.on('end', () => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const messages = [{ role: 'user' as const, content: 'hi' }];

async function failure(stream: ReturnType<typeof openaiStream>): Promise<ProviderError> {
  const error = await firstValueFrom(stream).then(
    () => undefined,
    (e: unknown) => e,
  );
  // Consume the whole stream: the first event is `start` only when the request succeeded.
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('a key echoed in an error body', () => {
  it.each([
    [
      'openai',
      () =>
        openaiStream(new OpenAI({ apiKey: CANARY, baseURL: `${url}/v1`, maxRetries: 0 }), {
          model: 'm',
          messages,
        }),
    ],
    [
      'anthropic',
      () =>
        anthropicStream(new Anthropic({ apiKey: CANARY, baseURL: url, maxRetries: 0 }), {
          model: 'm',
          max_tokens: 10,
          messages,
        }),
    ],
    [
      'ollama',
      () =>
        ollamaStream({ host: url, headers: { Authorization: `Bearer ${CANARY}` } }, { model: 'm', messages }),
    ],
  ])('%s: never reaches the ProviderError, its JSON or its inspected form', async (_name, make) => {
    const error = await failure(make());
    expect(error.type).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.message).toContain('Incorrect API key provided: [redacted]');
    expect(JSON.stringify(error)).not.toContain(CANARY);
    expect(inspect(error, { depth: 10 })).not.toContain(CANARY);
    expect(String(error.stack)).not.toContain(CANARY);
  });
});

describe('redactSecrets', () => {
  const error = new ProviderError({
    type: 'auth',
    message: `bad key ${CANARY}`,
    provider: 'p',
    variant: 'v',
    status: 401,
    cause: new Error('unrelated'),
  });

  it('returns the same error when no secret appears, and ignores short or missing secrets', () => {
    const clean = new ProviderError({ type: 'server', message: 'boom', provider: 'p', cause: { body: 'x' } });
    expect(redactSecrets(clean, [CANARY])).toBe(clean);
    expect(redactSecrets(error, [null, undefined, 'sk-1'])).toBe(error);
  });

  it('keeps type, status, variant and retryability, and replaces a leaking cause', () => {
    const leakyCause = new ProviderError({ ...error, message: 'x', cause: { headers: { key: CANARY } } });
    const red = redactSecrets(leakyCause, [CANARY]);
    expect(red).not.toBe(leakyCause);
    expect(red).toMatchObject({ type: 'auth', status: 401, variant: 'v', isRetryable: false });
    expect(inspect(red, { depth: 10 })).not.toContain(CANARY);
    expect(redactSecrets(error, [CANARY]).message).toBe('p (variant v): bad key [redacted]');
  });
});
