import { describe, expect, it } from 'vitest';
import { createLineLexer } from '../../src/scorers/codeLexInternals.js';

describe('createLineLexer', () => {
  it('blanks Python strings and comments, keeping f-string fields but not their format specs', () => {
    const lx = createLineLexer('python');
    const line = 'x = f"{a[1:2]} {n:b} {d!r:>10} {{lit}}"  # note == None';
    const { code, comment } = lx.lex(line);
    expect(code).toHaveLength(line.length);
    expect(code.slice(0, 39)).toBe('x = f"{a[1:2]} {n  } {d      }        "');
    expect(code.slice(39).trim()).toBe('');
    expect(comment).toBe(' note == None');
  });

  it('carries triple-quoted strings and block comments across lines', () => {
    const py = createLineLexer('python');
    expect(py.lex('s = """doc (').code).toBe('s = """     ');
    expect(py.open).toBe(true);
    expect(py.lex('more) """ + t').code).toBe('      """ + t');
    expect(py.open).toBe(false);
    const js = createLineLexer('js');
    expect(js.lex('a = 1; /* start').code).toBe('a = 1;         ');
    expect(js.lex('end */ b = "x // y";').code).toBe('       b = "      ";');
  });

  it('reads JS template fields as code, regex literals as strings, and Rust lifetimes as code', () => {
    const js = createLineLexer('js');
    const field = `$${'{'}b + 1}`; // the JS source text `${b + 1}`
    expect(js.lex(`const s = \`a ${field} c\`;`).code).toBe(`const s = \`  ${field}  \`;`);
    expect(js.lex('const re = /[/]x\\//g; y = a / b / c;').code).toBe('const re = /      /g; y = a / b / c;');
    const rust = createLineLexer('c');
    expect(rust.lex("fn f<'a>(x: &'a str) -> char { 'z' }").code).toBe(
      "fn f<'a>(x: &'a str) -> char { ' ' }",
    );
  });
});
