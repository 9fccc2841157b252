/**
 * The machinery shared by the voting strategies: input checks, keys, tallies, the deterministic
 * tie-break and the `Selection` they all return. Not public.
 *
 * Permutation invariance: every strategy first sorts candidates by id and does all arithmetic in
 * that order (floating-point sums included), so the input order cannot change the result.
 */
import { type AnswerKind, extractAnswer } from '../scorers/answer.js';
import type { Candidate } from './candidate.js';
import type { AnswerGroup, CandidateVerdict, Selection } from './selection.js';

/** Reads a candidate's answer; `undefined` means it gave none (it does not vote). */
export type CandidateKey = (candidate: Candidate) => string | undefined;

const KINDS: readonly string[] = ['math', 'choice', 'code', 'text'];

/** Validates the candidates and returns them sorted by id. */
export function sortCandidates(candidates: readonly Candidate[], where: string): Candidate[] {
  if (!Array.isArray(candidates)) throw new TypeError(`${where}: \`candidates\` must be an array`);
  const seen = new Set<string>();
  for (const c of candidates) {
    if (typeof c !== 'object' || c === null || typeof c.id !== 'string' || typeof c.text !== 'string') {
      throw new TypeError(`${where}: every candidate needs a string \`id\` and \`text\``);
    }
    if (seen.has(c.id)) {
      throw new TypeError(`${where}: candidate ids must be unique (they break ties); \`${c.id}\` repeats`);
    }
    seen.add(c.id);
    if (c.score !== undefined && !(Number.isFinite(c.score) && c.score >= 0 && c.score <= 1)) {
      throw new TypeError(
        `${where}: candidate \`${c.id}\` has \`score\` ${String(c.score)}; expected a number in [0, 1]`,
      );
    }
  }
  return [...candidates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Options that say how to read an answer from a candidate. */
export interface KeyOptions {
  /** How to read answers: `math`, `choice`, `code` or `text`. */
  readonly kind?: AnswerKind;
  /** A custom key; overrides `kind`. */
  readonly key?: CandidateKey;
  /** The question, for math answers that state their result only in prose. */
  readonly prompt?: string;
  /** For `code`: the language. */
  readonly language?: string;
  /** For `code`: the texts continue a function (only the body counts; see `codeNormalForm`). */
  readonly continuation?: boolean;
  /**
   * For `code`: vote by behaviour (execution results) when every candidate that has a program
   * also has `execution`.
   */
  readonly execution?: boolean;
}

/** Checks key options; `where` names the caller in messages. */
export function checkKeyOptions(options: KeyOptions, where: string): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: \`options\` must be an object`);
  }
  if (options.kind !== undefined && !KINDS.includes(options.kind)) {
    throw new TypeError(
      `${where}: \`kind\` must be 'math', 'choice', 'code' or 'text'; got ${JSON.stringify(options.kind)}`,
    );
  }
  if (options.key !== undefined && typeof options.key !== 'function') {
    throw new TypeError(`${where}: \`key\` must be a function (candidate) => string | undefined`);
  }
  if (options.prompt !== undefined && typeof options.prompt !== 'string') {
    throw new TypeError(`${where}: \`prompt\` must be a string`);
  }
  if (options.execution !== undefined && typeof options.execution !== 'boolean') {
    throw new TypeError(`${where}: \`execution\` must be a boolean`);
  }
}

/** The key function for these options and candidates. */
export function resolveKey(options: KeyOptions, candidates: readonly Candidate[]): CandidateKey {
  if (options.key !== undefined) return options.key;
  const kind = options.kind ?? 'text';
  if (kind === 'code' && (options.execution ?? true) && candidates.length > 0) {
    if (candidates.every((c) => c.execution !== undefined)) return behaviourKey;
  }
  const extract = {
    ...(options.prompt !== undefined && { prompt: options.prompt }),
    ...(options.language !== undefined && { language: options.language }),
    ...(options.continuation !== undefined && { continuation: options.continuation }),
  };
  return (c) => extractAnswer(c.text, kind, extract);
}

/** The behaviour signature of an executed candidate: its pass bits (and outputs, if recorded). */
export function behaviourKey(candidate: Candidate): string | undefined {
  const run = candidate.execution;
  if (run === undefined) return undefined;
  const bits = run.passed.map((p) => (p ? '1' : '0')).join('');
  return run.outputs === undefined ? `exec:${bits}` : `exec:${bits}:${JSON.stringify(run.outputs)}`;
}

/** One candidate's vote. */
export interface Ballot {
  readonly candidate: Candidate;
  readonly key: string | undefined;
  readonly weight: number;
}

/** A group of equal keys with its total. */
export interface Tally {
  readonly key: string;
  readonly ballots: readonly Ballot[];
  readonly weight: number;
  /** The member that stands for the group (see `representative`). */
  readonly best: Ballot;
}

const FINISH_RANK: Readonly<Record<string, number>> = { stop: 0, length: 1, cancelled: 2, error: 3 };

/**
 * Orders ballots within a group, best first: higher own weight, higher score, a clean finish over a
 * cut-off, then smaller id. Deterministic whatever the input order.
 */
export function compareBallots(a: Ballot, b: Ballot): number {
  return (
    b.weight - a.weight ||
    (b.candidate.score ?? -1) - (a.candidate.score ?? -1) ||
    (FINISH_RANK[a.candidate.finish ?? 'stop'] ?? 0) - (FINISH_RANK[b.candidate.finish ?? 'stop'] ?? 0) ||
    (a.candidate.id < b.candidate.id ? -1 : a.candidate.id > b.candidate.id ? 1 : 0)
  );
}

