import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/events.js';
import { treeSitterStats } from '../../src/scorers/parsers/treeSitterRuntime.js';
import type { ScoreContext, ScoreReport } from '../../src/scorers/scorer.js';
import {
  createSyntaxScorer,
  HUMANEVAL_STOP_SEQUENCES,
  type SyntaxScorer,
  syntaxScorer,
} from '../../src/scorers/syntaxScorer.js';
import { SYNTAX_SAMPLES } from './parsers/syntaxSamples.js';

const context: ScoreContext = { prompt: 'Write code', variant: 'v1' };

interface HumanEvalSample {
  readonly id: string;
  readonly prompt: string;
  readonly entry_point: string;
  readonly completion: string;
  readonly passed: boolean;
  readonly compiles: boolean;
}

const samples: HumanEvalSample[] = readFileSync(
  new URL('../fixtures/humaneval-sample.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as HumanEvalSample);

const humanEvalContext = (s: HumanEvalSample): ScoreContext => ({
  prompt: s.prompt,
  variant: 'v',
  task: 'code',
  codePrefix: s.prompt,
  language: 'python',
  entryPoint: s.entry_point,
});

const errorsOf = (report: ScoreReport) => (report.findings ?? []).filter((f) => f.code === 'syntax_error');
const infoOf = (report: ScoreReport, code: string) => (report.findings ?? []).filter((f) => f.code === code);

let scorer: SyntaxScorer;

beforeAll(async () => {
  scorer = await createSyntaxScorer();
});

describe('createSyntaxScorer options', () => {
  const bad: readonly [string, Record<string, unknown>][] = [
    ['languages', { languages: ['python', 'cobol'] }],
    ['languages', { languages: 'python' }],
    ['stopSequences', { stopSequences: { python: [''] } }],
    ['stopSequences', { stopSequences: ['\ndef '] }],
    ['neutral', { neutral: 2 }],
    ['errorFactor', { errorFactor: 1 }],
    ['maxErrors', { maxErrors: 0 }],
    ['detect', { detect: 'yes' }],
    ['maxCodeLength', { maxCodeLength: 1.5 }],
  ];
  for (const [name, options] of bad) {
    it(`rejects an invalid \`${name}\` with a TypeError naming it`, async () => {
      await expect(createSyntaxScorer(options)).rejects.toThrow(TypeError);
      await expect(createSyntaxScorer(options)).rejects.toThrow(`\`${name}\``);
      expect(() => syntaxScorer(options)).toThrow(`\`${name}\``);
    });
  }

  it('is named `syntax` and versioned', () => {
    expect(scorer.name).toBe('syntax');
    expect(scorer.version).toMatch(/^\d+$/);
  });
});

describe('fenced blocks', () => {
  for (const [language, [good, bad, line]] of Object.entries(SYNTAX_SAMPLES)) {
    it(`${language}: a valid block scores 1, an invalid one less, with the error's line in the answer`, () => {
      const answer = (code: string) => `Here you go:\n\n\`\`\`${language}\n${code}\`\`\`\n\nDone.`;
      const ok = scorer.scoreText(answer(good), context);
      expect(ok.value).toBe(1);
      expect(errorsOf(ok)).toEqual([]);
      const broken = scorer.scoreText(answer(bad), context);
      expect(broken.value).toBeLessThan(1);
      expect(broken.value).toBeGreaterThanOrEqual(0);
      const first = errorsOf(broken)[0]!;
      expect(first).toMatchObject({ severity: 'error', line: line + 3 }); // the code starts on line 4
      expect(first.message.startsWith(`${language}: `)).toBe(true);
      const text = answer(bad);
      const lineStart =
        text
          .split('\n')
          .slice(0, first.line! - 1)
          .join('\n').length + 1;
      expect(first.offset).toBe(lineStart + first.column! - 1);
    });
  }

  it('scores the mean over blocks, each halved per error', () => {
    const text = [
      '```py\nx = 1\n```',
      '```py\nx = (1 +)\n```',
      '```py\nx = (1 +)\ny = (2 +)\n```',
      '```sql\nSELECT 1\n```',
    ].join('\n');
    const report = scorer.scoreText(text, context);
    expect(report.value).toBeCloseTo((1 + 0.5 + 0.25) / 3, 10);
    expect(errorsOf(report)).toHaveLength(3);
    expect(infoOf(report, 'syntax_unchecked')).toMatchObject([{ severity: 'info', line: 12 }]);
  });

  it('detects the language of unlabeled fences, and leaves unrecognizable ones unchecked', () => {
    const detected = scorer.scoreText('```\nimport os\n\ndef f(x):\n    return (x +\n```', context);
    expect(errorsOf(detected)[0]?.message).toMatch(/^python: /);
    const output = scorer.scoreText('```\nTraceback (most recent call last):\nKeyError: 1\n```', context);
    expect(output.value).toBe(1);
    expect(infoOf(output, 'syntax_unchecked')[0]?.message).toMatch(/not recognized/);
    const noDetect = createSyntaxScorer({ detect: false });
    return noDetect.then((s) =>
      expect(s.scoreText('```\nimport os\n\ndef f(x):\n    return (x +\n```', context).value).toBe(1),
    );
  });

  it('does not parse terminal transcripts, JSON5 or output as code', () => {
    const report = scorer.scoreText(
      '```console\n$ npm test\n> ok (1 + \n```\n```json5\n{a: 1}\n```',
      context,
    );
    expect(report.value).toBe(1);
    expect(infoOf(report, 'syntax_unchecked')).toHaveLength(2);
  });

  it('parses fences nested in list items without their indentation, positions in the answer', () => {
    const text =
      '1. Use it:\n   ```python\n   import x\n   def f():\n       return x.y()\n   ```\n2. Config:\n   ```yaml\n   a: 1\n   b:\n     - 2\n   ```\n';
    expect(scorer.scoreText(text, context)).toEqual({ value: 1, findings: [] });
    const broken = text.replace('x.y()', 'x.y(+)');
    expect(errorsOf(scorer.scoreText(broken, context))).toMatchObject([
      { line: 5, column: 19, offset: broken.indexOf('+)') },
    ]);
  });

  it('scores closed blocks while streaming and parses an unclosed block at the end', () => {
    const state = scorer.init(context);
    scorer.feed(state, 'Intro\n```python\nx = 1\n```\n```python\ny = (2 +');
    const partial = scorer.score(state, false) as ScoreReport;
    expect(partial.value).toBe(1); // the open block is not judged yet
    scorer.feed(state, ')\n');
    const final = scorer.score(state, true) as ScoreReport;
    expect(final.value).toBe(0.75);
    expect(errorsOf(final)).toMatchObject([{ line: 6 }]);
  });

  it('parses a block only when its fence closes (feeds are O(delta))', () => {
    const state = scorer.init(context);
    const parsed = () => treeSitterStats().treesParsed;
    const start = parsed();
    scorer.feed(state, '```python\n');
    for (let i = 0; i < 200; i++) scorer.feed(state, `x${i} = ${i}\n`);
    expect(parsed()).toBe(start);
    scorer.score(state, false);
    expect(parsed()).toBe(start);
    scorer.feed(state, '```\n');
    expect(parsed()).toBe(start + 1);
    scorer.score(state, false);
    scorer.score(state, true);
    expect(parsed()).toBe(start + 1);
  });

  it('keeps line and column but drops offsets of fenced errors in CRLF text', () => {
    const report = scorer.scoreText('Text\r\n```py\r\nx = 1\r\ny = (2 +)\r\n```\r\n', context);
    expect(errorsOf(report)).toEqual([
      {
        code: 'syntax_error',
        severity: 'error',
        message: expect.stringMatching(/^python/),
        line: 4,
        column: 8,
      },
    ]);
  });

  it('is neutral without code, with a configurable neutral score', async () => {
    expect(scorer.scoreText('Just prose, no code.', context)).toEqual({ value: 1, findings: [] });
    const half = await createSyntaxScorer({ neutral: 0.5, languages: ['python'] });
    expect(half.scoreText('Just prose.', context).value).toBe(0.5);
    const onlyPython = half.scoreText('```js\nconst x = ;\n```', context);
    expect(onlyPython.value).toBe(0.5);
    expect(infoOf(onlyPython, 'syntax_unchecked')[0]?.message).toMatch(/not enabled/);
  });

  it('caps counted errors at maxErrors and leaves overlong code unchecked', async () => {
    const strict = await createSyntaxScorer({ languages: ['python'], maxErrors: 2, maxCodeLength: 100 });
    const many = `\`\`\`py\n${'x = (1 +)\n'.repeat(5)}\`\`\``;
    const report = strict.scoreText(many, context);
    expect(errorsOf(report)).toHaveLength(2);
    expect(report.value).toBe(0.25);
    const long = strict.scoreText(`\`\`\`py\n${'x = 1\n'.repeat(50)}\`\`\``, context);
    expect(long.value).toBe(1);
    expect(infoOf(long, 'syntax_unchecked')[0]?.message).toMatch(/maxCodeLength/);
  });

  it('returns the same final report on repeated calls and ignores feeds after the end', () => {
    const state = scorer.init(context);
    scorer.feed(state, '```py\nx = (1 +)\n```\n');
    const first = scorer.score(state, true);
    scorer.feed(state, '```py\ny = (\n```\n');
    expect(scorer.score(state, true)).toBe(first);
    expect(scorer.score(state, false)).toBe(first);
  });
});

describe('whole answers as code', () => {
  it('agrees with CPython on every HumanEval fixture candidate (prompt + cut completion)', () => {
    expect(samples.length).toBeGreaterThanOrEqual(15);
    for (const s of samples) {
      const report = scorer.scoreText(s.completion, humanEvalContext(s));
      expect([s.id, report.value === 1]).toEqual([s.id, s.compiles]);
      if (!s.compiles) expect(errorsOf(report).length).toBeGreaterThan(0);
    }
    // The fixture covers the interesting cases: failing to parse implies failing the tests.
    expect(samples.some((s) => !s.compiles)).toBe(true);
    expect(samples.filter((s) => !s.compiles).every((s) => !s.passed)).toBe(true);
  });

  it('cuts a completion at HumanEval stop sequences and says so', () => {
    const prompt = 'def add(a, b):\n    """Add."""\n';
    const completion = '    return a + b\n\n\nif __name__ == "__main__":\n    print(add(1, 2)\n';
    const ctx: ScoreContext = { ...context, task: 'code', codePrefix: prompt, language: 'python' };
    const report = scorer.scoreText(completion, ctx);
    expect(report.value).toBe(1);
    expect(infoOf(report, 'syntax_truncated')).toMatchObject([
      { severity: 'info', line: 4, column: 1, offset: 19 },
    ]);
    expect(HUMANEVAL_STOP_SEQUENCES).toContain('\nif ');
    const uncut = createSyntaxScorer({ languages: ['python'], stopSequences: {} });
    return uncut.then((s) => expect(s.scoreText(completion, ctx).value).toBeLessThan(1));
  });

  it('locates errors within the answer, and errors that start in the prompt at its start', () => {
    const prompt = 'def f(x):\n    """Doc."""\n';
    const ctx: ScoreContext = { ...context, task: 'code', codePrefix: prompt, language: 'python' };
    const report = scorer.scoreText('    y = x\n    return (y +)\n', ctx);
    expect(errorsOf(report)).toMatchObject([{ line: 2, column: 15, offset: 24 }]);
    const brokenPrompt = scorer.scoreText('    return 1\n', { ...ctx, codePrefix: 'def f(x:\n' });
    const first = errorsOf(brokenPrompt)[0]!;
    expect(first).toMatchObject({ line: 1, column: 1, offset: 0 });
    expect(first.message).toMatch(/in the prompt's code, line 1/);
  });

  it('uses the fences when a continuation answer has them', () => {
    const ctx: ScoreContext = { ...context, task: 'code', codePrefix: 'def f():\n', language: 'python' };
    const report = scorer.scoreText('Sure:\n```python\ndef f():\n    return 1\n```\n', ctx);
    expect(report.value).toBe(1);
  });

  it('parses a fence-less answer as the context language, for code tasks only', () => {
    const code = { ...context, task: 'code' as const, language: 'javascript' };
    expect(scorer.scoreText('const x = 1;\nconsole.log(x);\n', code).value).toBe(1);
    expect(errorsOf(scorer.scoreText('const x = ;\n', code))).toMatchObject([{ line: 1, column: 11 }]);
    expect(scorer.scoreText('const x = ;\n', { ...code, task: 'text' }).value).toBe(1);
    expect(scorer.scoreText('', code)).toEqual({ value: 1, findings: [] });
  });

  it('detects the language of a continuation when the context does not say it', () => {
    const ctx: ScoreContext = { ...context, task: 'code', codePrefix: 'def f(x):\n    """Doc."""\n' };
    expect(scorer.scoreText('    return x +\n', ctx).value).toBe(0.5);
  });
});

describe('findings', () => {
  it('are well-formed: codes, severities, 1-based positions', () => {
    const text = '```py\nx = (1 +)\n```\n```\n???\n```\n```ts\nlet a: = 1;\n```';
    const findings: readonly Finding[] = scorer.scoreText(text, context).findings ?? [];
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(['syntax_error', 'syntax_unchecked', 'syntax_truncated']).toContain(f.code);
      expect(f.severity === 'error').toBe(f.code === 'syntax_error');
      if (f.line !== undefined) expect(f.line).toBeGreaterThanOrEqual(1);
      if (f.column !== undefined) expect(f.column).toBeGreaterThanOrEqual(1);
    }
  });
});
