/**
 * Rebuilds `gsm8k-demo.jsonl` from the benchmark data (see README.md in this folder):
 *
 *   npx tsx data/demo/makeSample.ts ../shared/data/gsm8k-3models/public.jsonl > data/demo/gsm8k-demo.jsonl
 *
 * Keeps, per problem, the chain-of-thought answer to the plain prompt (`<model>/base/cot`) of each
 * of the three models; keeps only problems whose three answers are at most 1,200 characters (so
 * the demo's race takes seconds) and whose labels agree with chorus's own answer extraction (so the
 * demo's "correct?" line never contradicts its vote); then draws 150 of them with a fixed seed.
 */
import { readFileSync } from 'node:fs';
import { extractAnswer } from '../../src/scorers/answer.js';

const MODELS = ['gpt-4o-mini', 'gpt-3.5-turbo', 'davinci-003'];
const COUNT = 150;
const MAX_CHARS = 1200;

interface Candidate {
  readonly source: string;
  readonly model: string;
  readonly text: string;
  readonly correct: boolean;
}
interface Problem {
  readonly id: string;
  readonly question: string;
  readonly target: number;
  readonly candidates: readonly Candidate[];
}

const file = process.argv[2];
if (file === undefined) throw new Error('usage: makeSample.ts PATH/TO/gsm8k-3models/public.jsonl');
const problems = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Problem);

const kept = [];
for (const p of problems) {
  const chosen = MODELS.map((m) => p.candidates.find((c) => c.source === `${m}/base/cot`));
  if (chosen.some((c) => c === undefined || c.text.length > MAX_CHARS)) continue;
  const consistent = chosen.every((c) => {
    const key = extractAnswer(c!.text, 'math', { prompt: p.question });
    return (key !== undefined && Number(key) === Number(p.target)) === c!.correct;
  });
  if (!consistent) continue;
  kept.push({
    id: p.id,
    question: p.question,
    target: p.target,
    answers: chosen.map((c) => ({ model: c!.model, source: c!.source, text: c!.text, correct: c!.correct })),
  });
}

// A seeded Fisher–Yates shuffle (mulberry32), then the first COUNT in their original order.
let state = 20260724;
const next = () => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const order = kept.map((_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(next() * (i + 1));
  [order[i], order[j]] = [order[j]!, order[i]!];
}
const picked = order.slice(0, COUNT).sort((a, b) => a - b);
process.stderr.write(`${problems.length} problems, ${kept.length} eligible, ${picked.length} kept\n`);
for (const i of picked) process.stdout.write(`${JSON.stringify(kept[i])}\n`);
