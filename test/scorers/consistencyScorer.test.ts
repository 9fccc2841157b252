import { describe, expect, it } from 'vitest';
import { createConsistencyScorer } from '../../src/scorers/consistencyScorer.js';
import { findFinalAnswers } from '../../src/scorers/statedResultsInternals.js';
import { problems, run, withCode } from './heuristicScorerHelpers.js';

const scorer = createConsistencyScorer();

describe('findFinalAnswers', () => {
  it('reads boxed answers, "the answer is", GSM8K hashes and choice letters', () => {
    expect(findFinalAnswers('So the answer is $70,000.').map((a) => a.value)).toEqual(['70000']);
    expect(findFinalAnswers('Thus \\(\\boxed{64}\\) dollars.').map((a) => a.value)).toEqual(['64']);
    expect(findFinalAnswers('\\boxed{\\frac{1}{2}}').map((a) => a.value)).toEqual(['0.5']);
    expect(findFinalAnswers('#### 1,234').map((a) => a.value)).toEqual(['1234']);
    expect(findFinalAnswers('The correct answer is (B).').map((a) => a.value)).toEqual(['B']);
    expect(findFinalAnswers('The answer is \\boxed{12}').map((a) => a.value)).toEqual(['12']);
    expect(findFinalAnswers('No final statement here: 12.')).toEqual([]);
  });
});

describe('createConsistencyScorer (text)', () => {
  it('scores a consistent worked answer 1', () => {
    const text =
      'Each pair costs $5 + $3 = $8.\nThere are 16 / 2 = 8 pairs, so 8 * $8 = $64.\nTherefore he pays $64.\n\\boxed{64}';
    const r = run(scorer, { task: 'math' }, text);
    expect(r).toEqual({ value: 1, findings: [] });
  });

  it('flags arithmetic that does not hold, with its line', () => {
    const text = 'First, 2 + 2 = 4.\nThen 35 + 22 = 58.\nThe answer is 58.';
    const r = run(scorer, { task: 'math' }, text);
    const [bad, ...rest] = withCode(r, 'arithmetic_error');
    expect(rest).toEqual([]);
    expect(bad).toMatchObject({ severity: 'error', line: 2, offset: text.indexOf('Then') });
    expect(bad?.message).toContain('35 + 22 = 58');
    expect(r.value).toBe(0.5);
  });

  it('flags several different final answers', () => {
    const r = run(scorer, { task: 'math' }, 'The answer is 12.\nWait, let me recheck.\nThe answer is 15.');
    expect(withCode(r, 'multiple_final_answers')).toEqual([
      expect.objectContaining({ severity: 'error', line: 1, message: expect.stringContaining('12') }),
    ]);
    expect(
      run(scorer, { task: 'math' }, 'The answer is 12.\nSo the final answer is \\boxed{12}.').value,
    ).toBe(1);
  });

  it('flags a concluding statement that contradicts the final answer', () => {
    const r = run(scorer, { task: 'math' }, 'Therefore, he pays $60 for the 16 glasses.\n\n\\boxed{64}');
    expect(problems(r)).toEqual(['contradicts_final_answer']);
    expect(
      run(scorer, { task: 'math' }, 'Therefore, he pays $64 for the 16 glasses.\n\\boxed{64}').value,
    ).toBe(1);
  });

  it('ignores arithmetic-looking lines inside code blocks', () => {
    const r = run(scorer, { task: 'text' }, 'Example:\n```python\nx = 1 + 1\ny = x * 2\nprint(y)\n```\n');
    expect(withCode(r, 'arithmetic_error')).toEqual([]);
  });

  it('can turn the text or code checks off', () => {
    const textOnly = createConsistencyScorer({ code: false });
    expect(run(textOnly, {}, '```python\nprint(undefined_thing)\n```\n').value).toBe(1);
    const codeOnly = createConsistencyScorer({ text: false });
    expect(run(codeOnly, {}, '1 + 1 = 3\n').value).toBe(1);
  });
});

