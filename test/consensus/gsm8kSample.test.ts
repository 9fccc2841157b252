import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../src/consensus/candidate.js';
import { createConsensusEngine } from '../../src/consensus/consensusEngine.js';
import { majorityVote } from '../../src/consensus/majorityVote.js';
import { qualityWeighted } from '../../src/consensus/qualityWeighted.js';
import { reliabilityModelFromJSON } from '../../src/consensus/reliabilityModel.js';

// Real answers (test/fixtures/gsm8k-sample.jsonl) and the reliabilities a label-free batch fit
// learned on the full public set (test/fixtures/gsm8k-reliability.json).
interface Row {
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
const rows = readFileSync(new URL('../fixtures/gsm8k-sample.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Row);
const saved: unknown = JSON.parse(
  readFileSync(new URL('../fixtures/gsm8k-reliability.json', import.meta.url), 'utf8'),
);
const candidates = (r: Row): (Candidate & { correct: boolean })[] =>
  r.candidates.map((c, i) => ({
    id: `c${i}`,
    text: c.text,
    source: `${c.model}/${c.prompt}/${c.style}`,
    correct: c.correct,
  }));
const correct = (r: Row, winner: string | undefined): boolean =>
  candidates(r).find((c) => c.id === winner)?.correct ?? false;

describe('consensus on real GSM8K answers', () => {
  it('learned reliabilities rank the models as their (unseen) accuracy does', () => {
    const m = reliabilityModelFromJSON(saved);
    expect(m.reliability('gpt-4o-mini/re2/cot')).toBeGreaterThan(m.reliability('gpt-3.5-turbo/re2/cot'));
    expect(m.reliability('gpt-3.5-turbo/re2/cot')).toBeGreaterThan(m.reliability('davinci-003/re2/cot'));
    expect(m.reliability('davinci-003/re2/cot')).toBeGreaterThan(m.reliability('davinci-003/re2/vanilla'));
  });

  it('the weighted vote fixes problems where weak models agree on a wrong answer', () => {
    const reliability = reliabilityModelFromJSON(saved);
    for (const id of ['gsm8k/523', 'gsm8k/736', 'gsm8k/765', 'gsm8k/942']) {
      const r = rows.find((x) => x.id === id)!;
      const majority = majorityVote(candidates(r), { kind: 'math', prompt: r.question });
      const weighted = qualityWeighted(candidates(r), { kind: 'math', prompt: r.question, reliability });
      expect(correct(r, majority.winner), `${id} majority`).toBe(false);
      expect(correct(r, weighted.winner), `${id} weighted`).toBe(true);
      expect(weighted.groups[0]!.key).toBe(String(r.target));
    }
  });

  it('the engine, learning online from these 28 problems alone, does at least as well as majority', async () => {
    const engine = createConsensusEngine({ method: 'quality_weighted', kind: 'math' });
    let engineRight = 0;
    let majorityRight = 0;
    for (const r of rows) {
      const s = await engine.decide(candidates(r), { prompt: r.question });
      if (correct(r, s.winner)) engineRight++;
      if (correct(r, majorityVote(candidates(r), { kind: 'math', prompt: r.question }).winner))
        majorityRight++;
    }
    expect(engineRight).toBeGreaterThanOrEqual(majorityRight);
    expect(engine.reliability.sources).toHaveLength(12);
  });
});
