import { describe, expect, it } from 'vitest';
import { wrapText } from '../../src/cli/wrapText.js';

describe('wrapText', () => {
  it('wraps at word boundaries, hangs continuation lines, keeps line breaks, cuts long words', () => {
    expect(wrapText('one two three four', 10)).toEqual(['one two', 'three four']);
    expect(wrapText('label: alpha beta gamma delta', 17, '       ')).toEqual([
      'label: alpha beta',
      '       gamma',
      '       delta',
    ]);
    expect(wrapText('a\n\nb', 20)).toEqual(['a', '', 'b']);
    expect(wrapText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    for (const line of wrapText('word '.repeat(100), 33, '    ')) expect(line.length).toBeLessThanOrEqual(33);
  });
});