/**
 * Groups ballots by key and ranks the groups, best first: larger summed weight, more votes, the
 * better representative (by `compareBallots`), then the smaller key. Ballots must be in id order.
 */
export function tally(
  ballots: readonly Ballot[],
  pick: (members: readonly Ballot[]) => Ballot = (members) => [...members].sort(compareBallots)[0]!,
): Tally[] {
  const groups = new Map<string, Ballot[]>();
  for (const b of ballots) {
    if (b.key === undefined) continue;
    const list = groups.get(b.key);
    if (list === undefined) groups.set(b.key, [b]);
    else list.push(b);
  }
  const tallies: Tally[] = [];
  for (const [key, members] of groups) {
    let weight = 0;
    for (const m of members) weight += m.weight; // id order: the same sum for any input order
    const best = pick(members);
    tallies.push({ key, ballots: members, weight, best });
  }
  return tallies.sort(
    (a, b) =>
      b.weight - a.weight ||
      b.ballots.length - a.ballots.length ||
      compareBallots(a.best, b.best) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

/** Builds the verdicts and groups of a selection from ranked tallies. */
export function describeTallies(
  ballots: readonly Ballot[],
  tallies: readonly Tally[],
): { candidates: CandidateVerdict[]; groups: AnswerGroup[] } {
  const index = new Map<string, number>();
  for (const [i, t] of tallies.entries()) index.set(t.key, i);
  const candidates = ballots.map((b): CandidateVerdict => {
    const group = b.key === undefined ? -1 : (index.get(b.key) ?? -1);
    return {
      id: b.candidate.id,
      key: b.key,
      group,
      votes: group === -1 ? 0 : tallies[group]!.ballots.length,
      weight: b.weight,
      score: b.candidate.score,
    };
  });
  const groups = tallies.map(
    (t): AnswerGroup => ({ key: t.key, members: t.ballots.map((b) => b.candidate.id), weight: t.weight }),
  );
  return { candidates, groups };
}

/** A selection for an empty candidate list (or one where nobody gave an answer and no text). */
export function emptySelection(
  method: string,
  reason: string,
  candidates: CandidateVerdict[] = [],
): Selection {
  return {
    text: '',
    winner: undefined,
    method,
    confidence: 0,
    noConsensus: true,
    reason,
    candidates,
    groups: [],
  };
}

/** Shortens a key for a reason line (code fingerprints and long texts stay readable). */
export function shortKey(key: string): string {
  const oneLine = key.replace(/\s+/g, ' ');
  return oneLine.length > 40 ? `${oneLine.slice(0, 37)}...` : oneLine;
}

/** Formats a weight for a reason line. */
export function formatWeight(w: number): string {
  return Number.isInteger(w) ? String(w) : w.toFixed(2);
}

/** How a voting strategy turns group weights into `confidence`. */
export type ConfidenceMode =
  /** The winning group's share of all weight (unkeyed candidates included): plain votes. */
  | 'share'
  /** Softmax of group weights against "an answer nobody gave" at 0: log-odds votes. */
  | 'posterior';

/**
 * Decides by weighted votes over keys: tallies, picks the top group's best ballot, and writes the
 * selection. `ballots` must be in id order.
 */
export function decideByVotes(
  ballots: readonly Ballot[],
  method: string,
  mode: ConfidenceMode,
  pick?: (members: readonly Ballot[]) => Ballot,
): Selection {
  const tallies = tally(ballots, pick);
  const { candidates, groups } = describeTallies(ballots, tallies);
  const n = ballots.length;
  if (tallies.length === 0) {
    // Nobody gave an answer: the best candidate by score, flagged.
    const best = [...ballots].sort(compareBallots)[0];
    if (best === undefined) return emptySelection(method, 'no candidates');
    return {
      text: best.candidate.text,
      winner: best.candidate.id,
      method,
      confidence: 0,
      noConsensus: true,
      reason: `none of ${n} candidates gave an answer`,
      candidates,
      groups,
    };
  }
  const top = tallies[0]!;
  let confidence: number;
  if (mode === 'share') {
    let all = 0;
    for (const b of ballots) all += Math.max(0, b.weight);
    confidence = all > 0 ? Math.max(0, top.weight) / all : 0;
  } else {
    let max = 0;
    for (const t of tallies) max = Math.max(max, t.weight);
    let z = Math.exp(-max);
    for (const t of tallies) z += Math.exp(t.weight - max);
    confidence = Math.exp(top.weight - max) / z;
  }
  const second = tallies[1];
  const plain = ballots.every((b) => b.weight === 1);
  const support = plain
    ? `${top.ballots.length} of ${n} answers say ${shortKey(top.key)}`
    : `${top.ballots.length} of ${n} answers say ${shortKey(top.key)} (weight ${formatWeight(top.weight)})`;
  const tie =
    second !== undefined && second.weight === top.weight
      ? `; tied with ${shortKey(second.key)}, broken by ${second.ballots.length !== top.ballots.length ? 'vote count' : 'score, then id'}`
      : second !== undefined
        ? `; next: ${shortKey(second.key)} with ${plain ? second.ballots.length : formatWeight(second.weight)}`
        : '';
  return {
    text: top.best.candidate.text,
    winner: top.best.candidate.id,
    method,
    confidence: Math.min(1, Math.max(0, confidence)),
    reason: support + tie,
    candidates,
    groups,
  };
}
