import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBestPracticesScorer } from '../../src/scorers/bestPracticesScorer.js';
import { createCompletenessScorer } from '../../src/scorers/completenessScorer.js';
import { createConsistencyScorer } from '../../src/scorers/consistencyScorer.js';
import { createPerformanceScorer } from '../../src/scorers/performanceScorer.js';
import { createQualityScorer } from '../../src/scorers/qualityScorer.js';
import type { ScoreContext, Scorer } from '../../src/scorers/scorer.js';
import { report, runCuts } from './heuristicScorerHelpers.js';

const scorers: [string, Scorer][] = [
  ['completeness', createCompletenessScorer() as Scorer],
  ['consistency', createConsistencyScorer() as Scorer],
  ['bestPractices', createBestPracticesScorer() as Scorer],
  ['performance', createPerformanceScorer() as Scorer],
  ['quality', createQualityScorer({ task: 'code' }) as Scorer],
];

const PREFIX =
  'from typing import List\n\ndef pairs(xs: List[int], k: int) -> int:\n    """Count pairs of xs that sum to k."""\n';

/** Contexts of every kind the scorers treat differently. */
const contexts: fc.Arbitrary<Partial<ScoreContext>> = fc.constantFrom<Partial<ScoreContext>>(
  {
    prompt: 'Write `count(xs, k)` in Python. It must handle empty lists. Answer in JSON, under 50 words.',
    task: 'code',
  },
  {
    prompt: 'Janet has 3 apples and buys 5 more. How many? Show the steps in a numbered list.',
    task: 'math',
  },
  { prompt: PREFIX, codePrefix: PREFIX, task: 'code', entryPoint: 'pairs', language: 'python' },
  { prompt: 'Compare cats and dogs in a table; mention "litter" and save to notes.md.', task: 'text' },
  { prompt: '', task: 'code' },
);

/** Pieces that exercise the scorers: fences, code in several languages, arithmetic, answers. */
const pieces = fc.constantFrom(
  '```python\n',
  '```ts\n',
  '```js\n',
  '```\n',
  '~~~\n',
  '\n',
  '\r\n',
  '    ',
  'def count(xs, k=[]):\n',
  '    for a in xs:\n        for b in xs:\n            if a + b == k: n += 1\n',
  '    return helper(xs)\n',
  'import os\nfrom re import *\n',
  'try:\n    x = eval(s)\nexcept:\n    pass  # TODO\n',
  's = ""\nfor w in ws:\n    s += w\n',
  'var x = a == b;\nfetch(u).then((r) => {\n',
  '});\nconst f = (a: any, b) => a.includes(b);\n',
  'for (let i = 0; i < xs.length; i++) {\n',
  '}\n',
  '"""doc with ( and [\n',
  "f'{x!r}' # rest of the code here\n",
  '35 + 22 = 58. ',
  '$5 \\times 8 = $40 and \\frac{16}{2} = 8.\n',
  'The answer is 12. ',
  'Therefore he pays $60.\n\\boxed{64}',
  '#### 1,234\n',
  '| a | b |\n|---|---|\n| 1 | 2 |\n',
  '- item one\n- item two\n',
  'notes.md "litter" empty lists negative numbers ',
  'Cats and dogs, and',
  '💡 naïve café 𝒳 ',
  '\u0000\u200b\ud83d',
);

const texts = fc.oneof(
  fc.array(pieces, { maxLength: 25 }).map((parts) => parts.join('')),
  fc
    .array(fc.oneof(pieces, fc.string({ unit: 'binary', maxLength: 30 })), { maxLength: 15 })
    .map((p) => p.join('')),
);

const cutsOf = (text: fc.Arbitrary<string>) =>
  text.chain((t) =>
    fc.tuple(fc.constant(t), fc.array(fc.integer({ min: 0, max: Math.max(0, t.length) }), { maxLength: 12 })),
  );

describe.each(scorers)('%s scorer properties', (_name, scorer) => {
  it('gives the same final report for any chunking of the text, done or not', () => {
    fc.assert(
      fc.property(contexts, cutsOf(texts), (context, [text, cuts]) => {
        for (const done of [true, false]) {
          const whole = runCuts(scorer, context, text, [], done);
          expect(runCuts(scorer, context, text, cuts, done)).toEqual(whole);
          // one character at a time is the most extreme chunking
          if (cuts.length === 0)
            expect(
              runCuts(
                scorer,
                context,
                text,
                [...text].map((_, i) => i),
                done,
              ),
            ).toEqual(whole);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('keeps scores in [0, 1] at every step', () => {
    fc.assert(
      fc.property(contexts, texts, fc.integer({ min: 1, max: 9 }), (context, text, chunk) => {
        let state = scorer.init({ prompt: '', variant: 'v', ...context });
        for (let i = 0; i < text.length; i += chunk) {
          state = scorer.feed(state, text.slice(i, i + chunk));
          const value = report(scorer.score(state, false)).value;
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
        }
        const final = report(scorer.score(state, true)).value;
        expect(final >= 0 && final <= 1).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('never throws on arbitrary Unicode text and prompts', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.constantFrom(undefined, 'code', 'math', 'text', 'choice'),
        fc.boolean(),
        (text, prompt, task, asPrefix) => {
          const context: Partial<ScoreContext> = { prompt, ...(task ? { task } : {}) };
          const r = runCuts(
            scorer,
            asPrefix ? { ...context, codePrefix: prompt, language: 'python' } : context,
            text,
            [Math.floor(text.length / 2)],
          );
          expect(Number.isFinite(r.value)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
