/**
 * Selection benchmark: how often each consensus strategy picks a correct answer among real LLM
 * answers, against a random pick (floor) and an oracle (ceiling), with 95% bootstrap intervals
 * over problems; and how accuracy trades against decision time and cost when deciding at a quorum
 * of the first k finishers.
 *
 *   npx tsx bench/selection.ts [--data DIR] [--long] [--seed N]
 *
 * DIR defaults to ../shared/data relative to the repository root (the layout of
 * ../shared/data/README.md: gsm8k-3models/public.jsonl, humaneval-codegen16b/public.jsonl,
 * prices/model_prices.json). `--long` draws 10,000 bootstrap samples instead of 1,000.
 *
 * Selection sees only what a live engine would: the question, the candidate texts, their sources,
 * and for code the generated-test results. Labels (`correct`, `passed`) are read only to score.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countTokens } from 'gpt-tokenizer';
import { arithmeticClaims } from '../src/consensus/arithmeticClaims.js';
import type { Candidate } from '../src/consensus/candidate.js';
import { confidenceThreshold } from '../src/consensus/confidenceThreshold.js';
import { executeCandidates } from '../src/consensus/executeCandidates.js';
import { executionAgreement } from '../src/consensus/executionAgreement.js';
import { hybridMerge } from '../src/consensus/hybridMerge.js';
import { majorityVote } from '../src/consensus/majorityVote.js';
import { precomputedExecutor } from '../src/consensus/precomputedExecutor.js';
import { qualityWeighted } from '../src/consensus/qualityWeighted.js';
import { createReliabilityModel } from '../src/consensus/reliabilityModel.js';
import type { Selection } from '../src/consensus/selection.js';
import { tournament } from '../src/consensus/tournament.js';
import { extractAnswer } from '../src/scorers/answer.js';

// ---------------------------------------------------------------------------------------------
// arguments and data

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};
if (argv.includes('--help')) {
  console.log('usage: npx tsx bench/selection.ts [--data DIR] [--long] [--seed N]');
  process.exit(0);
}
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = resolve(flag('--data') ?? resolve(ROOT, '../shared/data'));
const LONG = argv.includes('--long');
const SEED = Number(flag('--seed') ?? 1);
const BOOTSTRAP = LONG ? 10_000 : 1_000;
const FILES = {
  gsm8k: resolve(DATA, 'gsm8k-3models/public.jsonl'),
  humaneval: resolve(DATA, 'humaneval-codegen16b/public.jsonl'),
  prices: resolve(DATA, 'prices/model_prices.json'),
};
for (const [name, file] of Object.entries(FILES)) {
  if (!existsSync(file)) {
    console.error(
      `bench/selection: the ${name} data is missing: ${file}\n` +
        `Pass --data DIR with the layout of ../shared/data (gsm8k-3models/public.jsonl, ` +
        `humaneval-codegen16b/public.jsonl, prices/model_prices.json).`,
    );
    process.exit(1);
  }
}
const readJsonl = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);

interface GsmRow {
  id: string;
  question: string;
  target: number;
  candidates: {
    source: string;
    model: string;
    prompt: string;
    style: string;
    text: string;
    correct: boolean;
  }[];
}
interface HumanEvalRow {
  id: string;
  prompt: string;
  entry_point: string;
  n_generated_tests: number;
  generated_test_weights: number[];
  candidates: { completion: string; passed: boolean; generated_tests_passed: string }[];
}
type Prices = Record<string, { input_cost_per_token?: number; output_cost_per_token?: number }>;

// ---------------------------------------------------------------------------------------------
// seeded randomness and statistics

/** mulberry32: small, fast, seeded. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const gauss = (rand: () => number): number =>
  Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
function shuffle<T>(items: readonly T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

/** Percentile bootstrap over problems of f(resampled indices); the same resamples for every row. */
function makeBootstrap(n: number, samples: number, seed: number): Int32Array[] {
  const rand = rng(seed);
  return Array.from({ length: samples }, () => {
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = Math.floor(rand() * n);
    return idx;
  });
}
function interval(resamples: readonly Int32Array[], stat: (idx: Int32Array) => number): [number, number] {
  const values = resamples.map(stat).sort((a, b) => a - b);
  return [values[Math.floor(0.025 * values.length)]!, values[Math.ceil(0.975 * values.length) - 1]!];
}
const meanAt = (xs: readonly number[]) => (idx: Int32Array) => {
  let s = 0;
  for (const i of idx) s += xs[i]!;
  return s / idx.length;
};

