import { describe, expect, it } from 'vitest';
import { classifyTask } from '../../src/orchestrator/classifyTask.js';

describe('classifyTask', () => {
  it.each([
    ['Write isPrime(n) in TypeScript', 'code'],
    ['Implement a function that reverses a linked list in Python.', 'code'],
    ['Fix this:\n```js\nconst x = [1, 2].map((n) => n * 2)\n```', 'code'],
    ['Why does my SQL query return duplicate rows?', 'code'],
    ['A shop sells 3 pens for $4. How much do 12 pens cost?', 'math'],
    [
      'Natalia sold 48 clips in April and half as many in May. How many clips did she sell altogether?',
      'math',
    ],
    ['What is 17 * 23?', 'math'],
    ['Solve for x: 3x + 5 = 20', 'math'],
    ['Which planet is largest?\nA) Mars\nB) Jupiter\nC) Venus', 'choice'],
    ['Which of the following is a mammal?\n(a) shark', 'choice'],
    ['Summarize the plot of Hamlet in two sentences.', 'text'],
    ['Name the capital of France in one sentence.', 'text'],
    ['Write a haiku about autumn.', 'text'],
  ])('%j → %s', (prompt, kind) => {
    expect(classifyTask(prompt)).toBe(kind);
  });

  it('rejects a non-string', () => {
    expect(() => classifyTask(42 as never)).toThrow(TypeError);
  });
});
