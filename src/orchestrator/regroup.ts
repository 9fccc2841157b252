/**
 * The vote over every finished answer, counted again after the extra variants of
 * `on_low_confidence = "ask"` have finished (the quorum operator stopped counting at the first
 * decision). Not public.
 */
import type { VariantId } from '../events.js';
import type { QuorumGroup } from '../operators/quorumEvents.js';
import type { OutcomeAgreement } from './buildDecision.js';
import type { TrackedVariant } from './variantTracker.js';

/** The vote as `Decision.quorum` reports it. */
export interface Regrouped {
  readonly required: number;
  readonly reached: boolean;
  readonly agreeing: number;
  readonly key: string | undefined;
  readonly groups: readonly QuorumGroup[];
}

/**
 * Groups the answers that ended normally (`finish: 'stop'`, as the quorum counts them), in the
 * order they finished, by the quorum's own rule: equal keys, or similarity to a group's first
 * member at or above the threshold. Groups are ordered largest first, then by mean score, then by
 * their first finish; the first decides `reached` (at least `required` members).
 *
 * @example
 * regroup(tracker.entries(), { kind: 'key', key }, 2).reached;
 */
export function regroup(
  entries: readonly TrackedVariant[],
  agreement: OutcomeAgreement,
  required: number,
): Regrouped {
  const voters = entries
    .filter((e) => e.state === 'done' && e.finish === 'stop' && e.origin !== 'fuser')
    .sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0));
  const groups: { key: string; members: TrackedVariant[]; text: string; first: number }[] = [];
  for (const [i, entry] of voters.entries()) {
    let group: (typeof groups)[number] | undefined;
    if (agreement.kind === 'key') {
      const key = agreement.key({ text: entry.text, done: true });
      if (key === undefined) continue;
      group = groups.find((g) => g.key === key);
      if (group === undefined) {
        group = { key, members: [], text: entry.text, first: i };
        groups.push(group);
      }
    } else {
      let best = -1;
      for (const g of groups) {
        const s = agreement.similarity(g.text, entry.text);
        if (s >= agreement.threshold && s > best) {
          best = s;
          group = g;
        }
      }
      if (group === undefined) {
        group = { key: entry.spec.id, members: [], text: entry.text, first: i };
        groups.push(group);
      }
    }
    group.members.push(entry);
  }
  const mean = (g: (typeof groups)[number]): number =>
    g.members.reduce((s, e) => s + (e.score ?? 0), 0) / g.members.length;
  const ordered = groups
    .map((g) => ({ g, meanScore: mean(g) }))
    .sort(
      (a, b) => b.g.members.length - a.g.members.length || b.meanScore - a.meanScore || a.g.first - b.g.first,
    )
    .map(
      ({ g, meanScore }): QuorumGroup => ({
        key: g.key,
        members: g.members.map((e): VariantId => e.spec.id),
        meanScore,
      }),
    );
  const top = ordered[0];
  const reached = top !== undefined && top.members.length >= required;
  return {
    required,
    reached,
    agreeing: top?.members.length ?? 0,
    key: reached ? top.key : undefined,
    groups: ordered,
  };
}
