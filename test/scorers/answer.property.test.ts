import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractAnswer } from '../../src/scorers/answer.js';

const KINDS = ['math', 'choice', 'code', 'text'] as const;

describe('extractAnswer properties', () => {
  it('never throws on arbitrary Unicode, and a math answer is a canonical number', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.constantFrom(...KINDS),
        (text, kind) => {
          const out = extractAnswer(text, kind, { prompt: text.slice(0, 20) });
          if (kind === 'math' && out !== undefined) expect(out).toMatch(/^-?\d+(?:\.\d+)?(?:e[+-]\d+)?$/);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads an integer however it is dressed: separators, currency, decimals, box, phrase', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000_000, max: 10_000_000 }),
        fc.constantFrom('plain', 'dollar', 'cents', 'box', 'hashes', 'phrase'),
        (n, style) => {
          const grouped = n.toLocaleString('en-US');
          const text = {
            plain: `So the total is ${grouped}`,
            dollar: `She makes $${grouped} per year`,
            cents: `That costs ${grouped}.00`,
            box: `Thus \\boxed{${grouped} apples}`,
            hashes: `work 1 + 2 = 3\n#### ${grouped}`,
            phrase: `The answer is ${grouped}. (Checked 12 times.)`,
          }[style];
          expect(extractAnswer(text, 'math')).toBe(String(n));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives equal code fingerprints to a program with comments, blank lines and spacing added', () => {
    const lines: [number, string][] = [
      [0, 'def f(xs, k):'],
      [1, 'total = 0'],
      [1, 'for x in xs:'],
      [2, 'if x > k:'],
      [3, 'total += x * 2'],
      [1, 'return total'],
    ];
    const base = lines.map(([d, l]) => `${'    '.repeat(d)}${l}`).join('\n');
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('', '# note', '   ', '    # indented note'), {
          minLength: lines.length,
          maxLength: lines.length,
        }),
        fc.array(fc.boolean(), { minLength: lines.length, maxLength: lines.length }),
        fc.constantFrom(2, 4, 8),
        (extra, trailing, width) => {
          const noisy = lines
            .map(([d, l], i) => {
              const code = `${' '.repeat(width * d)}${l.replace(/ ([=+*>]) /g, trailing[i] ? '  $1 ' : '$1')}`;
              return `${extra[i]}\n${code}${trailing[i] ? '   # why' : ''}`;
            })
            .join('\n');
          expect(extractAnswer(noisy, 'code', { language: 'python' })).toBe(
            extractAnswer(base, 'code', { language: 'python' }),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
