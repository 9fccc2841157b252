/**
 * The heuristic scorers (completeness, consistency, best practices, performance, and their
 * default combination) on real candidates: does a higher score go with a correct answer, and what
 * does scoring cost while streaming?
 *
 *   npx tsx bench/scorers.bench.ts [--data DIR] [--timing-sample N] [--repeat N]
 *
 * DIR defaults to ../shared/data next to the repository (humaneval-codegen16b/public.jsonl and
 * gsm8k-3models/public.jsonl are read). Labels (`passed`, `correct`) are used only to measure.
 * Prints Markdown; bench/README.scorers.md keeps a copy of a run.
 *
 * - HumanEval: each candidate is scored as a continuation (`codePrefix` = the prompt, `task:
 *   'code'`, `entryPoint`, `language: 'python'`; the scorers cut it at HumanEval's stop sequences
 *   as the harness does). Reported per scorer: mean score of passing and failing candidates,
 *   AUC (the chance that a random passing candidate scores above a random failing one, ties
 *   half), the pass rate per score bucket, and pass@1 when each problem's best-scored candidate
 *   is picked (ties averaged) against a random pick.
 * - GSM8K: each candidate's text with `task: 'math'`, the same figures against `correct`.
 * - Cost: a sample of answers streamed in 4-character deltas (≈ 1 token each), `score(state,
 *   false)` after every delta as `scoreIncrementally` does by default, then `score(state, true)`:
 *   milliseconds per 1,000 deltas, the fastest of `--repeat` passes (default 5).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBestPracticesScorer } from '../src/scorers/bestPracticesScorer.js';
import { createCompletenessScorer } from '../src/scorers/completenessScorer.js';
import { createConsistencyScorer } from '../src/scorers/consistencyScorer.js';
import { createPerformanceScorer } from '../src/scorers/performanceScorer.js';
import { createQualityScorer } from '../src/scorers/qualityScorer.js';
import { createDefaultScorers } from '../src/scorers/registry.js';
import type { ScoreContext, ScoreReport, Scorer } from '../src/scorers/scorer.js';
import { CODE_PROMPT, codeAnswerTokens } from './lib/codeAnswer.js';

const here = dirname(fileURLToPath(import.meta.url));
const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
};
const dataDir = resolve(flag('data') ?? resolve(here, '../../shared/data'));
const timingSample = Number(flag('timing-sample') ?? 400);
/** Timed passes per measurement; the fastest is reported. */
const REPEAT = Number(flag('repeat') ?? 5);

interface HumanEvalRow {
  readonly id: string;
  readonly prompt: string;
  readonly entry_point: string;
  readonly candidates: readonly { readonly completion: string; readonly passed: boolean }[];
}
interface Gsm8kRow {
  readonly id: string;
  readonly question: string;
  readonly candidates: readonly { readonly text: string; readonly correct: boolean }[];
}

function readJsonl<T>(file: string): T[] {
  return readFileSync(resolve(dataDir, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** One problem: its context and candidates with labels. */
interface Problem {
  readonly context: ScoreContext;
  readonly candidates: readonly { readonly text: string; readonly ok: boolean }[];
}

function scoreOnce(scorer: Scorer, context: ScoreContext, text: string): ScoreReport {
  let state = scorer.init(context);
  if (text !== '') state = scorer.feed(state, text);
  const r = scorer.score(state, true);
  return typeof r === 'number' ? { value: r } : r;
}

const BUCKETS: readonly [number, number, string][] = [
  [0, 0.5, '< 0.5'],
  [0.5, 0.8, '0.5–0.8'],
  [0.8, 0.95, '0.8–0.95'],
  [0.95, 1, '0.95–1'],
  [1, 1.01, '= 1'],
];

interface Figures {
  readonly n: [number, number];
  readonly mean: [number, number];
  readonly auc: number;
  readonly buckets: readonly { label: string; count: number; rate: number }[];
  readonly picked: number;
  readonly random: number;
  readonly findings: ReadonlyMap<string, [number, number]>;
}

function measure(problems: readonly Problem[], scorer: Scorer): Figures {
  const scored: { value: number; ok: boolean }[] = [];
  const findings = new Map<string, [number, number]>();
  let picked = 0;
  let random = 0;
  for (const p of problems) {
    const values: { value: number; ok: boolean }[] = [];
    for (const c of p.candidates) {
      const r = scoreOnce(scorer, p.context, c.text);
      values.push({ value: r.value, ok: c.ok });
      const seen = new Set<string>();
      for (const f of r.findings ?? []) {
        if (f.severity === 'info') continue;
        const key = `${f.code} (${f.severity})`;
        if (seen.has(key)) continue;
        seen.add(key);
        const counts = findings.get(key) ?? [0, 0];
        counts[c.ok ? 1 : 0] += 1;
        findings.set(key, counts);
      }
    }
    scored.push(...values);
    const best = Math.max(...values.map((v) => v.value));
    const top = values.filter((v) => v.value === best);
    picked += top.filter((v) => v.ok).length / top.length;
    random += values.filter((v) => v.ok).length / values.length;
  }
  const good = scored.filter((s) => s.ok).map((s) => s.value);
  const bad = scored.filter((s) => !s.ok).map((s) => s.value);
  const mean = (xs: number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    n: [bad.length, good.length],
    mean: [mean(bad), mean(good)],
    auc: auc(good, bad),
    buckets: BUCKETS.map(([lo, hi, label]) => {
      const inside = scored.filter((s) => s.value >= lo && s.value < hi);
      return {
        label,
        count: inside.length,
        rate: inside.filter((s) => s.ok).length / Math.max(1, inside.length),
      };
    }),
    picked: picked / problems.length,
    random: random / problems.length,
    findings,
  };
}

/** Mann–Whitney AUC with ties counted half, by sorting (O(n log n)). */
function auc(good: readonly number[], bad: readonly number[]): number {
  const all = [...good.map((v) => ({ v, g: true })), ...bad.map((v) => ({ v, g: false }))].sort(
    (a, b) => a.v - b.v,
  );
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.v === all[i]!.v) j += 1;
    const rank = (i + j + 1) / 2; // average 1-based rank of the tie group
    for (let k = i; k < j; k++) if (all[k]!.g) rankSum += rank;
    i = j;
  }
  return (rankSum - (good.length * (good.length + 1)) / 2) / (good.length * bad.length);
}

const pct = (x: number) => (Number.isNaN(x) ? '–' : `${(100 * x).toFixed(1)}`);
const f3 = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(3));

