/**
 * Real answers for the latency benchmark: chain-of-thought answers to GSM8K questions written by
 * gpt-4o-mini, gpt-3.5-turbo and davinci-003 (../shared/data/gsm8k-3models, see its README), so
 * that output lengths, and so generation times, are those of real answers. Falls back to
 * synthetic answers of similar lengths when the data is not there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRandom } from '../../src/emulator/index.js';

/** The chain-of-thought sources used, one per variant slot (rotated per trial). */
export const COT_SOURCES = [
  'gpt-4o-mini/base/cot',
  'gpt-4o-mini/re2/cot',
  'gpt-3.5-turbo/base/cot',
  'gpt-3.5-turbo/re2/cot',
  'davinci-003/base/cot',
] as const;

/** One problem: its question and one answer per source in {@link COT_SOURCES}. */
export interface Problem {
  readonly question: string;
  readonly answers: readonly string[];
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the data is looked for by default: `../shared/data` next to the repository. */
export const DEFAULT_DATA_DIR = resolve(ROOT, '../shared/data');

/**
 * Loads the problems whose five CoT answers are all present, shuffled by `seed`; `source` says
 * where they came from.
 *
 * @example
 * const { problems } = loadProblems(DEFAULT_DATA_DIR, 1);
 */
export function loadProblems(dataDir: string, seed: number): { problems: Problem[]; source: string } {
  const file = resolve(dataDir, 'gsm8k-3models/public.jsonl');
  const random = createRandom(`${seed}/problems`);
  let problems: Problem[] = [];
  let source = `${file} (GSM8K CoT answers of ${COT_SOURCES.join(', ')})`;
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const row = JSON.parse(line) as { question: string; candidates: { source: string; text: string }[] };
      const answers = COT_SOURCES.map((s) => row.candidates.find((c) => c.source === s)?.text.trim() ?? '');
      if (answers.every((a) => a !== '')) problems.push({ question: row.question, answers });
    }
  }
  if (problems.length === 0) {
    source = `synthetic answers (${file} not found)`;
    problems = Array.from({ length: 100 }, (_, i) => ({
      question: `Question ${i}?`,
      answers: COT_SOURCES.map((_, s) =>
        `Step ${s}: we add the numbers one by one and check the total again. `.repeat(8 + ((i + s) % 10)),
      ),
    }));
  }
  // Fisher–Yates with the seeded generator.
  for (let i = problems.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [problems[i], problems[j]] = [problems[j]!, problems[i]!];
  }
  return { problems, source };
}
