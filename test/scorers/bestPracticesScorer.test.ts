import { describe, expect, it } from 'vitest';
import { createBestPracticesScorer } from '../../src/scorers/bestPracticesScorer.js';
import { problems, run, withCode } from './heuristicScorerHelpers.js';

const scorer = createBestPracticesScorer();
const py = (code: string) => `\`\`\`python\n${code}\n\`\`\`\n`;
const ts = (code: string) => `\`\`\`ts\n${code}\n\`\`\`\n`;
const js = (code: string) => `\`\`\`js\n${code}\n\`\`\`\n`;

describe('createBestPracticesScorer: Python', () => {
  it('scores clean code 1', () => {
    const r = run(
      scorer,
      {},
      py(
        'def mean(xs, default=None):\n    if xs is None:\n        return default\n    try:\n        return sum(xs) / len(xs)\n    except ZeroDivisionError:\n        return default',
      ),
    );
    expect(r).toEqual({ value: 1, findings: [] });
  });

  it.each([
    ['try:\n    x = 1\nexcept:\n    x = 2', 'bare_except', 3],
    ['def add(item, items=[]):\n    items.append(item)\n    return items', 'mutable_default', 1],
    ['def run(src):\n    return eval(src)', 'eval', 2],
    ['from os.path import *\nprint(join("a", "b"))', 'import_star', 1],
    ['def f(x):\n    if x == None:\n        return 0\n    return x', 'none_comparison', 2],
  ])('flags %j as %s', (code, code2, line) => {
    const r = run(scorer, {}, py(code));
    expect(problems(r)).toEqual([code2]);
    expect(withCode(r, code2)[0]?.line).toBe(line + 1);
    expect(r.value).toBe(0.8);
  });

  it('does not look into strings and comments', () => {
    expect(run(scorer, {}, py('s = "except: eval(x) == None"  # uses eval( in a comment')).value).toBe(1);
  });
});

describe('createBestPracticesScorer: JavaScript / TypeScript', () => {
  it('scores clean code 1', () => {
    const r = run(
      scorer,
      {},
      ts(
        'export async function load(url: string): Promise<unknown> {\n  const res = await fetch(url);\n  if (res.status === 404 || res.body == null) return undefined;\n  return res.json();\n}',
      ),
    );
    expect(r).toEqual({ value: 1, findings: [] });
  });

  it.each([
    ['var x = 1;', 'var'],
    ['if (a == b) {}', 'loose_equality'],
    ['if (a != 1) {}', 'loose_equality'],
    ['const x: any = 1;', 'any'],
    ['const y = JSON.parse(s) as any;', 'any'],
    ['const f = eval("1+1");', 'eval'],
    ['fetch("/api");', 'floating_promise'],
  ])('flags %j as %s', (code, expected) => {
    expect(problems(run(scorer, {}, ts(code)))).toEqual([expected]);
  });

  it('only flags `any` in TypeScript, and `console.log` as info', () => {
    expect(problems(run(scorer, {}, js('const x = { any: 1 };')))).toEqual([]);
    const r = run(scorer, {}, js('console.log("hi");'));
    expect(withCode(r, 'console_log')).toEqual([expect.objectContaining({ severity: 'info' })]);
    expect(r.value).toBe(1);
  });

  it('flags `.then(` without `.catch(` in the same statement, across lines', () => {
    expect(problems(run(scorer, {}, js('load()\n  .then((x) => {\n    use(x);\n  });\nnext();')))).toEqual([
      'unhandled_promise',
    ]);
    expect(
      problems(
        run(scorer, {}, js('load()\n  .then((x) => {\n    use(x);\n  })\n  .catch(report);\nnext();')),
      ),
    ).toEqual([]);
    expect(problems(run(scorer, {}, js('function f() {\n  return load().then(use);\n}')))).toEqual([]);
  });

  it('flags calls of async functions whose promise is dropped', () => {
    const code = 'async function save(x) {\n  await db.put(x);\n}\nsave(1);\nawait save(2);';
    expect(withCode(run(scorer, {}, js(code)), 'floating_promise').map((f) => f.line)).toEqual([5]);
  });
});