function printFigures(title: string, label: string, rows: readonly [string, Figures][]): void {
  console.log(`\n### ${title}\n`);
  const [first] = rows;
  if (first)
    console.log(
      `${first[1].n[0] + first[1].n[1]} candidates (${first[1].n[1]} ${label}, ${first[1].n[0]} not).\n`,
    );
  console.log(
    `| scorer | mean score, ${label} | mean score, not | AUC | best-scored pick, pass % | random pick, pass % |`,
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [name, f] of rows) {
    console.log(
      `| ${name} | ${f3(f.mean[1])} | ${f3(f.mean[0])} | ${f3(f.auc)} | ${pct(f.picked)} | ${pct(f.random)} |`,
    );
  }
  console.log(`\n${label} rate (and count) per score bucket:\n`);
  console.log(`| scorer | ${BUCKETS.map((b) => b[2]).join(' | ')} |`);
  console.log(`| --- | ${BUCKETS.map(() => '---').join(' | ')} |`);
  for (const [name, f] of rows) {
    console.log(
      `| ${name} | ${f.buckets.map((b) => (b.count === 0 ? '–' : `${pct(b.rate)} (${b.count})`)).join(' | ')} |`,
    );
  }
  console.log(`\nCandidates with each finding (warnings and errors), ${label} / not:\n`);
  console.log(`| scorer | finding | ${label} | not | ${label} rate |`);
  console.log('| --- | --- | --- | --- | --- |');
  for (const [name, f] of rows) {
    if (name.startsWith('quality')) continue; // the same findings, prefixed
    const entries = [...f.findings.entries()].sort((a, b) => b[1][0] + b[1][1] - (a[1][0] + a[1][1]));
    for (const [code, [bad, good]] of entries) {
      console.log(`| ${name} | ${code} | ${good} | ${bad} | ${pct(good / (good + bad))} |`);
    }
  }
}

function timing(
  name: string,
  scorer: Scorer,
  samples: readonly { context: ScoreContext; text: string }[],
): string {
  // warm-up (JIT), then the best of REPEAT passes (the machine is shared: the minimum is the
  // least disturbed measurement)
  for (const s of samples.slice(0, 20)) stream(scorer, s.context, s.text);
  let deltas = 0;
  let ms = Number.POSITIVE_INFINITY;
  for (let r = 0; r < REPEAT; r++) {
    deltas = 0;
    const t0 = performance.now();
    for (const s of samples) deltas += stream(scorer, s.context, s.text);
    ms = Math.min(ms, performance.now() - t0);
  }
  return `| ${name} | ${samples.length} | ${deltas} | ${((1000 * ms) / deltas).toFixed(2)} |`;
}

function streamTokens(scorer: Scorer, context: ScoreContext, deltas: readonly string[]): void {
  let state = scorer.init(context);
  for (const d of deltas) {
    state = scorer.feed(state, d);
    scorer.score(state, false);
  }
  scorer.score(state, true);
}

