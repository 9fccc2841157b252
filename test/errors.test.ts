import { describe, expect, it } from 'vitest';
import { ConfigError, isProviderError, ProviderError } from '../src/errors.js';

describe('ProviderError', () => {
  it('derives isRetryable from its type and names provider and variant', () => {
    const e = new ProviderError({
      type: 'rate_limited',
      message: 'slow down',
      provider: 'openai',
      variant: 'v1',
      status: 429,
      retryAfterMs: 1500,
    });
    expect(e.isRetryable).toBe(true);
    expect(e.message).toBe('openai (variant v1): slow down');
    expect(e.name).toBe('ProviderError');
    expect(isProviderError(e, 'rate_limited')).toBe(true);
    expect(isProviderError(e, 'server')).toBe(false);
    expect(new ProviderError({ type: 'auth', message: 'bad key', provider: 'anthropic' }).isRetryable).toBe(
      false,
    );
  });

  it('re-attributes to a variant without repeating the prefix', () => {
    const e = new ProviderError({ type: 'server', message: 'boom', provider: 'ollama', status: 500 });
    const v = e.withVariant('v2');
    expect(v.message).toBe('ollama (variant v2): boom');
    expect(v.status).toBe(500);
    expect(v.variant).toBe('v2');
  });

  it('serializes without its cause', () => {
    const e = new ProviderError({
      type: 'server',
      message: 'x',
      provider: 'p',
      cause: { secret: 'sk-canary' },
    });
    expect(JSON.stringify(e)).not.toContain('sk-canary');
  });
});

describe('ConfigError', () => {
  it('names the key path, the value found and what is allowed', () => {
    const e = new ConfigError('orchestration.consensus.method', 'mystery', 'one of "majority", "tournament"');
    expect(e.message).toBe(
      'Invalid config `orchestration.consensus.method`: got "mystery", expected one of "majority", "tournament"',
    );
    expect(e.type).toBe('config');
  });
});
