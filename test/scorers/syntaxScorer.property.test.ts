import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScoreContext, ScoreReport } from '../../src/scorers/scorer.js';
import { createSyntaxScorer, type SyntaxScorer } from '../../src/scorers/syntaxScorer.js';
import { SYNTAX_SAMPLES } from './parsers/syntaxSamples.js';

interface HumanEvalSample {
  readonly prompt: string;
  readonly completion: string;
}

const humanEval: HumanEvalSample[] = readFileSync(
  new URL('../fixtures/humaneval-sample.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as HumanEvalSample);

let scorer: SyntaxScorer;

beforeAll(async () => {
  scorer = await createSyntaxScorer();
});

/** Feeds `text` cut at `cuts` (sorted positions), scoring after each delta as a live stream would. */
function feedInChunks(text: string, cuts: readonly number[], context: ScoreContext): ScoreReport {
  const state = scorer.init(context);
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    if (cut > from) {
      scorer.feed(state, text.slice(from, cut));
      const partial = scorer.score(state, false) as ScoreReport;
      expect(partial.value).toBeGreaterThanOrEqual(0);
      expect(partial.value).toBeLessThanOrEqual(1);
      from = cut;
    }
  }
  return scorer.score(state, true) as ScoreReport;
}

const snippets = Object.entries(SYNTAX_SAMPLES).flatMap(([language, [good, bad]]) => [
  `\`\`\`${language}\n${good}\`\`\``,
  `\`\`\`${language}\n${bad}\`\`\``,
]);

/** Markdown answers: prose, fenced blocks (valid, invalid, unlabeled, unclosed), CRLF or LF. */
const answer = fc
  .tuple(
    fc.array(
      fc.oneof(
        fc.constantFrom(...snippets),
        fc.constantFrom(
          'Some prose.',
          '',
          '```\nimport os\n\ndef f(:\n```',
          '~~~py\nx = (\n~~~',
          '```sql\nSELECT 1\n```',
        ),
        fc.string({ maxLength: 20 }),
      ),
      { maxLength: 6 },
    ),
    fc.constantFrom('', '```python\ndef f(x):\n    return (x', '```json\n{"a": '),
    fc.boolean(),
  )
  .map(([parts, tail, crlf]) => {
    const text = [...parts, tail].join('\n');
    return crlf ? text.replaceAll('\n', '\r\n') : text;
  });

const cutsOf = (text: string) =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: Math.max(1, text.length - 1) }), { maxLength: 40 })
    .map((cuts) => cuts.filter((c) => c < text.length).sort((a, b) => a - b));

describe('syntax scorer properties', () => {
  it('gives the same final score and findings for any chunking of a Markdown answer', () => {
    const context: ScoreContext = { prompt: 'p', variant: 'v' };
    fc.assert(
      fc.property(
        answer.chain((text) => fc.tuple(fc.constant(text), cutsOf(text))),
        ([text, cuts]) => {
          const whole = scorer.scoreText(text, context);
          expect(feedInChunks(text, cuts, context)).toEqual(whole);
          expect(whole.value).toBeGreaterThanOrEqual(0);
          expect(whole.value).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('gives the same final report for any chunking of a HumanEval continuation', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...humanEval).chain((s) => fc.tuple(fc.constant(s), cutsOf(s.completion))),
        ([sample, cuts]) => {
          const context: ScoreContext = {
            prompt: sample.prompt,
            variant: 'v',
            task: 'code',
            codePrefix: sample.prompt,
            language: 'python',
          };
          expect(feedInChunks(sample.completion, cuts, context)).toEqual(
            scorer.scoreText(sample.completion, context),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never throws and stays in [0, 1] on arbitrary Unicode, fenced or whole', () => {
    const fences = fc.constantFrom(
      '```py\n',
      '```ts\n',
      '```\n',
      '```json\n',
      '```yaml\n',
      '```toml\n',
      '```php\n',
      '\n```\n',
    );
    const text = fc
      .array(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fences), { maxLength: 8 })
      .map((parts) => parts.join(''));
    const contexts: ScoreContext[] = [
      { prompt: 'p', variant: 'v' },
      { prompt: 'p', variant: 'v', task: 'code', codePrefix: 'def f(x):\n', language: 'python' },
      { prompt: 'p', variant: 'v', task: 'code', language: 'typescript' },
      { prompt: 'p', variant: 'v', task: 'code', codePrefix: '' },
    ];
    fc.assert(
      fc.property(text, fc.constantFrom(...contexts), (t, context) => {
        const report = scorer.scoreText(t, context);
        expect(report.value).toBeGreaterThanOrEqual(0);
        expect(report.value).toBeLessThanOrEqual(1);
        for (const f of report.findings ?? []) {
          if (f.line !== undefined) expect(f.line).toBeGreaterThanOrEqual(1);
          if (f.column !== undefined) expect(f.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});