// ---------------------------------------------------------------------------------------------
// tables

const pct = (x: number): string => (100 * x).toFixed(1);
const ci = ([lo, hi]: [number, number], f: (x: number) => string): string => `[${f(lo)}, ${f(hi)}]`;

interface Row {
  name: string;
  /** Per problem: 1/0 (or the expected value for random). */
  correct: number[];
  /** Per problem, ms. Empty for rows that are not strategies. */
  ms: number[];
  note?: string;
}

function printAccuracyTable(
  title: string,
  rows: readonly Row[],
  random: number[],
  oracle: number[],
  reference: Row,
): void {
  const boot = makeBootstrap(random.length, BOOTSTRAP, SEED);
  console.log(
    `\n### ${title} (${random.length} problems; 95% bootstrap intervals, ${BOOTSTRAP} resamples)\n`,
  );
  console.log(`Δ: paired difference to "${reference.name}", same resamples.\n`);
  console.log(
    '| selection | accuracy % | 95% CI | gap closed | 95% CI | Δ points | 95% CI | ms / problem | 95% CI |',
  );
  console.log('| --- | ---: | --- | ---: | --- | ---: | --- | ---: | --- |');
  const diff = (xs: number[]) => (idx: Int32Array) =>
    100 * (meanAt(xs)(idx) - meanAt(reference.correct)(idx));
  const gap = (xs: number[]) => (idx: Int32Array) => {
    const s = meanAt(xs)(idx);
    const r = meanAt(random)(idx);
    const o = meanAt(oracle)(idx);
    return (s - r) / (o - r);
  };
  for (const row of rows) {
    const acc = mean(row.correct);
    const g = gap(row.correct)(Int32Array.from(row.correct.keys()));
    const time = row.ms.length > 0 ? mean(row.ms).toFixed(3) : '';
    const timeCi = row.ms.length > 0 ? ci(interval(boot, meanAt(row.ms)), (x) => x.toFixed(3)) : '';
    const d = row === reference ? '' : (100 * (acc - mean(reference.correct))).toFixed(1);
    const dCi = row === reference ? '' : ci(interval(boot, diff(row.correct)), (x) => x.toFixed(1));
    console.log(
      `| ${row.name}${row.note ? ` ${row.note}` : ''} | ${pct(acc)} | ${ci(interval(boot, meanAt(row.correct)), pct)} | ` +
        `${g.toFixed(2)} | ${ci(interval(boot, gap(row.correct)), (x) => x.toFixed(2))} | ${d} | ${dCi} | ${time} | ${timeCi} |`,
    );
  }
}

/** Runs a selection per problem, timing each; returns per-problem correctness and time. */
async function evaluate<P>(
  problems: readonly P[],
  select: (p: P, index: number) => Selection | Promise<Selection>,
  isCorrect: (p: P, winner: string | undefined) => number,
): Promise<{ correct: number[]; ms: number[]; selections: Selection[] }> {
  const correct: number[] = [];
  const ms: number[] = [];
  const selections: Selection[] = [];
  for (const [i, p] of problems.entries()) {
    const t0 = performance.now();
    const s = await select(p, i);
    ms.push(performance.now() - t0);
    selections.push(s);
    correct.push(isCorrect(p, s.winner));
  }
  return { correct, ms, selections };
}

