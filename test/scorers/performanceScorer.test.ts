import { describe, expect, it } from 'vitest';
import { collectionKey, createPerformanceScorer } from '../../src/scorers/performanceScorer.js';
import { problems, run, withCode } from './heuristicScorerHelpers.js';

const scorer = createPerformanceScorer();
const block = (language: string, code: string) => `\`\`\`${language}\n${code}\n\`\`\`\n`;

describe('collectionKey', () => {
  it.each([
    ['xs', 'xs'],
    ['range(len(xs))', 'xs'],
    ['range(i + 1, len(xs))', 'xs'],
    ['range(len(xs) - 1)', 'xs'],
    ['enumerate(xs)', 'xs'],
    ['xs[i+1:]', 'xs'],
    ['d.items()', 'd'],
    ['range(n)', 'n'],
    ['zip(a, b)', undefined],
  ])('%s → %s', (expression, key) => {
    expect(collectionKey(expression)).toBe(key);
  });
});

describe('createPerformanceScorer: Python', () => {
  it('scores linear code 1', () => {
    const code =
      'def dupes(xs):\n    seen = set()\n    out = []\n    for x in xs:\n        if x in seen:\n            out.append(x)\n        seen.add(x)\n    return len(out)';
    expect(run(scorer, {}, block('python', code))).toEqual({ value: 1, findings: [] });
  });

  it('flags nested loops over the same collection, with the inner loop line', () => {
    const code =
      'for i in range(len(xs)):\n    for j in range(i + 1, len(xs)):\n        if xs[i] == xs[j]:\n            return True';
    const r = run(scorer, {}, block('python', code));
    expect(withCode(r, 'nested_loop_same_collection')).toEqual([
      expect.objectContaining({ severity: 'warning', line: 3 }),
    ]);
    expect(r.value).toBeCloseTo(1 / 1.2);
    // different collections, or the same one after the loop ended, are fine
    expect(
      problems(run(scorer, {}, block('python', 'for a in xs:\n    for b in ys:\n        pass'))),
    ).toEqual([]);
    expect(
      problems(run(scorer, {}, block('python', 'for a in xs:\n    pass\nfor b in xs:\n    pass'))),
    ).toEqual([]);
  });

  it('flags nested comprehension clauses over one collection', () => {
    expect(problems(run(scorer, {}, block('python', 'pairs = [(a, b) for a in xs for b in xs]')))).toEqual([
      'nested_loop_same_collection',
    ]);
  });

  it.each([
    ['for x in xs:\n    ys = sorted(xs)', 'sort_in_loop'],
    ['for x in xs:\n    i = xs.index(x)', 'linear_search_in_loop'],
    ['seen = []\nfor x in xs:\n    if x not in seen:\n        seen.append(x)', 'linear_search_in_loop'],
    ['import re\nfor s in lines:\n    p = re.compile("a+")', 'regex_compile_in_loop'],
    ['while q:\n    q.pop(0)', 'front_of_list_in_loop'],
    ['s = ""\nfor w in words:\n    s += w', 'quadratic_string_building'],
    ['out = ""\nfor w in words:\n    out = out + w + " "', 'quadratic_string_building'],
  ])('flags %j as %s', (code, expected) => {
    expect(problems(run(scorer, {}, block('python', code)))).toEqual([expected]);
  });

  it('does not flag membership in a set, len() in a loop, or sorting once', () => {
    const code =
      'seen = set()\nxs = sorted(xs)\nfor x in xs:\n    n = len(xs)\n    if x in seen:\n        continue';
    expect(problems(run(scorer, {}, block('python', code)))).toEqual([]);
  });

  it('reports `await` in a loop as info only', () => {
    const r = run(
      scorer,
      {},
      block('python', 'async def main(urls):\n    for u in urls:\n        await fetch(u)'),
    );
    expect(withCode(r, 'await_in_loop')).toEqual([expect.objectContaining({ severity: 'info' })]);
    expect(r.value).toBe(1);
  });
});

describe('createPerformanceScorer: brace languages', () => {
  it('flags nested index loops and callback loops over one array', () => {
    const code =
      'for (let i = 0; i < xs.length; i++) {\n  for (let j = 0; j < xs.length; j++) {\n    if (i !== j && xs[i] === xs[j]) return true;\n  }\n}';
    expect(problems(run(scorer, {}, block('js', code)))).toEqual(['nested_loop_same_collection']);
    const callbacks = 'xs.forEach((a) => {\n  xs.forEach((b) => {\n    pairs.push([a, b]);\n  });\n});';
    expect(problems(run(scorer, {}, block('ts', callbacks)))).toEqual(['nested_loop_same_collection']);
  });

  it('flags linear searches and regex construction inside loops, also in one-line callbacks', () => {
    expect(
      problems(run(scorer, {}, block('js', 'for (const x of xs) {\n  if (ys.includes(x)) n++;\n}'))),
    ).toEqual(['linear_search_in_loop']);
    expect(
      problems(run(scorer, {}, block('js', 'const common = xs.filter((x) => ys.includes(x));'))),
    ).toEqual(['linear_search_in_loop']);
    expect(
      problems(run(scorer, {}, block('js', 'for (const s of lines) {\n  const re = new RegExp("a+");\n}'))),
    ).toEqual(['regex_compile_in_loop']);
  });

  it('ends a loop with its body: the same work after it is fine', () => {
    const code = 'for (const x of xs) {\n  total += x;\n}\nconst i = xs.indexOf(3);';
    expect(problems(run(scorer, {}, block('js', code)))).toEqual([]);
    const oneLineBody = 'for (let i = 0; i < n; i++)\n  total += i;\nconst k = xs.indexOf(3);';
    expect(problems(run(scorer, {}, block('js', oneLineBody)))).toEqual([]);
  });

  it('flags string building in Java loops as a warning and in JS as info', () => {
    const java = 'String s = "";\nfor (int i = 0; i < n; i++) {\n  s += i;\n}';
    expect(problems(run(scorer, {}, block('java', java)))).toEqual(['quadratic_string_building']);
    const jsCode = 'let s = "";\nfor (const w of words) {\n  s += w;\n}';
    const r = run(scorer, {}, block('js', jsCode));
    expect(withCode(r, 'quadratic_string_building')).toEqual([expect.objectContaining({ severity: 'info' })]);
  });

  it('validates its options', () => {
    expect(() => createPerformanceScorer({ name: '' })).toThrow(/`name`/);
    expect(() => createPerformanceScorer({ weights: { warning: -1 } })).toThrow(/`weights.warning`/);
  });
});
