import { describe, expect, it } from 'vitest';
import { dedentCode } from '../../../src/scorers/parsers/dedentCode.js';

describe('dedentCode', () => {
  it('strips the shared indentation, ignoring blank lines, and maps positions back', () => {
    const code = '   import x\n\n   def f():\n       return (x +)\n';
    const d = dedentCode(code);
    expect(d.code).toBe('import x\n\ndef f():\n    return (x +)\n');
    const inDedented = { message: 'm', line: 4, column: 15, offset: d.code.indexOf('+') };
    const restored = d.restore(inDedented);
    expect(restored).toEqual({ message: 'm', line: 4, column: 18, offset: code.indexOf('+') });
  });

  it('leaves code without shared indentation alone', () => {
    const d = dedentCode('a\n  b\n');
    expect(d.code).toBe('a\n  b\n');
    const issue = { message: 'm', line: 2, column: 3, offset: 4 };
    expect(d.restore(issue)).toBe(issue);
  });

  it('shares only the common prefix of mixed tabs and spaces', () => {
    expect(dedentCode('\t  a\n\t b').code).toBe(' a\nb');
    expect(dedentCode(' \ta\n\t b').code).toBe(' \ta\n\t b');
  });
});