// ---------------------------------------------------------------------------------------------
// GSM8K

interface GsmProblem {
  row: GsmRow;
  candidates: (Candidate & { correct: boolean; model: string; prompt: string })[];
}

/** A plain "last number in the text" key: the README's majority baseline. */
function lastNumberKey(c: Candidate): string | undefined {
  const all = c.text.replace(/,(?=\d{3})/g, '').match(/-?\d+(?:\.\d+)?/g);
  if (all === null) return undefined;
  const n = Number(all[all.length - 1]);
  return Number.isFinite(n) ? String(n) : undefined;
}

/** The share of a text's checkable arithmetic claims that hold (1 when none can be checked). */
function arithmeticScore(text: string): number {
  const r = arithmeticClaims(text);
  return r.claims.length === 0 ? 1 : 1 - r.wrong / r.claims.length;
}

async function gsm8k(prices: Prices): Promise<void> {
  const rows = readJsonl<GsmRow>(FILES.gsm8k);
  const rand = rng(SEED + 11);
  // Candidate ids are a seeded random permutation per problem: ids break the last ties, and the
  // data lists the weakest model first, so ids in data order would bias every tie-break.
  const problems: GsmProblem[] = rows.map((row) => {
    const ids = shuffle(
      row.candidates.map((_, i) => i),
      rand,
    );
    return {
      row,
      candidates: row.candidates.map((c, i) => ({
        id: `c${String(ids[i]).padStart(2, '0')}`,
        text: c.text,
        // The reliability key: model + prompt style + CoT flag.
        source: `${c.model}/${c.prompt}/${c.style}`,
        correct: c.correct,
        model: c.model,
        prompt: c.prompt,
      })),
    };
  });
  const correctOf = (p: GsmProblem, winner: string | undefined): number =>
    p.candidates.find((c) => c.id === winner)?.correct ? 1 : 0;
  const random = problems.map((p) => mean(p.candidates.map((c) => (c.correct ? 1 : 0))));
  const oracle = problems.map((p) => (p.candidates.some((c) => c.correct) ? 1 : 0));

  // Extraction agreement with the labels (issue 4, item 6).
  let agree = 0;
  let total = 0;
  for (const p of problems) {
    for (const c of p.candidates) {
      const x = extractAnswer(c.text, 'math', { prompt: p.row.question });
      total++;
      if ((x === String(p.row.target)) === c.correct) agree++;
    }
  }
  console.log('## GSM8K (gsm8k-3models/public.jsonl)\n');
  console.log(
    `Answer extraction: \`extractAnswer(text, 'math', { prompt })\` === target agrees with the label ` +
      `\`correct\` on ${agree} of ${total} candidates (${((100 * agree) / total).toFixed(2)}%).`,
  );

  const sources = [...new Set(problems[0]!.candidates.map((c) => c.source!))].sort();
  const bySource = sources.map((s) => ({
    s,
    acc: mean(problems.map((p) => (p.candidates.find((c) => c.source === s)?.correct ? 1 : 0))),
  }));
  const best = bySource.reduce((a, b) => (b.acc > a.acc ? b : a));

  const rowsOut: Row[] = [
    { name: 'random candidate (expected)', correct: random, ms: [] },
    {
      name: `best single source, known only in hindsight (${best.s})`,
      correct: problems.map((p) => (p.candidates.find((c) => c.source === best.s)?.correct ? 1 : 0)),
      ms: [],
    },
    { name: 'oracle (any candidate correct)', correct: oracle, ms: [] },
  ];
  const run = async (
    name: string,
    select: (p: GsmProblem, i: number) => Selection | Promise<Selection>,
    note?: string,
  ) => {
    const r = await evaluate(problems, select, correctOf);
    rowsOut.push({ name, correct: r.correct, ms: r.ms, ...(note !== undefined && { note }) });
    return r;
  };

  await run('majority, last number in the text', (p) => majorityVote(p.candidates, { key: lastNumberKey }));
  await run('majority (`extractAnswer` math)', (p) =>
    majorityVote(p.candidates, { kind: 'math', prompt: p.row.question }),
  );

  const online = createReliabilityModel();
  await run('quality_weighted, reliability learned online (one pass, past problems only)', (p) =>
    qualityWeighted(p.candidates, { kind: 'math', prompt: p.row.question, reliability: online, learn: true }),
  );

  const batch = createReliabilityModel();
  const t0 = performance.now();
  const fit = batch.fit(
    problems.map((p) =>
      p.candidates.map((c) => ({
        source: c.source!,
        key: extractAnswer(c.text, 'math', { prompt: p.row.question }),
      })),
    ),
  );
  const fitMs = performance.now() - t0;
  const weighted = await run('quality_weighted, reliability by batch Dawid–Skene EM (no labels)', (p) =>
    qualityWeighted(p.candidates, { kind: 'math', prompt: p.row.question, reliability: batch }),
  );
  const withArithmetic = (p: GsmProblem): Candidate[] =>
    p.candidates.map((c) => ({ ...c, score: arithmeticScore(c.text) }));
  await run('quality_weighted, batch reliability × arithmetic-check score', (p) =>
    qualityWeighted(withArithmetic(p), { kind: 'math', prompt: p.row.question, reliability: batch }),
  );
  const confidence = await run('confidence (batch weighted vote, minAgreement 0.5; best guess kept)', (p) =>
    confidenceThreshold(
      qualityWeighted(p.candidates, { kind: 'math', prompt: p.row.question, reliability: batch }),
      {
        minAgreement: 0.5,
      },
    ),
  );
  await run('tournament (score comparator: arithmetic score, then source reliability)', (p) =>
    tournament(
      withArithmetic(p),
      (a, b) =>
        (a.score ?? 0) - (b.score ?? 0) || batch.reliability(a.source!) - batch.reliability(b.source!),
    ),
  );
  await run('hybrid_merge (section merge; no headings here, so the text medoid)', (p) =>
    hybridMerge(p.candidates),
  );
  await run('majority over free text (medoid, trigram cosine)', (p) =>
    majorityVote(p.candidates, { kind: 'text' }),
  );

  printAccuracyTable('GSM8K selection accuracy', rowsOut, random, oracle, rowsOut[1]!);
  console.log(
    `\nBatch EM: ${fit.iterations} iterations (converged: ${fit.converged}), ${fitMs.toFixed(0)} ms for all problems.`,
  );
  console.log(
    'Learned reliabilities (batch): ' +
      sources.map((s) => `${s} ${batch.reliability(s).toFixed(3)}`).join(', '),
  );
  console.log(
    'Source accuracies (labels, for comparison only): ' +
      bySource.map((b) => `${b.s} ${pct(b.acc)}`).join(', '),
  );

  // Confidence threshold: coverage and accuracy of the decided problems.
  console.log('\n#### Confidence threshold over the batch-weighted vote\n');
  console.log('| minAgreement | decided % | accuracy of decided % | accuracy of flagged % |');
  console.log('| ---: | ---: | ---: | ---: |');
  for (const tau of [0.5, 0.9, 0.99, 0.999]) {
    const decided: number[] = [];
    const flagged: number[] = [];
    for (const [i, s] of confidence.selections.entries()) {
      (s.confidence >= tau ? decided : flagged).push(weighted.correct[i]!);
    }
    console.log(
      `| ${tau} | ${pct(decided.length / problems.length)} | ${decided.length ? pct(mean(decided)) : '–'} | ${flagged.length ? pct(mean(flagged)) : '–'} |`,
    );
  }

  // Accuracy versus decision time and cost, deciding at the first k finishers.
  const models = [...new Set(problems[0]!.candidates.map((c) => c.model))].sort();
  const PRICE_OF: Record<string, string> = {
    'gpt-4o-mini': 'gpt-4o-mini',
    'gpt-3.5-turbo': 'gpt-3.5-turbo',
    // text-davinci-003 is retired and not in the price table: its completion-API successor stands in.
    'davinci-003': 'gpt-3.5-turbo-instruct',
  };
  const latencyRand = rng(SEED + 23);
  const speed = new Map<string, { ttft: number; tps: number }>();
  for (const s of sources) speed.set(s, { ttft: 200 + 400 * latencyRand(), tps: 40 + 110 * latencyRand() });
  const sims = problems.map((p) =>
    p.candidates.map((c) => {
      const sp = speed.get(c.source!)!;
      const ttft = sp.ttft * Math.exp(0.5 * gauss(latencyRand));
      const tps = sp.tps * Math.exp(0.15 * gauss(latencyRand));
      const output = countTokens(c.text);
      // The re-reading prompt states the question twice; ~30 tokens of instructions either way.
      const input = countTokens(p.row.question) * (c.prompt === 're2' ? 2 : 1) + 30;
      const price = prices[PRICE_OF[c.model] ?? ''];
      return {
        c,
        ttft,
        tps,
        output,
        input,
        end: ttft + (1000 * output) / tps,
        inPrice: price?.input_cost_per_token ?? 0,
        outPrice: price?.output_cost_per_token ?? 0,
      };
    }),
  );
  console.log(
    `\n#### Accuracy versus decision time and cost (GSM8K, quorum = the first k of ${sources.length} to finish)\n`,
  );
  console.log(
    'Per source, seeded: median time to first token U(200, 600) ms and speed U(40, 150) tokens/s; per request ' +
      'TTFT × lognormal(σ 0.5), speed × lognormal(σ 0.15); output tokens = the text (gpt-tokenizer). Cost: every ' +
      `request's input, the k finished outputs, and the tokens the cancelled streams produced before the decision; ` +
      `prices: ${models.map((m) => `${m} → ${PRICE_OF[m]}`).join(', ')} (prices/model_prices.json). ` +
      'The vote at k uses the batch reliabilities (what the engine would have saved).\n',
  );
  console.log(
    '| k | decision time ms | accuracy % (weighted) | 95% CI | accuracy % (majority) | cost $ / 1k problems |',
  );
  console.log('| ---: | ---: | ---: | --- | ---: | ---: |');
  const boot = makeBootstrap(problems.length, BOOTSTRAP, SEED + 1);
  for (let k = 1; k <= sources.length; k++) {
    const times: number[] = [];
    const accW: number[] = [];
    const accM: number[] = [];
    const costs: number[] = [];
    for (const [i, p] of problems.entries()) {
      const order = [...sims[i]!].sort((a, b) => a.end - b.end || (a.c.id < b.c.id ? -1 : 1));
      const first = order.slice(0, k);
      const at = first[k - 1]!.end;
      times.push(at);
      const subset = first.map((x) => x.c);
      const w = qualityWeighted(subset, { kind: 'math', prompt: p.row.question, reliability: batch });
      const m = majorityVote(subset, { kind: 'math', prompt: p.row.question });
      accW.push(correctOf(p, w.winner));
      accM.push(correctOf(p, m.winner));
      let cost = 0;
      for (const x of order) {
        cost += x.input * x.inPrice;
        const produced =
          x.end <= at ? x.output : Math.max(0, Math.min(x.output, ((at - x.ttft) * x.tps) / 1000));
        cost += produced * x.outPrice;
      }
      costs.push(cost);
    }
    console.log(
      `| ${k} | ${mean(times).toFixed(0)} | ${pct(mean(accW))} | ${ci(interval(boot, meanAt(accW)), pct)} | ${pct(mean(accM))} | ${(1000 * mean(costs)).toFixed(3)} |`,
    );
  }
  // Adaptive quorum: after each finisher, decide as soon as the weighted vote's posterior
  // confidence reaches τ (the user's chosen risk level, not a fitted constant), else at the last.
  console.log(
    '\n| adaptive: stop when posterior ≥ τ | mean decision time ms | accuracy % | 95% CI | mean k | cost $ / 1k problems |',
  );
  console.log('| ---: | ---: | ---: | --- | ---: | ---: |');
  for (const tau of [0.9, 0.99, 0.999]) {
    const times: number[] = [];
    const acc: number[] = [];
    const ks: number[] = [];
    const costs: number[] = [];
    for (const [i, p] of problems.entries()) {
      const order = [...sims[i]!].sort((a, b) => a.end - b.end || (a.c.id < b.c.id ? -1 : 1));
      let k = 1;
      let s: Selection;
      for (; ; k++) {
        s = qualityWeighted(
          order.slice(0, k).map((x) => x.c),
          { kind: 'math', prompt: p.row.question, reliability: batch },
        );
        if (s.confidence >= tau || k === order.length) break;
      }
      const at = order[k - 1]!.end;
      times.push(at);
      ks.push(k);
      acc.push(correctOf(p, s.winner));
      let cost = 0;
      for (const x of order) {
        cost += x.input * x.inPrice;
        const produced =
          x.end <= at ? x.output : Math.max(0, Math.min(x.output, ((at - x.ttft) * x.tps) / 1000));
        cost += produced * x.outPrice;
      }
      costs.push(cost);
    }
    console.log(
      `| ${tau} | ${mean(times).toFixed(0)} | ${pct(mean(acc))} | ${ci(interval(boot, meanAt(acc)), pct)} | ${mean(ks).toFixed(1)} | ${(1000 * mean(costs)).toFixed(3)} |`,
    );
  }
  const solo = sims.map((s) => s.find((x) => x.c.source === best.s)!);
  console.log(
    `\nReference: the best source alone (${best.s}, one request): ${pct(mean(solo.map((x) => (x.c.correct ? 1 : 0))))}% ` +
      `in ${mean(solo.map((x) => x.end)).toFixed(0)} ms, $${(1000 * mean(solo.map((x) => x.input * x.inPrice + x.output * x.outPrice))).toFixed(3)} / 1k problems.`,
  );
}

