import { describe, expect, it } from 'vitest';
import { blockLanguage } from '../../../src/scorers/parsers/blockLanguage.js';
import { detectLanguage } from '../../../src/scorers/parsers/detectLanguage.js';

describe('detectLanguage', () => {
  const samples: readonly [string, string][] = [
    ['python', 'import os\n\ndef main():\n    print(os.getcwd())\n'],
    ['python', 'for i in range(3):\n    print(i)\n'],
    ['javascript', 'const add = (a, b) => a + b;\nconsole.log(add(1, 2));\n'],
    ['typescript', 'export interface User {\n  id: number;\n}\nconst u: User = { id: 1 };\n'],
    ['rust', 'fn main() {\n    let mut x = 1;\n    println!("{}", x);\n}\n'],
    ['go', 'package main\n\nfunc main() {}\n'],
    ['go', 'func add(a int, b int) int {\n\tc := a + b\n\treturn c\n}\n'],
    [
      'java',
      'public class Main {\n  public static void main(String[] args) {\n    System.out.println(1);\n  }\n}\n',
    ],
    ['c', '#include <stdio.h>\nint main(void) {\n  printf("hi");\n}\n'],
    ['cpp', '#include <iostream>\nint main() {\n  std::cout << "hi";\n}\n'],
    ['csharp', 'using System;\nclass P { static void Main() { Console.WriteLine(1); } }\n'],
    ['ruby', 'def add(a, b)\n  a + b\nend\nputs add(1, 2)\n'],
    ['bash', 'npm install\ncd app && npm test\n'],
    ['bash', '#!/bin/sh\necho hi\n'],
    ['php', '<?php\necho 1;\n'],
    ['css', '.btn {\n  color: red;\n}\n'],
    ['json', '{\n  "name": "x",\n  "version": "1.0.0"\n}\n'],
    ['yaml', 'services:\n  web:\n    image: nginx\n'],
    ['toml', '[package]\nname = "x"\nversion = "0.1.0"\n'],
    ['sql', 'SELECT id, name FROM users WHERE id = 1;\n'],
    ['html', '<!DOCTYPE html>\n<html></html>\n'],
  ];
  for (const [language, code] of samples) {
    it(`recognizes ${language}: ${JSON.stringify(code.slice(0, 30))}`, () => {
      expect(detectLanguage(code)).toBe(language);
    });
  }

  it('leaves prose, program output and tracebacks alone', () => {
    for (const text of [
      'Hello, world!',
      '[1, 2, 3]',
      'True',
      'Traceback (most recent call last):\n  File "x.py", line 1, in <module>\nZeroDivisionError: division by zero',
      'The answer is 42.\nThat is all.',
      '',
      '   \n  ',
      '42\n43\n',
    ]) {
      expect([text, detectLanguage(text)]).toEqual([text, undefined]);
    }
  });

  it('lets the hint break ties', () => {
    const ambiguous = 'x = 1\ny = 2\n';
    expect(detectLanguage(ambiguous)).toBeUndefined();
    expect(detectLanguage('return x\n', 'python')).toBeUndefined(); // one weak signal is not enough
    expect(detectLanguage('if x:\n    return y\n', 'python')).toBe('python');
  });

  it('looks only at the start of long code', () => {
    const long = `def f():\n    return 1\n${'x = 1\n'.repeat(100_000)}`;
    const started = performance.now();
    expect(detectLanguage(long)).toBe('python');
    expect(performance.now() - started).toBeLessThan(500); // generous: a full scan would still pass, but slowly
  });
});

describe('blockLanguage', () => {
  it('uses the fence label, folded, and detects unlabeled blocks', () => {
    expect(blockLanguage('py', 'x')).toBe('python');
    expect(blockLanguage('TypeScript title="a.ts"', 'x')).toBe('typescript');
    expect(blockLanguage('jsonc', '{}')).toBe('jsonc');
    expect(blockLanguage('', 'fn main() {\n    let mut x = 1;\n}')).toBe('rust');
    expect(blockLanguage('', 'just words')).toBeUndefined();
  });

  it('keeps labels that are not parseable code apart', () => {
    expect(blockLanguage('console', '$ npm test')).toBe('console');
    expect(blockLanguage('json5', '{a: 1}')).toBe('json5');
    expect(blockLanguage('text', 'x')).toBe('text');
    expect(blockLanguage('sql', 'SELECT 1')).toBe('sql');
  });
});