describe('createBestPracticesScorer: placeholders', () => {
  it.each([
    ['python', 'def f(x):\n    # rest of the code here\n    return x'],
    ['python', 'def f(x):\n    ...'],
    ['python', 'def f(x):\n    """Doc."""\n    pass'],
    ['python', 'def f(x):\n    pass  # implement this'],
    ['js', 'function f() {\n  // ...\n}'],
    ['js', 'function f() {\n  // your code here\n}'],
  ])('flags a placeholder in %s: %j', (language, code) => {
    const r = run(scorer, {}, `\`\`\`${language}\n${code}\n\`\`\`\n`);
    expect(problems(r)).toEqual(['placeholder']);
    expect(r.value).toBe(0.5);
  });

  it('keeps `pass` that is not a whole function body', () => {
    expect(problems(run(scorer, {}, py('def f(x):\n    pass\n    return x')))).toEqual([]);
    expect(problems(run(scorer, {}, py('try:\n    f()\nexcept ValueError:\n    pass')))).toEqual([]);
  });

  it('flags TODO comments as warnings and placeholder prose as errors', () => {
    expect(problems(run(scorer, {}, py('x = 1  # TODO: handle overflow')))).toEqual(['todo']);
    expect(problems(run(scorer, {}, 'The rest of the code remains the same.'))).toEqual(['placeholder']);
    expect(problems(run(scorer, {}, 'The proof is left as an exercise for the reader.'))).toEqual([
      'placeholder',
    ]);
  });
});

describe('createBestPracticesScorer: cut-off answers', () => {
  it('flags an unclosed code block', () => {
    const r = run(scorer, {}, 'Here:\n```python\ndef f(x):\n    return x\n');
    expect(withCode(r, 'cut_off')).toEqual([expect.objectContaining({ severity: 'error' })]);
  });

  it('flags unbalanced brackets at the end of the last block', () => {
    const r = run(scorer, {}, '```js\nconst xs = [1, 2,\n```\n');
    expect(withCode(r, 'cut_off')[0]?.message).toContain('unclosed bracket');
  });

  it('flags raw code that stops mid-expression or after a block header', () => {
    const prefix = 'def f(n):\n    """Doc."""\n';
    const context = { prompt: prefix, codePrefix: prefix, task: 'code' as const, language: 'python' };
    expect(problems(run(scorer, context, '    return max(n, 1\n'))).toEqual(['cut_off']);
    expect(problems(run(scorer, context, '    for i in range(n):\n'))).toEqual(['cut_off']);
    expect(problems(run(scorer, context, '    return n\n'))).toEqual([]);
  });

  it('flags prose that ends mid-sentence, but not lists, headings or numbers', () => {
    expect(withCode(run(scorer, {}, 'We first sort the list, and then'), 'cut_off')[0]?.severity).toBe(
      'error',
    );
    expect(withCode(run(scorer, {}, 'We first sort the list then merge it'), 'cut_off')[0]?.severity).toBe(
      'warning',
    );
    expect(problems(run(scorer, {}, 'We first sort the list.'))).toEqual([]);
    expect(problems(run(scorer, {}, 'Steps:\n- sort the list\n- merge the halves'))).toEqual([]);
    expect(problems(run(scorer, {}, 'So the total number of apples is 42'))).toEqual([]);
  });

  it('only judges cut-offs once the text has ended', () => {
    const r = run(scorer, {}, 'We first sort the list, and then', 0, false);
    expect(r.value).toBe(1);
  });

  it('can leave the language checks out (for prose tasks)', () => {
    const lenient = createBestPracticesScorer({ languageChecks: false });
    expect(problems(run(lenient, {}, js('var x = 1; // TODO')))).toEqual(['todo']);
  });

  it('validates its options', () => {
    expect(() => createBestPracticesScorer({ languageChecks: 1 as unknown as boolean })).toThrow(
      /`languageChecks`/,
    );
    expect(() => createBestPracticesScorer({ weights: { warning: Number.NaN } })).toThrow(
      /`weights.warning`/,
    );
  });
});
