import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { promptComplexity } from '../../src/orchestrator/promptComplexity.js';

describe('promptComplexity', () => {
  it('rates one-line questions simple and long multi-part demands complex', () => {
    expect(promptComplexity('What is the capital of Peru?')).toEqual({ score: 0, level: 'simple' });
    expect(promptComplexity('What is 17 * 23?', 'math').level).toBe('simple');
    expect(promptComplexity('Write isPrime(n) in TypeScript', 'code').level).toBe('simple');
    const moderate =
      'Write a TypeScript function that merges two sorted arrays. It must run in linear time, must ' +
      'be stable, and handle edge cases:\n- empty arrays\n- duplicates';
    expect(promptComplexity(moderate, 'code').level).toBe('moderate');
    const complex = `Design a thread-safe LRU cache in Rust. It must support TTLs, explain why each choice is
safe, analyze the trade-offs and prove the eviction order. Cover edge cases:
1. capacity 0
2. concurrent eviction
3. clock skew
\`\`\`rust
struct Cache {}
\`\`\`
${'Context paragraph about the system and its constraints. '.repeat(20)}`;
    expect(promptComplexity(complex, 'code').level).toBe('complex');
  });

  it('stays in [0, 1] and never falls when text is appended', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.string({ maxLength: 400 }), (a, b) => {
        const one = promptComplexity(a);
        const both = promptComplexity(a + b);
        expect(one.score).toBeGreaterThanOrEqual(0);
        expect(both.score).toBeLessThanOrEqual(1);
        // Appending can only add tokens, structure and demands (a question mark, a fence…), except
        // that two halves of a fence or a word may join; allow that slack.
        expect(both.score).toBeGreaterThanOrEqual(one.score - 0.16);
      }),
      { numRuns: 200 },
    );
  });
});
