import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractAnswer } from '../../src/scorers/answer.js';

describe('extractAnswer math', () => {
  it.each([
    ['So she makes 9 x $2 = \\boxed{$18}.', '18'],
    ['The answer is \\boxed{100 pounds}.', '100'],
    ['\\(\\boxed{1,260}\\)', '1260'],
    ['#### 72', '72'],
    ['First 3 + 4 = 7.\n#### 7\nsome trailing 99', '7'],
    ['The final answer is 42.', '42'],
    ['Answer: $70,000', '70000'],
    ['The answer is 1,234,567 dollars', '1234567'],
    ['Profit = $70,000', '70000'],
    ['It costs $7425.00 in all', '7425'],
    ['It is 18.50 dollars', '18.5'],
    ['\\boxed{\\frac{3}{4}}', '0.75'],
    ['\\boxed{\\dfrac{1}{3}}', '0.3333333333'],
    ['The answer is 3/4 of a cup', '0.75'],
    ['The answer is 1 1/2 cups', '1.5'],
    ['\\boxed{25\\%}', '25'],
    ['so 94% remained: \\boxed{94%}', '94'],
    ['The temperature was \\boxed{-3} degrees', '-3'],
    ['The change is -0 degrees', '0'],
    ['\\boxed{.5}', '0.5'],
    ['\\boxed{12{,}500}', '12500'],
    ['answer is 5 and then 6', '5'],
    ['We get 3-4 friends, then 12 more.', '12'],
    ['no numbers here', undefined],
    ['', undefined],
  ])('%j → %j', (text, expected) => {
    expect(extractAnswer(text, 'math')).toBe(expected);
  });

  it('prefers the last box and reads an unclosed one to the end', () => {
    expect(extractAnswer('\\boxed{3} wait, no: \\boxed{4}', 'math')).toBe('4');
    expect(extractAnswer('so \\boxed{12', 'math')).toBe('12');
  });

  it('reads a closing sentence with the prompt: the number the question did not give', () => {
    const prompt =
      'Rosie runs 6 miles per hour for 3 hours and 5 miles per hour for 4 hours. How far in 7 hours?';
    const text =
      '6 * 3 = 18 and 5 * 4 = 20; 30 miles + 20 miles = 50 miles.\n\nTherefore, Rosie can run 50 miles in 7 hours.';
    expect(extractAnswer(text, 'math', { prompt })).toBe('50');
    // Without the prompt, the last number wins (a documented limit).
    expect(extractAnswer(text, 'math')).toBe('7');
  });

  it('reduces worked arithmetic in the closing sentence and ignores calculator notes', () => {
    const prompt = 'Billy sells 3 DVDs and then 4 DVDs. How many DVDs?';
    expect(extractAnswer('Therefore, he sold a total of 3 + 4 = <<3+4=7>>7 DVDs.', 'math', { prompt })).toBe(
      '7',
    );
    const pens = 'A pen costs $1.50. How much do 8 pens cost?';
    expect(
      extractAnswer('So 8 * 1.50 = 12.\n\nTherefore, 8 pens will cost $12.', 'math', { prompt: pens }),
    ).toBe('12');
  });

  it('does not end a closing sentence at a title such as "Mr."', () => {
    const prompt = 'Mr. Boarden covers 2/3 of his 36 sq ft bathroom with 24 tiles per sq ft. How many tiles?';
    const text =
      '24 * 24 = 576.\n\nTherefore, Mr. Boarden would need 576 mosaic tiles to cover two-thirds of his 36 sq ft bathroom.';
    expect(extractAnswer(text, 'math', { prompt })).toBe('576');
  });

  it('validates its arguments', () => {
    // @ts-expect-error wrong kind on purpose
    expect(() => extractAnswer('1', 'number')).toThrow(/`kind`/);
    // @ts-expect-error wrong text on purpose
    expect(() => extractAnswer(1, 'math')).toThrow(/`text`/);
    // @ts-expect-error wrong prompt on purpose
    expect(() => extractAnswer('1', 'math', { prompt: 3 })).toThrow(/`prompt`/);
  });
});

describe('extractAnswer choice and text', () => {
  it.each([
    ['The answer is (B).', 'B'],
    ['Answer: c', 'C'],
    ['I pick option D because…', 'D'],
    ['\\boxed{A}', 'A'],
    ['Reasoning…\n\nE\n', 'E'],
    ['Both (A) and (C) look plausible, but (C) is right', 'C'],
    ['no letter at all', undefined],
  ])('choice %j → %j', (text, expected) => {
    expect(extractAnswer(text, 'choice')).toBe(expected);
  });

  it('normalizes text: case, spacing, surrounding punctuation, Unicode forms', () => {
    expect(extractAnswer('  "Paris."  ', 'text')).toBe('paris');
    expect(extractAnswer('The  Capital\n is\tParis!', 'text')).toBe('the capital is paris');
    expect(extractAnswer('ﬁne', 'text')).toBe('fine');
    expect(extractAnswer(' ... ', 'text')).toBeUndefined();
  });

  it('keys code by a fingerprint of its normal form', () => {
    const a = extractAnswer('def f(x):\n    # add one\n    return x + 1\n', 'code');
    const b = extractAnswer('def f(x):\n  return x+1', 'code');
    const c = extractAnswer('def f(x):\n    return x + 2\n', 'code');
    expect(a).toMatch(/^code:[0-9a-f]{16}$/);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(extractAnswer('# only a comment', 'code')).toBeUndefined();
  });
});

describe('extractAnswer on the GSM8K sample (test/fixtures/gsm8k-sample.jsonl)', () => {
  interface Row {
    id: string;
    question: string;
    target: number;
    candidates: { source: string; text: string; correct: boolean }[];
  }
  const rows = readFileSync(new URL('../fixtures/gsm8k-sample.jsonl', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);

  it('agrees with the labels except where the label is known to be wrong', () => {
    const disagreements: string[] = [];
    let total = 0;
    for (const r of rows) {
      for (const c of r.candidates) {
        total++;
        const x = extractAnswer(c.text, 'math', { prompt: r.question });
        if ((x === String(r.target)) !== c.correct) disagreements.push(`${r.id} ${c.source} ${x}`);
      }
    }
    expect(total).toBe(rows.length * 12);
    // gsm8k/2: "$70,000" is the right answer, labelled wrong by the source's extractor.
    expect(disagreements).toEqual(['gsm8k/2 gpt-3.5-turbo/base/cot 70000']);
  });
});
