import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeFenceClosed } from '../../src/operators/codeFenceClosed.js';

/** Feeds the deltas to a fresh detector; returns the indexes of the deltas it fired on. */
const fires = (deltas: readonly string[]): number[] => {
  const detect = codeFenceClosed();
  return deltas.flatMap((d, i) => (detect(d) ? [i] : []));
};

describe('codeFenceClosed', () => {
  it('fires on the closing fence line, not on the opening one', () => {
    expect(fires(['```py\n', 'x = 1\n', '```\n', 'done'])).toEqual([2]);
  });

  it('fires only once the closing line has ended, across deltas', () => {
    expect(fires(['```\nx\n`', '`', '`', '  ', '\nafter'])).toEqual([4]);
  });

  it('needs a closing fence of the same character, at least as long', () => {
    expect(fires(['````\n', 'a\n', '```\n', '~~~~\n', '`````\n'])).toEqual([4]);
    expect(fires(['~~~\n', '```\n', '~~~\n'])).toEqual([2]);
  });

  it('ignores lines that are not fences', () => {
    expect(fires(['use ```x``` inline\n', '```js\n', '```js\n', '    ```\n', '``` x\n', '```\r\n'])).toEqual([
      5,
    ]);
  });

  it('handles several blocks in one delta and CRLF line ends', () => {
    const detect = codeFenceClosed();
    expect(detect('```\r\na\r\n```\r\ntext\r\n```\r\nb')).toBe(true);
    expect(detect('\r\n```\r\n')).toBe(true);
  });

  it('gives the same answer whatever the chunking of the text', () => {
    const text = 'intro\n```ts\nconst a = 1;\n```\nmiddle ``` not a fence\n~~~\nb\n~~~\nend\n';
    // The closing lines end at these offsets (the index of their '\n').
    const closes = [text.indexOf('```\nmiddle') + 3, text.lastIndexOf('~~~\nend') + 3];
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 30 }), (cuts) => {
        const bounds = [0, ...cuts.sort((a, b) => a - b), text.length];
        const deltas = bounds.slice(1).map((b, i) => text.slice(bounds[i], b));
        const expected = [...new Set(closes.map((c) => bounds.findIndex((b) => b > c) - 1))];
        expect(fires(deltas)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
