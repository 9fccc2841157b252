import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFenceTracker, extractCodeBlocks, normalizeLanguage } from '../../src/scorers/codeBlocks.js';

const answer = [
  'Here is the function:',
  '```py',
  'def f(x):',
  '    return x + 1',
  '```',
  'And a test:',
  '~~~~ javascript {1}',
  'console.log(f(1));',
  '```',
  'still code, the fence above is not a closer',
  '~~~~',
  '```ts',
  'const unfinished =',
].join('\n');

describe('createFenceTracker', () => {
  it('finds closed blocks with language, offset and line, and the unclosed last block', () => {
    const blocks = extractCodeBlocks(answer);
    expect(blocks.map((b) => [b.language, b.code, b.line, b.closed])).toEqual([
      ['python', 'def f(x):\n    return x + 1', 3, true],
      ['javascript', 'console.log(f(1));\n```\nstill code, the fence above is not a closer', 8, true],
      ['typescript', 'const unfinished =', 13, false],
    ]);
    for (const b of blocks) expect(answer.slice(b.offset, b.offset + b.code.length)).toBe(b.code);
  });

  it('reports a block as soon as the delta with its closing fence arrives', () => {
    const t = createFenceTracker();
    expect(t.feed('```json\n{"a": 1}\n``')).toEqual([]);
    expect(t.inBlock).toBe(true);
    const closed = t.feed('`\nafter');
    expect(closed).toHaveLength(1);
    expect(closed[0]?.code).toBe('{"a": 1}');
    expect(t.inBlock).toBe(false);
    expect(t.finish()).toBeUndefined();
  });

  it('closes a block whose closing fence is the last line without a newline', () => {
    const t = createFenceTracker();
    t.feed('```\nx\n```');
    expect(t.finish()).toBeUndefined();
    expect(t.blocks.map((b) => b.code)).toEqual(['x']);
  });

  it('gives the same blocks for any chunking of the text', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: answer.length }), { maxLength: 20 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const t = createFenceTracker();
        let last = 0;
        for (const p of [...points, answer.length]) {
          t.feed(answer.slice(last, p));
          last = p;
        }
        const tail = t.finish();
        expect(tail ? [...t.blocks, tail] : t.blocks).toEqual(extractCodeBlocks(answer));
      }),
      { numRuns: 200 },
    );
  });
});

describe('normalizeLanguage', () => {
  it('folds aliases and ignores attributes', () => {
    expect(normalizeLanguage('py')).toBe('python');
    expect(normalizeLanguage('C++')).toBe('cpp');
    expect(normalizeLanguage('tsx title="a.tsx"')).toBe('tsx');
    expect(normalizeLanguage('yml')).toBe('yaml');
    expect(normalizeLanguage('  ')).toBeUndefined();
  });
});

describe('CRLF text', () => {
  it('keeps code equal to the slice of the text at its offset', () => {
    const text = 'Intro\r\n```js\r\nlet a = 1;\r\nlet b = 2;\r\n```\r\nend';
    const [block] = extractCodeBlocks(text);
    expect(block?.language).toBe('javascript');
    expect(block?.closed).toBe(true);
    expect(text.slice(block!.offset, block!.offset + block!.code.length)).toBe(block!.code);
    expect(block?.code.replaceAll('\r', '')).toBe('let a = 1;\nlet b = 2;');
  });
});

describe('fences in list items and at the end of the text', () => {
  it('finds fences indented inside (nested) list items, keeping the exact text', () => {
    const text = '1. Step one:\n    ```python\n    print(1)\n    ```\n2. Done';
    const [block] = extractCodeBlocks(text);
    expect(block).toMatchObject({
      language: 'python',
      code: '    print(1)',
      indent: 4,
      closed: true,
      line: 3,
    });
    expect(text.slice(block!.offset, block!.offset + block!.code.length)).toBe(block!.code);
  });

  it('places an opener on the last line, without a newline, at the end of the text', () => {
    const text = 'Intro\n```py';
    const [block] = extractCodeBlocks(text);
    expect(block).toMatchObject({
      language: 'python',
      code: '',
      closed: false,
      offset: text.length,
      line: 2,
    });
  });
});
