import { describe, expect, it } from 'vitest';
import { createCompletenessScorer } from '../../src/scorers/completenessScorer.js';
import { problems, report, run, withCode } from './heuristicScorerHelpers.js';

const scorer = createCompletenessScorer();

const PROMPT = [
  'Write a Python function `is_prime(n)` that returns whether n is prime.',
  'It must handle negative numbers. Save it as primes.py and keep the answer under 80 words.',
  '1. Explain the algorithm',
  '2. Give the complexity',
].join('\n');

const GOOD = [
  'Here is primes.py:',
  '```python',
  'def is_prime(n):',
  '    if n < 2:  # negative numbers are not prime',
  '        return False',
  '    return all(n % d for d in range(2, int(n ** 0.5) + 1))',
  '```',
  'The algorithm is trial division up to the square root; its complexity is O(sqrt(n)).',
].join('\n');

describe('createCompletenessScorer', () => {
  it('scores a complete answer 1 and says where each requirement is met', () => {
    const r = run(scorer, { prompt: PROMPT, task: 'code' }, GOOD);
    expect(r.value).toBe(1);
    expect(problems(r)).toEqual([]);
    const defined = (r.findings ?? []).find((f) => f.message.includes('`is_prime` defined'));
    expect(defined?.line).toBe(3);
    expect(GOOD.slice(defined?.offset)).toMatch(/^def is_prime/);
  });

  it('lowers the score for each requirement the answer misses', () => {
    const r = run(
      scorer,
      { prompt: PROMPT, task: 'code' },
      'You can check divisibility by every number below n. Easy.',
    );
    expect(r.value).toBeLessThan(0.3);
    expect(problems(r)).toContain('missing_requirement');
    expect(problems(r)).toContain('missing_format'); // no Python code
    expect((r.findings ?? []).some((f) => f.message.includes('`is_prime` is not defined'))).toBe(true);
  });

  it('reports a wrong parameter count as an error', () => {
    const r = run(
      scorer,
      { prompt: 'Implement `add(a, b)` in JavaScript.', task: 'code' },
      '```js\nfunction add(a) { return a; }\n```\n',
    );
    const wrong = withCode(r, 'wrong_parameter_count');
    expect(wrong).toHaveLength(1);
    expect(wrong[0]?.severity).toBe('error');
    expect(wrong[0]?.message).toContain('takes 1');
    expect(r.value).toBeLessThan(1);
  });

  it.each([
    ['function add(a, b) {\n  return a + b;\n}'],
    ['const add = (a, b) => a + b;'],
    ['export const add = async function (a, b) {\n  return a + b;\n};'],
    ['class M {\n  add(a, b) {\n    return a + b;\n  }\n}'],
    ['function add(a: number, b = 2): number {\n  return a + b;\n}'],
  ])('finds a JS/TS definition of the entry point with its parameters: %s', (code) => {
    const r = run(
      scorer,
      { prompt: 'Write add(a, b).', task: 'code', entryPoint: 'add' },
      `\`\`\`ts\n${code}\n\`\`\`\n`,
    );
    expect(withCode(r, 'missing_entry_point')).toEqual([]);
    expect(withCode(r, 'wrong_parameter_count')).toEqual([]);
  });

  it('accepts *args and defaults as compatible parameter counts', () => {
    const prompt = '```python\ndef f(a, b, c=1):\n    pass\n```\nImplement f.';
    expect(
      problems(run(scorer, { prompt, task: 'code' }, '```python\ndef f(*args):\n    return args\n```')),
    ).toEqual([]);
    expect(
      problems(run(scorer, { prompt, task: 'code' }, '```python\ndef f(a, b):\n    return a\n```')),
    ).toEqual([]);
    expect(
      problems(run(scorer, { prompt, task: 'code' }, '```python\ndef f(a):\n    return a\n```')),
    ).toEqual(['wrong_parameter_count']);
  });

  it('requires the entry point of a continuation and a body beyond `pass`', () => {
    const prefix = 'def incr(xs):\n    """Return xs with every element incremented by 1."""\n';
    const context = {
      prompt: prefix,
      codePrefix: prefix,
      task: 'code' as const,
      entryPoint: 'incr',
      language: 'python',
    };
    expect(run(scorer, context, '    return [x + 1 for x in xs]\n').value).toBe(1);
    const stub = run(scorer, context, '    pass\n');
    expect(stub.value).toBeLessThan(1);
    expect(problems(stub)).toEqual(['missing_implementation', 'missing_return']);
    const noEntry = run(scorer, { ...context, entryPoint: 'other' }, '    return xs\n');
    expect(withCode(noEntry, 'missing_entry_point')).toHaveLength(1);
  });

  it('finds words and file names split across deltas', () => {
    const answer = 'Negative numbers are handled. The file is primes.py.';
    const prompt = 'It must handle negative numbers. Name the file primes.py.';
    const whole = run(scorer, { prompt }, answer);
    expect(whole.value).toBe(1);
    for (const chunk of [1, 2, 3, 7]) expect(run(scorer, { prompt }, answer, chunk)).toEqual(whole);
  });

  it('does not take a needle glued to a word, whatever the chunking', () => {
    const prompt = 'Save it to notes.md.';
    const text = 'I saved it to andnotes.md "litter" and more words here';
    for (const chunk of [0, 1, 2, 5]) expect(run(scorer, { prompt }, text, chunk).value).toBe(0);
  });

  it('does not take a literal inside a longer word', () => {
    const prompt = 'Return "NO" when the list is empty.';
    expect(run(scorer, { prompt }, 'It returns NOTHING useful.').value).toBeLessThan(1);
    expect(run(scorer, { prompt }, 'It returns "NO" for an empty list.').value).toBe(1);
  });

  it('checks formats: a table, a list, JSON', () => {
    const table = 'Compare cats and dogs in a table.';
    expect(
      run(scorer, { prompt: table }, '| | cats | dogs |\n|---|---|---|\n| noise | low | high |\n').value,
    ).toBe(1);
    expect(problems(run(scorer, { prompt: table }, 'Cats and dogs differ in noise.'))).toContain(
      'missing_format',
    );
    const list = 'Give me a bulleted list of tips for sleep.';
    expect(run(scorer, { prompt: list }, '- Sleep tips: keep a schedule\n- avoid screens\n').value).toBe(1);
    const json = 'Return the user as JSON with name and age.';
    expect(run(scorer, { prompt: json }, '{"name": "Ada", "age": 36}').value).toBe(1);
    expect(problems(run(scorer, { prompt: json }, 'Name: Ada, age: 36'))).toContain('missing_format');
  });

  it('checks word limits as the text grows', () => {
    const prompt = 'Describe Paris in at most 5 words.';
    expect(run(scorer, { prompt }, 'Paris: lights, art, food.').value).toBe(1);
    expect(problems(run(scorer, { prompt }, 'Paris is the capital of France and it has art.'))).toContain(
      'over_limit',
    );
  });

  it('scores 1 with an info finding when the prompt asks for nothing checkable', () => {
    const r = run(scorer, { prompt: 'Hi!' }, 'Hello.');
    expect(r).toEqual({
      value: 1,
      findings: [expect.objectContaining({ code: 'no_requirements', severity: 'info' })],
    });
  });

  it('rises while the answer streams in', () => {
    let s = scorer.init({ prompt: PROMPT, variant: 'v', task: 'code' });
    const values: number[] = [];
    for (const line of GOOD.split(/(?<=\n)/)) {
      s = scorer.feed(s, line);
      values.push(report(scorer.score(s, false)).value);
    }
    expect(values[0]).toBeLessThan(values[values.length - 1]!);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
  });

  it('validates its options', () => {
    expect(() => createCompletenessScorer({ name: '' })).toThrow(/`name`/);
    expect(() => createCompletenessScorer({ termCoverage: 0 })).toThrow(/`termCoverage`/);
    expect(() => createCompletenessScorer({ stopSequences: { python: ['def'] } })).toThrow(/`stopSequences`/);
  });
});
