import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { secret } from '../../src/config/secret.js';
import type { ProviderConfig } from '../../src/config/types.js';
import { ProviderError } from '../../src/errors.js';
import { createProviderClient } from '../../src/pool/createClient.js';

const base: ProviderConfig = {
  kind: 'openai',
  models: ['gpt-4o-mini'],
  api_key_env: 'OPENAI_API_KEY',
  max_tokens: 100,
  fallback: [],
  timeouts: { first_token_ms: 1000, idle_ms: 1000, total_ms: 1000 },
  retries: { max_attempts: 1, base_delay_ms: 0, max_delay_ms: 0 },
  circuit_breaker: { failure_rate: 0.5, min_requests: 5, window_ms: 1000, cooldown_ms: 1000 },
};

function authError(fn: () => unknown): ProviderError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected an auth error');
}

describe('createProviderClient', () => {
  it('builds an OpenAI client with the key from the named variable, the public endpoint and no SDK retries', () => {
    const made = createProviderClient('gpt', base, { OPENAI_API_KEY: 'sk-from-env' });
    expect(made.protocol).toBe('openai');
    const client = made.client as OpenAI;
    expect(client).toBeInstanceOf(OpenAI);
    expect(client.apiKey).toBe('sk-from-env');
    expect(client.baseURL).toBe('https://api.openai.com/v1');
    expect(client.maxRetries).toBe(0);
  });

  it('prefers the literal `api_key` Secret, and uses base_url when set', () => {
    const made = createProviderClient(
      'claude',
      {
        ...base,
        kind: 'anthropic',
        api_key_env: 'ANTHROPIC_API_KEY',
        api_key: secret('sk-ant-literal'),
        base_url: 'http://127.0.0.1:9',
      },
      { ANTHROPIC_API_KEY: 'sk-ant-env' },
    );
    const client = made.client as Anthropic;
    expect(client).toBeInstanceOf(Anthropic);
    expect(client.apiKey).toBe('sk-ant-literal');
    expect(client.baseURL).toBe('http://127.0.0.1:9');
    expect(client.maxRetries).toBe(0);
  });

  it('fails with a typed auth error naming the provider and the variable, when a needed key is missing', () => {
    const error = authError(() => createProviderClient('gpt', base, {}));
    expect(error.type).toBe('auth');
    expect(error.isRetryable).toBe(false);
    expect(error.provider).toBe('gpt');
    expect(error.message).toMatch(/OPENAI_API_KEY/);
    expect(error.message).toMatch(/providers\.gpt/);
    const claude = authError(() =>
      createProviderClient(
        'claude',
        { ...base, kind: 'anthropic', api_key_env: 'MY_CLAUDE_KEY' },
        { ANTHROPIC_API_KEY: 'x' },
      ),
    );
    expect(claude.message).toMatch(/MY_CLAUDE_KEY/);
    // An empty variable is no key.
    expect(authError(() => createProviderClient('gpt', base, { OPENAI_API_KEY: '' })).type).toBe('auth');
  });

  it('Ollama: base_url, else OLLAMA_HOST, else the local default; a key becomes a bearer header', () => {
    const ollama: ProviderConfig = { ...base, kind: 'ollama' };
    const { api_key_env: _, ...noKeyEnv } = ollama;
    expect(createProviderClient('o', noKeyEnv, {}).client).toEqual({ host: 'http://127.0.0.1:11434' });
    expect(createProviderClient('o', noKeyEnv, { OLLAMA_HOST: 'http://10.0.0.2:11434' }).client).toEqual({
      host: 'http://10.0.0.2:11434',
    });
    expect(
      createProviderClient('o', { ...noKeyEnv, base_url: 'http://127.0.0.1:1' }, { OLLAMA_HOST: 'x' }).client,
    ).toEqual({
      host: 'http://127.0.0.1:1',
    });
    expect(
      createProviderClient('o', { ...noKeyEnv, api_key_env: 'OLLAMA_KEY' }, { OLLAMA_KEY: 'k' }).client,
    ).toMatchObject({ headers: { Authorization: 'Bearer k' } });
    expect(
      authError(() => createProviderClient('o', { ...noKeyEnv, api_key_env: 'OLLAMA_KEY' }, {})).type,
    ).toBe('auth');
  });

  it('an openai_compatible provider without a key sends no Authorization header and ignores OPENAI_API_KEY', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"no","type":"invalid_request_error","param":null,"code":null}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const { api_key_env: _, ...compat } = { ...base, kind: 'openai_compatible' as const };
      const made = createProviderClient(
        'vllm',
        { ...compat, base_url: `http://127.0.0.1:${port}/v1` },
        { OPENAI_API_KEY: 'sk-must-not-leak', OPENAI_ORG_ID: 'org-must-not-leak' },
      );
      const client = made.client as OpenAI;
      await expect(client.chat.completions.create({ model: 'm', messages: [] })).rejects.toThrow();
      expect(seen).toHaveLength(1);
      expect(seen[0]!.authorization).toBeUndefined();
      expect(JSON.stringify(seen[0])).not.toMatch(/must-not-leak/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('checks a given client against the provider kind', () => {
    const openai = new OpenAI({ apiKey: 'x', baseURL: 'http://127.0.0.1:9/v1' });
    expect(createProviderClient('gpt', base, {}, openai).client).toBe(openai);
    expect(() => createProviderClient('claude', { ...base, kind: 'anthropic' }, {}, openai)).toThrow(
      /`clients\.claude`.*Anthropic/,
    );
    expect(() => createProviderClient('o', { ...base, kind: 'ollama' }, {}, 'http://x' as never)).toThrow(
      /`clients\.o`/,
    );
  });

  it('requires base_url for openai_compatible', () => {
    expect(() =>
      createProviderClient('c', { ...base, kind: 'openai_compatible', api_key: secret('k') }, {}),
    ).toThrow(/`providers\.c\.base_url`/);
  });
});
