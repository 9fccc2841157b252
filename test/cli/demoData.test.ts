import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoScenario } from '../../src/cli/demoScenario.js';
import { DEMO_DATA_URL, loadDemoProblems } from '../../src/cli/loadDemoProblems.js';
import { pickProblem } from '../../src/cli/pickProblem.js';
import { recordedAnswers } from '../../src/cli/recordedAnswers.js';
import { validateScenario } from '../../src/emulator/validateScenario.js';
import { extractAnswer } from '../../src/scorers/answer.js';

describe('the demo sample (data/demo)', () => {
  const problems = loadDemoProblems();

  it('is small, attributed, and has three recorded answers per problem', () => {
    expect(statSync(DEMO_DATA_URL).size).toBeLessThan(1024 * 1024);
    const readme = readFileSync(new URL('README.md', DEMO_DATA_URL), 'utf8');
    for (const needle of [
      'Tebmer/Rereading-LLM-Reasoning',
      '0dbad50b',
      'Apache License 2.0',
      'openai/grade-school-math',
      'MIT',
    ]) {
      expect(readme).toContain(needle);
    }
    expect(readFileSync(new URL('LICENSE-Apache-2.0.txt', DEMO_DATA_URL), 'utf8')).toContain(
      'Apache License',
    );
    expect(problems).toHaveLength(150);
    for (const p of problems) {
      expect(p.answers.map((a) => a.model)).toEqual(['gpt-4o-mini', 'gpt-3.5-turbo', 'davinci-003']);
    }
  });

  it('has labels that agree with chorus’s answer extraction (so the demo never contradicts its vote)', () => {
    for (const p of problems) {
      for (const a of p.answers) {
        const key = extractAnswer(a.text, 'math', { prompt: p.question });
        expect(key !== undefined && Number(key) === p.target, `${p.id} ${a.model}`).toBe(a.correct);
      }
    }
  });

  it('picks by seed (repeatably), by id or by number, and names --problem when there is none', () => {
    expect(pickProblem(problems, { seed: 7 }).id).toBe(pickProblem(problems, { seed: 7 }).id);
    const ids = new Set(Array.from({ length: 20 }, (_, seed) => pickProblem(problems, { seed }).id));
    expect(ids.size).toBeGreaterThan(5);
    const some = problems[10]!;
    expect(pickProblem(problems, { seed: 1, problem: some.id })).toBe(some);
    expect(pickProblem(problems, { seed: 1, problem: some.id.replace('gsm8k/', '') })).toBe(some);
    expect(() => pickProblem(problems, { seed: 1, problem: 'gsm8k/nope' })).toThrow(/`--problem`/);
  });
});

describe('demoScenario', () => {
  const problem = loadDemoProblems()[0]!;

  it('replays each recorded answer over its own protocol with a seeded, scaled latency plan', () => {
    const a = demoScenario(problem, { seed: 3, timeScale: 1 });
    const b = demoScenario(problem, { seed: 3, timeScale: 0.5 });
    validateScenario(a.scenario);
    expect(a.providers.map((p) => [p.name, p.model])).toEqual([
      ['openai', 'gpt-4o-mini'],
      ['anthropic', 'gpt-3.5-turbo'],
      ['ollama', 'davinci-003'],
    ]);
    for (const [i, p] of a.providers.entries()) {
      expect(a.scenario.models[p.model]!.text).toBe(p.answer.text);
      expect(p.tokensPerSecond).toBeGreaterThanOrEqual(p.profile.tokensPerSecond * 0.8);
      expect(p.tokensPerSecond).toBeLessThanOrEqual(p.profile.tokensPerSecond * 1.2);
      // A few hundred tokens at tens per second: seconds, not milliseconds or minutes.
      expect(p.plannedMs).toBeGreaterThan(100);
      expect(p.plannedMs).toBeLessThan(60_000);
      expect(b.providers[i]!.plannedMs).toBeCloseTo(p.plannedMs / 2, 6);
    }
    expect(demoScenario(problem, { seed: 4, timeScale: 1 }).providers[0]!.plannedMs).not.toBe(
      a.providers[0]!.plannedMs,
    );
    expect(a.messages).toEqual([{ role: 'user', content: problem.question }]);
  });
});

describe('recordedAnswers', () => {
  it('answers a sample question with the recorded answers, anything else with the fallback', () => {
    const problem = loadDemoProblems()[3]!;
    const text = recordedAnswers('no recording');
    const ask = (model: string, content: string) =>
      text({
        protocol: 'openai',
        model,
        prompt: content,
        messages: [{ role: 'user', content }],
        index: 0,
        body: {},
      });
    expect(ask('gpt-4o-mini', problem.question)).toBe(problem.answers[0]!.text);
    expect(ask('claude-haiku-4-5', `  ${problem.question}\n`)).toBe(problem.answers[1]!.text);
    expect(ask('llama3.2', problem.question)).toBe(problem.answers[2]!.text);
    expect(problem.answers.map((a) => a.text)).toContain(ask('some-other-model', problem.question));
    expect(ask('gpt-4o-mini', 'What is 17 * 23?')).toBe('no recording');
  });
});
