import { describe, expect, it } from 'vitest';
import { codeNormalForm } from '../../src/scorers/codeNormalForm.js';

describe('codeNormalForm', () => {
  it('drops comments, docstrings, blank lines and spacing, keeping identifiers', () => {
    const a = 'def add(a, b):\n    """Add two numbers."""\n\n    # the sum\n    return a + b  # done\n';
    const b = "def add(a,b):\n  '''Other docs.'''\n  return a+b\n";
    expect(codeNormalForm(a, { language: 'python' })).toBe('def add ( a , b ) : ⏎ ⇥ return a + b ⏎ ⇤');
    expect(codeNormalForm(b, { language: 'python' })).toBe(codeNormalForm(a, { language: 'python' }));
    expect(codeNormalForm('def add(x, y):\n    return x + y\n')).not.toBe(codeNormalForm(a));
  });

  it('keeps Python block structure: different nesting is a different program', () => {
    const inside = 'for x in xs:\n    if x:\n        n += 1\n    m += 1\n';
    const outside = 'for x in xs:\n    if x:\n        n += 1\nm += 1\n';
    expect(codeNormalForm(inside, { language: 'python' })).not.toBe(
      codeNormalForm(outside, { language: 'python' }),
    );
  });

  it('treats brackets spanning lines as one logical line', () => {
    const one = 'x = [1, 2,\n     3]\ny = x\n';
    const two = 'x = [1, 2, 3]\ny = x\n';
    expect(codeNormalForm(one, { language: 'python' })).toBe(codeNormalForm(two, { language: 'python' }));
  });

  it('keeps string contents (including "#" inside strings) and multi-character operators', () => {
    expect(codeNormalForm('s = "a # b"  # real comment\nx **= 2\n', { language: 'python' })).toBe(
      's = "a # b" ⏎ x **= 2 ⏎',
    );
  });

  it('handles C-like languages: // and /* */ comments, no layout tokens', () => {
    const a = 'function f(x) {\n  // inc\n  return x + 1; /* done */\n}\n';
    const b = 'function f(x){return x+1;}';
    expect(codeNormalForm(a, { language: 'javascript' })).toBe('function f ( x ) { return x + 1 ; }');
    expect(codeNormalForm(b, { language: 'javascript' })).toBe(codeNormalForm(a, { language: 'javascript' }));
    // A template literal (built by concatenation so it stays a plain string here) keeps its `//`.
    const template = 'const s = `a $' + '{b} // c`;';
    expect(codeNormalForm(template, { language: 'typescript' })).toBe('const s = `a $' + '{b} // c` ;');
  });

  it('reads the fenced blocks of a Markdown answer, with their language', () => {
    const md = 'Here you go:\n\n```python\ndef f():\n    return 1  # one\n```\n\nHope it helps!';
    expect(codeNormalForm(md)).toBe('def f ( ) : ⏎ ⇥ return 1 ⏎ ⇤');
  });

  it('with `continuation`, keeps only the indented body of a completion', () => {
    const completion = '    return sorted(xs)\n\nprint(f([3, 1]))\nf([2])\n';
    expect(codeNormalForm(completion, { language: 'python', continuation: true })).toBe(
      'return sorted ( xs ) ⏎',
    );
    expect(codeNormalForm(completion, { language: 'python' })).toContain('print');
  });

  it('validates options', () => {
    // @ts-expect-error wrong type on purpose
    expect(() => codeNormalForm('x', { language: 1 })).toThrow(/`language`/);
    // @ts-expect-error wrong type on purpose
    expect(() => codeNormalForm('x', { continuation: 'yes' })).toThrow(/`continuation`/);
  });
});
