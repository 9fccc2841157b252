// The heuristic scorers on a few real candidates (test/fixtures/scorers-real-sample.json).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBestPracticesScorer } from '../../src/scorers/bestPracticesScorer.js';
import { createCompletenessScorer } from '../../src/scorers/completenessScorer.js';
import { createConsistencyScorer } from '../../src/scorers/consistencyScorer.js';
import type { ScoreContext, Scorer } from '../../src/scorers/scorer.js';
import { run } from './heuristicScorerHelpers.js';

interface Sample {
  readonly humaneval: readonly {
    readonly id: string;
    readonly prompt: string;
    readonly entry_point: string;
    readonly completion: string;
    readonly passed: boolean;
    readonly expect: readonly string[];
  }[];
  readonly gsm8k: readonly {
    readonly id: string;
    readonly question: string;
    readonly text: string;
    readonly expect: readonly string[];
  }[];
}

const sample = JSON.parse(
  readFileSync(new URL('../fixtures/scorers-real-sample.json', import.meta.url), 'utf8'),
) as Sample;

const scorers = [
  createCompletenessScorer(),
  createConsistencyScorer(),
  createBestPracticesScorer(),
] as Scorer[];

function problemsOf(context: Partial<ScoreContext>, text: string): string[] {
  const codes = new Set<string>();
  for (const scorer of scorers) {
    for (const f of run(scorer, context, text, 4).findings ?? []) {
      if (f.severity !== 'info') codes.add(`${scorer.name}:${f.code}`);
    }
  }
  return [...codes].sort();
}

describe('heuristic scorers on real HumanEval candidates', () => {
  it.each(sample.humaneval.map((c) => [`${c.id} (${c.passed ? 'passed' : 'failed'})`, c] as const))(
    '%s',
    (_label, c) => {
      const context = {
        prompt: c.prompt,
        codePrefix: c.prompt,
        task: 'code' as const,
        entryPoint: c.entry_point,
        language: 'python',
      };
      expect(problemsOf(context, c.completion)).toEqual([...c.expect].sort());
    },
  );
});

describe('heuristic scorers on real GSM8K candidates', () => {
  it.each(sample.gsm8k.map((c) => [c.id, c] as const))('%s', (_label, c) => {
    expect(problemsOf({ prompt: c.question, task: 'math' }, c.text)).toEqual([...c.expect].sort());
  });
});
