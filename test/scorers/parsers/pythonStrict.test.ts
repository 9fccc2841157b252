import { beforeAll, describe, expect, it } from 'vitest';
import { checkSyntax, loadLanguage } from '../../../src/scorers/parsers/checkSyntax.js';

const errors = (code: string) => checkSyntax('python', code)!.errors;

// Code tree-sitter's Python grammar accepts but CPython rejects (each case checked with
// python3.11 `compile()`), and look-alikes that are valid and must stay accepted.
describe('Python checks beyond tree-sitter', () => {
  beforeAll(async () => {
    await loadLanguage('python');
  });

  it('flags an empty body (nothing, or only a comment, after the colon)', () => {
    expect(errors('def f():\n\nx = 1\n')).toMatchObject([{ message: 'expected an indented block', line: 1 }]);
    expect(errors('while x:\n    # later\n')).toMatchObject([
      { message: 'expected an indented block', line: 1 },
    ]);
    expect(errors('def f(x):\n    if x:\n')).toMatchObject([
      { message: 'expected an indented block', line: 2 },
    ]);
  });

  it('flags Python 2 print and exec statements, not print calls', () => {
    expect(errors('print "x"\n')[0]?.message).toMatch(/Python 2 print/);
    expect(errors('exec "x = 1"\n')[0]?.message).toMatch(/Python 2 exec/);
    expect(errors('print("x")\nprint ("y")\nprint\nprint("a", file=sys.stderr)\n')).toEqual([]);
  });

  it('flags inconsistent indentation', () => {
    expect(errors('x = 1\n    y = 2\n')).toMatchObject([{ message: 'unexpected indent', line: 2 }]);
    expect(errors('def f():\n    a = 1\n      b = 2\n')).toMatchObject([
      { message: 'unexpected indent', line: 3 },
    ]);
    expect(errors('def f():\n    return 1\n  x = 2\n')).toMatchObject([
      { message: 'unindent does not match any outer indentation level', line: 3 },
    ]);
    expect(errors('def f():\n\treturn 1\n        return 2\n')).toMatchObject([{ line: 3 }]);
  });

  it('flags two statements run together on one line', () => {
    expect(errors('def f(x):\n    return sum(x)import os\n')).toMatchObject([
      { message: 'missing newline or ";" between statements', line: 2, column: 18 },
    ]);
    expect(errors('x = 1; y = 2\nif x: a; b\nclass A: pass\n')).toEqual([]);
  });

  it('flags a try without handler, late __future__ imports and unparenthesized trailing commas', () => {
    expect(errors('try:\n    x = 1\n')).toMatchObject([
      { message: "expected 'except' or 'finally' block", line: 1 },
    ]);
    expect(errors('import os\nfrom __future__ import annotations\n')).toMatchObject([{ line: 2 }]);
    expect(errors('"""Doc."""\n# c\nfrom __future__ import annotations\nimport os\n')).toEqual([]);
    expect(errors('from a import b, c,\n')).toMatchObject([{ line: 1, column: 19 }]);
    expect(errors('from a import (b, c,)\n')).toEqual([]);
  });

  it('accepts modern valid Python', () => {
    const code = [
      'from __future__ import annotations',
      'import asyncio',
      '',
      '@dataclass(frozen=True)',
      'class P:',
      '    x: int = 0',
      '',
      '    def norm(self) -> float:',
      '        """Length."""',
      '        match self.x:',
      '            case 0:',
      '                return 0.0',
      '            case _:',
      '                return float(abs(self.x))',
      '',
      'async def main(*args, **kw):',
      '    async with lock:',
      '        await asyncio.sleep(0)',
      '    try:',
      '        pass',
      '    except* ValueError as e:',
      '        raise RuntimeError() from e',
      '    finally:',
      '        ...',
      '    f = lambda a, /, b=2: (a := b)',
      '    return [y for y in range(3) if y], {**kw}, f"{args!r:>10}"',
      '',
    ].join('\n');
    expect(errors(code)).toEqual([]);
  });
});
