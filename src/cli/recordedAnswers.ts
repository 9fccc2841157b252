import type { EmulatedRequest } from '../emulator/scenario.js';
import { loadDemoProblems } from './loadDemoProblems.js';

/** Which recorded model's answer each emulated model name replays. */
const REPLAYS: Readonly<Record<string, string>> = {
  'gpt-4o-mini': 'gpt-4o-mini',
  'gpt-3.5-turbo': 'gpt-3.5-turbo',
  'davinci-003': 'davinci-003',
  'claude-haiku-4-5': 'gpt-3.5-turbo',
  'llama3.2': 'davinci-003',
};
const ORDER = ['gpt-4o-mini', 'gpt-3.5-turbo', 'davinci-003'];

/**
 * An emulator `text` function that answers the questions of the demo sample (data/demo) with the
 * answers real models recorded for them: `gpt-4o-mini` its own, `claude-haiku-4-5` gpt-3.5-turbo's,
 * `llama3.2` davinci-003's (any other model name: one of the three, fixed per name). Any other
 * prompt gets `fallback`. What `chorus serve --emulate` streams, so that a client asking a sample
 * question sees a real consensus.
 *
 * @example
 * realisticScenario({ text: recordedAnswers('No recorded answer for this prompt.') });
 */
export function recordedAnswers(fallback: string): (request: EmulatedRequest) => string {
  const byQuestion = new Map(loadDemoProblems().map((p) => [p.question.trim(), p] as const));
  return (request) => {
    const users = request.messages.filter((m) => m.role === 'user');
    const problem = byQuestion.get((users.at(-1)?.content ?? '').trim());
    if (problem === undefined) return fallback;
    const recorded = REPLAYS[request.model] ?? ORDER[hash(request.model) % ORDER.length]!;
    return problem.answers.find((a) => a.model === recorded)?.text ?? fallback;
  };
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}
