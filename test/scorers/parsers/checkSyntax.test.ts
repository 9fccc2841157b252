import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkSyntax,
  isLanguageLoaded,
  loadLanguage,
  prepareParsers,
  SYNTAX_LANGUAGES,
  syntaxLanguage,
} from '../../../src/scorers/parsers/checkSyntax.js';
import { SYNTAX_SAMPLES as CASES } from './syntaxSamples.js';

describe('checkSyntax', () => {
  beforeAll(async () => {
    await prepareParsers();
  });

  it('has a good and a bad example for every supported language', () => {
    expect(Object.keys(CASES).sort()).toEqual([...SYNTAX_LANGUAGES].sort());
  });

  for (const [language, [good, bad, line]] of Object.entries(CASES)) {
    it(`${language}: accepts valid code and locates the error in invalid code`, () => {
      expect(checkSyntax(language, good)?.errors).toEqual([]);
      const result = checkSyntax(language, bad);
      expect(result?.language).toBe(language);
      expect(result?.errors.length).toBeGreaterThan(0);
      const first = result!.errors[0]!;
      expect(first.line).toBe(line);
      expect(first.message).not.toBe('');
      // offset, line and column agree with each other
      const lines = bad.split('\n');
      const offsetOfLine = lines.slice(0, first.line - 1).reduce((n, l) => n + l.length + 1, 0);
      expect(first.offset).toBe(offsetOfLine + first.column - 1);
    });
  }

  it('uses oxc for JavaScript/TypeScript (exact messages, early errors) and tree-sitter for the rest', () => {
    expect(checkSyntax('js', 'const x;')?.parser).toBe('oxc');
    expect(checkSyntax('js', 'const x;')?.errors[0]?.message).toMatch(/Missing initializer/);
    expect(checkSyntax('javascript', 'let a = 1;\nlet a = 2;')?.errors[0]).toMatchObject({
      line: 2,
      column: 5,
    });
    expect(checkSyntax('python', 'x = 1')?.parser).toBe('tree-sitter');
  });

  it('accepts JSX in javascript, and TSX fenced as typescript', () => {
    expect(checkSyntax('javascript', 'const a = <div>{x}</div>;')?.errors).toEqual([]);
    expect(checkSyntax('typescript', 'const a = (p: { x: number }) => <b>{p.x}</b>;')?.errors).toEqual([]);
    expect(checkSyntax('typescript', 'const a = <div>hi</span>;')?.errors.length).toBeGreaterThan(0);
  });

  it('reports positions in UTF-16 code units, after astral characters', () => {
    for (const language of ['python', 'javascript', 'json', 'rust']) {
      const code =
        language === 'json'
          ? '{"😀é": 1,}'
          : language === 'rust'
            ? 'fn m() { let s = "😀é"; let x = ; }'
            : 's = "😀é"; x = (1 +)';
      const error = checkSyntax(language, code)!.errors[0]!;
      const expected =
        { json: code.indexOf('}'), rust: code.lastIndexOf('='), python: code.indexOf('+') }[language] ??
        code.lastIndexOf(')'); // oxc: the unexpected `)`
      expect([language, error.offset]).toEqual([language, expected]);
      expect(error.column).toBe(expected + 1);
    }
  });

  it('checks PHP snippets without an opening tag, with positions in the snippet', () => {
    const errors = checkSyntax('php', '$a = 1;\n$b = ;\n')!.errors;
    expect(errors[0]).toMatchObject({ line: 2 });
    expect(checkSyntax('php', '$a = 1;\necho $a;\n')!.errors).toEqual([]);
  });

  it('reports one error per position, sorted, at most maxErrors', () => {
    const json = checkSyntax('json', '{"a": 1,}')!.errors;
    expect(json).toHaveLength(1);
    const many = Array.from({ length: 30 }, (_, i) => `x${i} = (1 +)`).join('\n');
    const capped = checkSyntax('python', many, 5)!.errors;
    expect(capped).toHaveLength(5);
    expect(capped.map((e) => e.offset)).toEqual([...capped.map((e) => e.offset)].sort((a, b) => a - b));
  });

  it('folds aliases and keeps jsonc apart from json', () => {
    expect(syntaxLanguage('py')).toBe('python');
    expect(syntaxLanguage('C++')).toBe('cpp');
    expect(syntaxLanguage('yml')).toBe('yaml');
    expect(syntaxLanguage('jsonc')).toBe('jsonc');
    expect(syntaxLanguage('sql')).toBeUndefined();
    expect(syntaxLanguage('html')).toBeUndefined();
    expect(checkSyntax('jsonc', '{ /* c */ "a": 1, }')?.errors).toEqual([]);
    expect(checkSyntax('json', '{ /* c */ "a": 1 }')?.errors.length).toBe(1);
  });

  it('returns undefined for unsupported languages and rejects loading them', async () => {
    expect(checkSyntax('sql', 'SELECT 1')).toBeUndefined();
    expect(isLanguageLoaded('sql')).toBe(false);
    await expect(loadLanguage('sql')).rejects.toThrow(TypeError);
    await expect(prepareParsers(['python', 'cobol'])).rejects.toThrow(/`cobol`/);
  });

  it('rejects an empty JSON document and raw control characters in strings', () => {
    expect(checkSyntax('json', '')!.errors).toHaveLength(1);
    expect(checkSyntax('json', '"a\u0001b"')!.errors).toMatchObject([{ line: 1 }]);
  });

  it('reports each YAML document’s errors and TOML’s first error with line and column', () => {
    const yaml = checkSyntax('yaml', 'a: 1\n---\nb: "open\n')!.errors;
    expect(yaml.length).toBeGreaterThan(0);
    expect(yaml[0]!.line).toBeGreaterThanOrEqual(3);
    const toml = checkSyntax('toml', 'a = 1\na = 2\n')!.errors;
    expect(toml).toHaveLength(1);
    expect(toml[0]!.line).toBe(2);
  });
});