describe('createConsistencyScorer (code)', () => {
  it('flags Python names used but never defined or imported', () => {
    const code = [
      '```python',
      'import os',
      '',
      'def total(xs, k):',
      '    """Sum of helper(x)."""',
      '    s = 0',
      '    for x in xs:',
      '        s += helper(x)',
      '    return math.sqrt(s) + len(f"{s!r}")',
      '```',
    ].join('\n');
    const r = run(scorer, { task: 'code' }, code);
    expect(withCode(r, 'undefined_name').map((f) => f.message.match(/`(\w+)`/)?.[1])).toEqual([
      'helper',
      'math',
    ]);
    expect(withCode(r, 'undefined_name')[0]).toMatchObject({ severity: 'error', line: 8, column: 14 });
    expect(withCode(r, 'unused_import').map((f) => f.message)).toEqual(['`os` is imported but never used']);
    expect(withCode(r, 'unused_parameter').map((f) => f.message)).toEqual(['Parameter `k` is never used']);
  });

  it('understands the usual Python definition forms', () => {
    const code = [
      '```python',
      'from collections import Counter as C, deque',
      'from typing import (',
      '    List,',
      ')',
      'class Stack(deque):',
      '    size: int = 0',
      '    def push(self, item, *rest, **opts):',
      '        self.append(item)',
      '        return rest, opts',
      'def main(words: List[str]) -> None:',
      '    counts = C(w for w in words)',
      '    a, (b, c) = 1, (2, 3)',
      '    squares = [n * n for n in range(a)]',
      '    first = lambda seq, default=None: seq[0] if seq else default',
      '    if (m := max(counts.values(), default=0)) > b + c:',
      '        pass',
      '    with open("f") as fh, open("g") as gh:',
      '        data = fh.read() + gh.read()',
      '    try:',
      '        print(first(squares), data, Stack(), f"{m:b} {data!r:>10}")',
      '    except ValueError as err:',
      '        raise RuntimeError(str(err), m)',
      '```',
    ].join('\n');
    const r = run(scorer, { task: 'code' }, code);
    expect(problems(r)).toEqual([]);
  });

  it('flags JS/TS names used but never defined, and not object keys, members or JSX', () => {
    const code = [
      '```tsx',
      'import React, { useState as useS } from "react";',
      'interface Props {',
      '  label: string;',
      '  onClick(e: number): void;',
      '}',
      'export function Button({ label, onClick: handle }: Props) {',
      '  const [count, setCount] = useS(0);',
      '  const style = { color: "red", size: count };',
      '  return <button className="b" style={style} onClick={() => { setCount(count + 1); handle(count); }}>{label}</button>;',
      '}',
      'export const twice = <T,>(x: T): T[] => [x, x, missing];',
      '```',
    ].join('\n');
    const r = run(scorer, { task: 'code' }, code);
    expect(withCode(r, 'undefined_name').map((f) => f.message.match(/`(\w+)`/)?.[1])).toEqual(['missing']);
    expect(withCode(r, 'unused_import')).toEqual([]);
  });

  it('counts the code prefix as defined (HumanEval continuation)', () => {
    const prefix =
      'from typing import List\n\n\ndef close(numbers: List[float], threshold: float) -> bool:\n    """Doc."""\n';
    const context = {
      prompt: prefix,
      codePrefix: prefix,
      task: 'code' as const,
      entryPoint: 'close',
      language: 'python',
    };
    const good = '    return any(abs(a - b) < threshold for a in numbers for b in numbers if a is not b)\n';
    expect(run(scorer, context, good)).toEqual({ value: 1, findings: [] });
    const ignoresThreshold = run(scorer, context, '    return len(numbers) > 1\n');
    expect(problems(ignoresThreshold)).toEqual(['unused_parameter']);
    // the harness cuts at a line starting `def `: names after it do not count
    const cut = run(
      scorer,
      context,
      '    return helper(numbers, threshold)\ndef helper(a, b):\n    return True\n',
    );
    expect(withCode(cut, 'undefined_name')).toHaveLength(1);
  });

  it('does not report undefined names after `import *`', () => {
    expect(
      withCode(run(scorer, {}, '```python\nfrom math import *\nprint(sqrt(2))\n```\n'), 'undefined_name'),
    ).toEqual([]);
  });

  it('validates its options', () => {
    expect(() => createConsistencyScorer({ code: 'yes' as unknown as boolean })).toThrow(/`code`/);
    expect(() => createConsistencyScorer({ weights: { error: -1 } })).toThrow(/`weights.error`/);
  });
});