function stream(scorer: Scorer, context: ScoreContext, text: string): number {
  let state = scorer.init(context);
  let n = 0;
  for (let i = 0; i < text.length; i += 4) {
    state = scorer.feed(state, text.slice(i, i + 4));
    scorer.score(state, false);
    n += 1;
  }
  scorer.score(state, true);
  return n;
}

async function main(): Promise<void> {
  const humaneval = readJsonl<HumanEvalRow>('humaneval-codegen16b/public.jsonl');
  const gsm8k = readJsonl<Gsm8kRow>('gsm8k-3models/public.jsonl');
  const codeProblems: Problem[] = humaneval.map((r) => ({
    context: {
      prompt: r.prompt,
      variant: r.id,
      task: 'code',
      codePrefix: r.prompt,
      entryPoint: r.entry_point,
      language: 'python',
    },
    candidates: r.candidates.map((c) => ({ text: c.completion, ok: c.passed })),
  }));
  const mathProblems: Problem[] = gsm8k.map((r) => ({
    context: { prompt: r.question, variant: r.id, task: 'math' },
    candidates: r.candidates.map((c) => ({ text: c.text, ok: c.correct })),
  }));

  const codeScorers: [string, Scorer][] = [
    ['completeness', createCompletenessScorer() as Scorer],
    ['consistency', createConsistencyScorer() as Scorer],
    ['bestPractices', createBestPracticesScorer() as Scorer],
    ['performance', createPerformanceScorer() as Scorer],
    ['quality (code defaults, no syntax)', createQualityScorer({ task: 'code' }) as Scorer],
    [
      'quality (code defaults with syntax)',
      createQualityScorer({ defaults: false, scorers: await createDefaultScorers('code') }) as Scorer,
    ],
  ];
  const mathScorers: [string, Scorer][] = [
    ['consistency (text only)', createConsistencyScorer({ code: false }) as Scorer],
    ['completeness', createCompletenessScorer() as Scorer],
    ['bestPractices', createBestPracticesScorer({ languageChecks: false }) as Scorer],
    ['quality (math defaults)', createQualityScorer({ task: 'math' }) as Scorer],
  ];

  console.log(`Data: ${dataDir}. Node ${process.version}.`);
  const t0 = performance.now();
  printFigures(
    'HumanEval public (CodeGen-16B, 109 problems × 100 candidates), against `passed`',
    'passed',
    codeScorers.map(([n, s]) => [n, measure(codeProblems, s)]),
  );
  printFigures(
    'GSM8K public (3 models × 4 prompts, 1,034 problems × 12 candidates), against `correct`',
    'correct',
    mathScorers.map(([n, s]) => [n, measure(mathProblems, s)]),
  );
  const scoringMs = performance.now() - t0;

  // cost: an even sample of both sets
  const every = <T>(xs: readonly T[], n: number) =>
    xs.filter((_, i) => i % Math.max(1, Math.floor(xs.length / n)) === 0).slice(0, n);
  const codeSample = every(
    codeProblems.flatMap((p) => p.candidates.map((c) => ({ context: p.context, text: c.text }))),
    timingSample,
  );
  const mathSample = every(
    mathProblems.flatMap((p) => p.candidates.map((c) => ({ context: p.context, text: c.text }))),
    timingSample,
  );
  console.log('\n### Cost while streaming (4-character deltas, `score(state, false)` after each)\n');
  console.log('| scorer (data) | answers | deltas | ms per 1k deltas (≈ 1k tokens) |');
  console.log('| --- | --- | --- | --- |');
  for (const [n, s] of codeScorers) console.log(timing(`${n} (HumanEval)`, s, codeSample));
  for (const [n, s] of mathScorers) console.log(timing(`${n} (GSM8K)`, s, mathSample));

  // long answers: real BPE tokens of a long fenced-Python answer; a constant cost per 1k tokens
  // from 5k to 20k tokens shows that feeding is O(delta), not a rescan of the text
  console.log('\n### Cost on one long code answer (real BPE tokens, `score(state, false)` after each)\n');
  console.log('| scorer | ms per 1k tokens at 5k tokens | at 20k tokens |');
  console.log('| --- | --- | --- |');
  const context: ScoreContext = { prompt: CODE_PROMPT, variant: 'long', task: 'code' };
  for (const [n, s] of codeScorers) {
    const perK = (tokens: number): string => {
      const deltas = codeAnswerTokens(tokens);
      streamTokens(s, context, deltas); // warm-up
      let ms = Number.POSITIVE_INFINITY;
      for (let r = 0; r < REPEAT; r++) {
        const t = performance.now();
        streamTokens(s, context, deltas);
        ms = Math.min(ms, performance.now() - t);
      }
      return ((1000 * ms) / tokens).toFixed(2);
    };
    console.log(`| ${n} | ${perK(5000)} | ${perK(20000)} |`);
  }
  console.log(`\n(Scoring both sets whole took ${(scoringMs / 1000).toFixed(1)} s.)`);
}

await main();
