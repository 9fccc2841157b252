import { describe, expect, it } from 'vitest';
import { countTokens, encodingFor, estimateTokens } from '../src/tokens.js';

// Samples of the kinds of text variants produce: prose, math reasoning, code.
const SAMPLES = [
  'Janet sells 16 - 3 - 4 = 9 duck eggs a day. She makes 9 * 2 = $18 every day at the farmer’s market.',
  'The quick brown fox jumps over the lazy dog. Consensus decoding asks several models and keeps the answer most of them agree on.',
  'def has_close_elements(numbers: List[float], threshold: float) -> bool:\n    for idx, elem in enumerate(numbers):\n        for idx2, elem2 in enumerate(numbers):\n            if idx != idx2:\n                distance = abs(elem - elem2)\n                if distance < threshold:\n                    return True\n    return False\n',
  'export function isPrime(n: number): boolean {\n  if (n < 2) return false;\n  for (let i = 2; i * i <= n; i++) if (n % i === 0) return false;\n  return true;\n}\n',
  'Step 1: 48 / 2 = 24 clips in May. Step 2: 48 + 24 = 72 clips altogether. The answer is 72.',
];

describe('countTokens', () => {
  it('uses the exact BPE of OpenAI model names, after any vendor prefix', () => {
    expect(encodingFor('gpt-4o-mini')).toBe('o200k_base');
    expect(encodingFor('openai/gpt-5')).toBe('o200k_base');
    expect(encodingFor('o3-mini')).toBe('o200k_base');
    expect(encodingFor('gpt-4-turbo')).toBe('cl100k_base');
    expect(encodingFor('gpt-3.5-turbo')).toBe('cl100k_base');
    expect(encodingFor('claude-haiku-4-5')).toBeUndefined();
    expect(encodingFor('llama3.2')).toBeUndefined();
    expect(encodingFor('omni-model')).toBeUndefined();
    expect(countTokens('Hello, world!', 'gpt-4o-mini')).toBe(4);
    expect(countTokens('', 'gpt-4o')).toBe(0);
  });

  it('estimates other models within 15% of o200k on prose, math and code', () => {
    let estimated = 0;
    let exact = 0;
    for (const text of SAMPLES) {
      const e = countTokens(text, 'claude-haiku-4-5');
      const o = countTokens(text, 'gpt-4o');
      expect(e).toBe(estimateTokens(text));
      expect(Math.abs(e - o) / o).toBeLessThan(0.25);
      estimated += e;
      exact += o;
    }
    expect(Math.abs(estimated - exact) / exact).toBeLessThan(0.15);
  });

  it('estimates edge cases sensibly', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('hello')).toBe(1);
    expect(estimateTokens(' hello world')).toBe(2);
    expect(estimateTokens('x'.repeat(100))).toBeLessThan(20);
    expect(estimateTokens('日本語')).toBe(3);
    expect(estimateTokens('antidisestablishmentarianism')).toBeGreaterThan(3);
  });
});
