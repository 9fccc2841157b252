/**
 * The vote behind `takeUntilQuorum`, with no RxJS in it: rule validation, and a tally that records
 * snapshots, groups finished answers and says when the quorum is reached or can no longer be.
 * Not public.
 */
import type { ScoredSnapshot, VariantId } from '../events.js';
import { normalizedTextKey } from './normalizedTextKey.js';
import type { QuorumDecision, QuorumGroup, QuorumProgress, QuorumState } from './quorumEvents.js';
import type { QuorumRule } from './takeUntilQuorum.js';

/** A validated rule, with defaults filled in. */
export interface QuorumConfig {
  readonly quorum: number;
  readonly agree:
    | { readonly kind: 'key'; readonly key: (snapshot: ScoredSnapshot) => string | undefined }
    | {
        readonly kind: 'similarity';
        readonly similarity: (a: string, b: string) => number;
        readonly threshold: number;
      };
  readonly minScore: number;
  readonly confidence: number;
  readonly expected: number | undefined;
  readonly onNoQuorum: 'best' | 'error';
  readonly truncatedVotes: boolean;
  readonly progress: 'changes' | 'snapshots' | 'none' | { readonly throttleMs: number };
}

/** What a snapshot changed. */
export type Change = 'ignored' | 'started' | 'snapshot' | 'finished' | 'failed';

interface Entry {
  snapshot: ScoredSnapshot;
  status: 'streaming' | 'finished' | 'failed';
  /** Position among ended variants; breaks ties in favour of the earlier finish. */
  finishOrder: number;
}

interface Group {
  readonly key: string;
  readonly members: Entry[];
  scoreSum: number;
}

/** Validates a rule; throws the `TypeError` the operator promises, naming the option. */
export function toQuorumConfig(rule: QuorumRule): QuorumConfig {
  const fail = (option: string, allowed: string, got: unknown): never => {
    throw new TypeError(`takeUntilQuorum: \`${option}\` must be ${allowed}, got ${String(got)}`);
  };
  if (typeof rule !== 'object' || rule === null) fail('rule', 'an object such as { quorum: 2 }', rule);
  const {
    quorum,
    minScore = 0,
    confidence = 0,
    expected,
    onNoQuorum = 'best',
    truncatedVotes = false,
  } = rule;
  if (!Number.isInteger(quorum) || quorum < 1) fail('quorum', 'an integer >= 1', quorum);
  if (typeof minScore !== 'number' || !(minScore >= 0 && minScore <= 1))
    fail('minScore', 'a number in [0, 1]', minScore);
  if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) {
    fail('confidence', 'a number in [0, 1]', confidence);
  }
  if (expected !== undefined && (!Number.isInteger(expected) || expected < quorum)) {
    fail('expected', `an integer >= \`quorum\` (${quorum}) when given`, expected);
  }
  if (onNoQuorum !== 'best' && onNoQuorum !== 'error') fail('onNoQuorum', "'best' or 'error'", onNoQuorum);
  if (typeof truncatedVotes !== 'boolean') fail('truncatedVotes', 'a boolean', truncatedVotes);
  return {
    quorum,
    agree: toAgree(rule.agree),
    minScore,
    confidence,
    expected,
    onNoQuorum,
    truncatedVotes,
    progress: toProgress(rule.progress),
  };
}

function toAgree(agree: QuorumRule['agree']): QuorumConfig['agree'] {
  if (agree === undefined) return { kind: 'key', key: normalizedTextKey };
  if (typeof agree === 'function') return { kind: 'key', key: agree };
  if (
    typeof agree === 'object' &&
    agree !== null &&
    typeof agree.similarity === 'function' &&
    typeof agree.threshold === 'number' &&
    Number.isFinite(agree.threshold)
  ) {
    return { kind: 'similarity', similarity: agree.similarity, threshold: agree.threshold };
  }
  throw new TypeError(
    'takeUntilQuorum: `agree` must be a key function (snapshot) => string | undefined, or ' +
      '{ similarity: (a, b) => number, threshold: number }',
  );
}

function toProgress(progress: QuorumRule['progress']): QuorumConfig['progress'] {
  if (progress === undefined) return 'changes';
  if (progress === 'changes' || progress === 'snapshots' || progress === 'none') return progress;
  if (typeof progress === 'object' && progress !== null) {
    const { throttleMs } = progress;
    if (typeof throttleMs === 'number' && Number.isFinite(throttleMs) && throttleMs >= 0)
      return { throttleMs };
  }
  throw new TypeError(
    "takeUntilQuorum: `progress` must be 'changes', 'snapshots', 'none' or { throttleMs: n } with a " +
      `finite n >= 0, got ${JSON.stringify(progress)}`,
  );
}