// ---------------------------------------------------------------------------------------------
// HumanEval

interface HumanEvalProblem {
  row: HumanEvalRow;
  candidates: (Candidate & { passed: boolean; bits: string })[];
}

interface SyntaxScorerLike {
  init(context: unknown): unknown;
  feed(state: unknown, delta: string): unknown;
  score(state: unknown, done: boolean): number | { value: number };
}

/** The syntax scorer of src/scorers, if it is there (another module; optional here). */
async function loadSyntaxScorer(): Promise<SyntaxScorerLike | undefined> {
  try {
    const mod = (await import('../src/scorers/syntaxScorer.js')) as {
      createSyntaxScorer?: (o: { languages: string[] }) => Promise<SyntaxScorerLike>;
    };
    return mod.createSyntaxScorer === undefined
      ? undefined
      : await mod.createSyntaxScorer({ languages: ['python'] });
  } catch {
    return undefined;
  }
}

async function humaneval(prices: Prices): Promise<void> {
  const rows = readJsonl<HumanEvalRow>(FILES.humaneval);
  const rand = rng(SEED + 31);
  const syntax = await loadSyntaxScorer();
  const problems: HumanEvalProblem[] = [];
  for (const row of rows) {
    const ids = shuffle(
      row.candidates.map((_, i) => i),
      rand,
    );
    const base = row.candidates.map((c, i) => {
      let score: number | undefined;
      if (syntax !== undefined) {
        const state = syntax.init({
          prompt: row.prompt,
          variant: `s${i}`,
          task: 'code',
          codePrefix: row.prompt,
          language: 'python',
          entryPoint: row.entry_point,
        });
        const out = syntax.score(syntax.feed(state, c.completion), true);
        score = typeof out === 'number' ? out : out.value;
      }
      return {
        id: `s${String(ids[i]).padStart(2, '0')}`,
        text: c.completion,
        source: 'codegen-16b/t0.8',
        ...(score !== undefined && { score }),
        passed: c.passed,
        bits: c.generated_tests_passed,
      };
    });
    // Execution results through the Executor interface (precomputed: CodeT's generated tests).
    const executor = precomputedExecutor(Object.fromEntries(base.map((c) => [c.id, c.bits])));
    const tests = Array.from({ length: row.n_generated_tests }, (_, j) => ({
      code: `# generated test ${j}`,
    }));
    const executed = await executeCandidates(base, executor, { prefix: row.prompt, tests });
    problems.push({ row, candidates: executed as HumanEvalProblem['candidates'] });
  }
  const correctOf = (p: HumanEvalProblem, winner: string | undefined): number =>
    p.candidates.find((c) => c.id === winner)?.passed ? 1 : 0;
  const random = problems.map((p) => mean(p.candidates.map((c) => (c.passed ? 1 : 0))));
  const oracle = problems.map((p) => (p.candidates.some((c) => c.passed) ? 1 : 0));
  const rowsOut: Row[] = [
    { name: 'random candidate (expected)', correct: random, ms: [] },
    { name: 'oracle (any candidate passes)', correct: oracle, ms: [] },
  ];
  const run = async (name: string, select: (p: HumanEvalProblem) => Selection | Promise<Selection>) => {
    const r = await evaluate(problems, select, correctOf);
    rowsOut.push({ name, correct: r.correct, ms: r.ms });
    return r;
  };
  const plain = (p: HumanEvalProblem): Candidate[] =>
    p.candidates.map(({ execution: _e, score: _s, ...c }) => c);

  console.log('\n## HumanEval (humaneval-codegen16b/public.jsonl)\n');
  console.log(
    syntax === undefined
      ? 'The syntax scorer (src/scorers/syntaxScorer.ts) was not available: rows that use scores are skipped.'
      : 'Scores: the syntax scorer of src/scorers (prompt + completion parsed as Python, completions cut at HumanEval stop sequences).',
  );
  await run('majority over code normal forms (no execution)', (p) =>
    majorityVote(plain(p), { kind: 'code', language: 'python', continuation: true }),
  );
  await run('majority over behaviour (identical generated-test results)', (p) =>
    majorityVote(p.candidates, { kind: 'code', language: 'python', continuation: true }),
  );
  const codet = await run('execution agreement (CodeT dual agreement, generated tests)', (p) =>
    executionAgreement(p.candidates, {
      testWeights: p.row.generated_test_weights,
      language: 'python',
      continuation: true,
    }),
  );
  if (syntax !== undefined) {
    await run(
      'quality_weighted function: behaviour vote × syntax score (the engine uses CodeT for executed code)',
      (p) => qualityWeighted(p.candidates, { kind: 'code', language: 'python', continuation: true }),
    );
    await run('tournament (score comparator: syntax score)', (p) =>
      tournament(p.candidates, (a, b) => (a.score ?? 0) - (b.score ?? 0)),
    );
  }
  const conf = await run('confidence (CodeT, minAgreement 0.5; best guess kept)', (p) =>
    confidenceThreshold(
      executionAgreement(p.candidates, {
        testWeights: p.row.generated_test_weights,
        language: 'python',
        continuation: true,
      }),
      { minAgreement: 0.5 },
    ),
  );
  await run('hybrid_merge (no sections in completions: the text medoid)', (p) => hybridMerge(plain(p)));
  printAccuracyTable(
    'HumanEval pass@1 of the selected candidate',
    rowsOut,
    random,
    oracle,
    rowsOut.find((r) => r.name.startsWith('execution agreement'))!,
  );
  console.log(
    '\nPublished reference on this data (../shared/data/README.md): CodeT 38.3, random 24.8, oracle 78.0.',
  );
  const decided = conf.selections
    .map((s, i) => ({ s, ok: codet.correct[i]! }))
    .filter((x) => !x.s.noConsensus);
  console.log(
    `Confidence ≥ 0.5: decided on ${decided.length} of ${problems.length} problems, ${pct(mean(decided.map((x) => x.ok)))}% pass@1 there.`,
  );

  // Accuracy versus decision time and cost: k of the 100 samples.
  const latencyRand = rng(SEED + 41);
  const STAND_IN = 'gpt-4.1-nano'; // CodeGen-16B is not sold by token; a small hosted model stands in.
  const price = prices[STAND_IN];
  const sp = { ttft: 200 + 400 * latencyRand(), tps: 40 + 110 * latencyRand() };
  const sims = problems.map((p) => {
    const input = countTokens(p.row.prompt);
    return p.candidates.map((c) => {
      const ttft = sp.ttft * Math.exp(0.5 * gauss(latencyRand));
      const tps = sp.tps * Math.exp(0.15 * gauss(latencyRand));
      const output = countTokens(c.text);
      return { c, ttft, tps, input, output, end: ttft + (1000 * output) / tps };
    });
  });
  console.log(
    `\n#### Accuracy versus decision time and cost (HumanEval, CodeT over the first k of 100 to finish)\n`,
  );
  console.log(
    `One source: median TTFT ${sp.ttft.toFixed(0)} ms, ${sp.tps.toFixed(0)} tokens/s (seeded draws as for GSM8K); prices of ${STAND_IN} as a stand-in for CodeGen-16B. Execution time is not included.\n`,
  );
  console.log('| k | decision time ms | pass@1 % (CodeT) | 95% CI | cost $ / 1k problems |');
  console.log('| ---: | ---: | ---: | --- | ---: |');
  const boot = makeBootstrap(problems.length, BOOTSTRAP, SEED + 2);
  for (const k of [1, 2, 5, 10, 20, 50, 100]) {
    const times: number[] = [];
    const acc: number[] = [];
    const costs: number[] = [];
    for (const [i, p] of problems.entries()) {
      const order = [...sims[i]!].sort((a, b) => a.end - b.end || (a.c.id < b.c.id ? -1 : 1));
      const first = order.slice(0, k);
      const at = first[k - 1]!.end;
      times.push(at);
      const s = executionAgreement(
        first.map((x) => x.c),
        { testWeights: p.row.generated_test_weights, language: 'python', continuation: true },
      );
      acc.push(correctOf(p, s.winner));
      let cost = 0;
      for (const x of order) {
        cost += x.input * (price?.input_cost_per_token ?? 0);
        const produced =
          x.end <= at ? x.output : Math.max(0, Math.min(x.output, ((at - x.ttft) * x.tps) / 1000));
        cost += produced * (price?.output_cost_per_token ?? 0);
      }
      costs.push(cost);
    }
    console.log(
      `| ${k} | ${mean(times).toFixed(0)} | ${pct(mean(acc))} | ${ci(interval(boot, meanAt(acc)), pct)} | ${(1000 * mean(costs)).toFixed(3)} |`,
    );
  }
}

// ---------------------------------------------------------------------------------------------

const started = performance.now();
const prices = JSON.parse(readFileSync(FILES.prices, 'utf8')) as Prices;
console.log(
  `# Selection benchmark\n\n\`npx tsx bench/selection.ts${LONG ? ' --long' : ''}\` (seed ${SEED}, data ${DATA})\n`,
);
await gsm8k(prices);
await humaneval(prices);
console.log(`\nTotal ${((performance.now() - started) / 1000).toFixed(1)} s.`);