/** Records snapshots and groups finished answers. One tally per subscription. */
export function createQuorumTally(config: QuorumConfig) {
  const entries = new Map<VariantId, Entry>();
  const groups: Group[] = [];
  const byKey = new Map<string, Group>();
  let finished = 0;
  let failed = 0;

  const size = (g: Group): number => g.members.length;
  const mean = (g: Group): number => g.scoreSum / g.members.length;
  const compareGroups = (a: Group, b: Group): number =>
    size(b) - size(a) || mean(b) - mean(a) || a.members[0]!.finishOrder - b.members[0]!.finishOrder;
  const compareEntries = (a: Entry, b: Entry): number =>
    b.snapshot.score - a.snapshot.score || a.finishOrder - b.finishOrder;
  const ranked = (): Group[] => [...groups].sort(compareGroups);
  const bestMembers = (g: Group): Entry[] => [...g.members].sort(compareEntries);

  const join = (group: Group, entry: Entry): void => {
    group.members.push(entry);
    group.scoreSum += entry.snapshot.score;
  };
  const newGroup = (key: string): Group => {
    const group: Group = { key, members: [], scoreSum: 0 };
    groups.push(group);
    return group;
  };

  const vote = (entry: Entry): void => {
    const s = entry.snapshot;
    if (s.finish === 'length' && !config.truncatedVotes) return;
    if (!(s.score >= config.minScore)) return;
    const { agree } = config;
    if (agree.kind === 'key') {
      const key = agree.key(s);
      if (key === undefined) return;
      if (typeof key !== 'string')
        throw new TypeError(`takeUntilQuorum: \`agree\` returned ${typeof key}, not a string`);
      let group = byKey.get(key);
      if (group === undefined) {
        group = newGroup(key);
        byKey.set(key, group);
      }
      join(group, entry);
      return;
    }
    // Each answer joins the group whose representative (first member) it is most similar to, if
    // that similarity reaches the threshold; the earlier group wins a tie. So groups depend on the
    // order answers finish in, but each answer is compared once per group, never re-clustered.
    let best: Group | undefined;
    let bestSimilarity = Number.NEGATIVE_INFINITY;
    for (const group of groups) {
      const similarity = agree.similarity(group.members[0]!.snapshot.text, s.text);
      if (similarity >= agree.threshold && similarity > bestSimilarity) {
        best = group;
        bestSimilarity = similarity;
      }
    }
    join(best ?? newGroup(s.variant), entry);
  };

  const satisfies = (g: Group): boolean =>
    size(g) >= config.quorum && size(g) >= config.confidence * finished;

  const state = (lead: Group | undefined, order: Group[]): QuorumState => {
    let leader: Entry | undefined;
    if (lead) leader = bestMembers(lead)[0];
    else {
      for (const e of entries.values()) {
        if (e.status === 'finished' && (leader === undefined || compareEntries(e, leader) < 0)) leader = e;
      }
    }
    return {
      quorum: config.quorum,
      expected: config.expected,
      leader: leader?.snapshot.variant,
      agreeing: lead ? size(lead) : 0,
      groups: order.map(
        (g): QuorumGroup => ({
          key: g.key,
          members: g.members.map((m) => m.snapshot.variant),
          meanScore: mean(g),
        }),
      ),
      finished,
      failed,
      streaming: entries.size - finished - failed,
    };
  };
  const latest = (): ScoredSnapshot[] => Array.from(entries.values(), (e) => e.snapshot);

  return {
    /** Records a snapshot and says what it changed. May throw if the `agree` function does. */
    push(snapshot: ScoredSnapshot): Change {
      let entry = entries.get(snapshot.variant);
      const isNew = entry === undefined;
      if (entry === undefined) {
        entry = { snapshot, status: 'streaming', finishOrder: Number.POSITIVE_INFINITY };
        entries.set(snapshot.variant, entry);
      } else if (entry.status !== 'streaming') {
        return 'ignored';
      } else {
        entry.snapshot = snapshot;
      }
      if (!snapshot.done) return isNew ? 'started' : 'snapshot';
      entry.finishOrder = finished + failed;
      if (snapshot.finish === 'error' || snapshot.finish === 'cancelled') {
        entry.status = 'failed';
        failed++;
        return 'failed';
      }
      entry.status = 'finished';
      finished++;
      vote(entry);
      return 'finished';
    },

    /** Whether some group satisfies both the quorum and the confidence. */
    reached(): boolean {
      return groups.some(satisfies);
    },

    /**
     * With `expected`: true when no group can reach the rule any more, even if every variant still
     * to finish joined the largest group (an upper bound, so this never gives up too early).
     */
    impossible(): boolean {
      if (config.expected === undefined) return false;
      const remaining = Math.max(config.expected, entries.size) - finished - failed;
      const largest = groups.reduce((m, g) => Math.max(m, size(g)), 0);
      const best = largest + remaining;
      return !(best >= config.quorum && best >= config.confidence * (finished + remaining));
    },

    progress(cause: QuorumProgress['cause'], variant: VariantId): QuorumProgress {
      const order = ranked();
      return { type: 'progress', cause, variant, ...state(order[0], order), snapshots: latest() };
    },

    decision(reason: QuorumDecision['reason']): QuorumDecision {
      const order = ranked();
      const reached = reason === 'reached';
      const lead = reached ? order.find(satisfies) : order[0];
      const winners = lead ? bestMembers(lead).map((e) => e.snapshot) : [];
      const unfinished: VariantId[] = [];
      for (const e of entries.values()) if (e.status === 'streaming') unfinished.push(e.snapshot.variant);
      return {
        type: 'quorum',
        reached,
        reason,
        ...state(lead, order),
        key: lead?.key,
        winners,
        all: latest(),
        confidence: finished === 0 ? 0 : winners.length / finished,
        unfinished,
      };
    },
  };
}
