/**
 * Source reliability learned without labels: how often each source (provider × model ×
 * parameters) agrees with the consensus, under the one-coin Dawid–Skene model.
 *
 * The model: each decision has one true answer among K (the distinct answers given, plus one for
 * "something nobody said"); source s gives the true answer with probability r_s, and otherwise
 * one of the K − 1 others at random. Then the posterior of answer a is proportional to
 * `exp(Σ_{s voted a} log(r_s (K − 1) / (1 − r_s)))`, so a vote's weight is its log-odds. r_s is
 * never observed; it is estimated from agreement with the posterior (soft counts), either over a
 * batch by EM (`fit`) or online after each decision (`observe`). A Beta(agree, disagree) prior
 * keeps estimates inside (0, 1) and unseen sources at its mean.
 *
 * Why this beats majority: weak sources that agree on the same wrong answer get small (or
 * negative) weights once they are seen to disagree with the strong ones elsewhere.
 */
import { ConfigError } from '../errors.js';

/** One source's answer in one decision; `key` undefined = no answer (it abstains). */
export interface Vote {
  readonly source: string;
  readonly key: string | undefined;
}

/** The saved form of a model (`toJSON`), loaded with `reliabilityModelFromJSON`. */
export interface ReliabilityState {
  readonly version: 1;
  /** Beta prior pseudo-counts. */
  readonly prior: { readonly agree: number; readonly disagree: number };
  /** Per source: soft count of agreements with the consensus, and of decisions seen. */
  readonly sources: Readonly<Record<string, { readonly agree: number; readonly total: number }>>;
}

/** Options of {@link createReliabilityModel}. */
export interface ReliabilityOptions {
  /**
   * Beta prior pseudo-counts. The default, Beta(2, 1), says an unseen source agrees with the
   * consensus two times in three: weak evidence, soon outweighed by what the source actually does,
   * but positive, so that a fresh engine still counts votes. (With Beta(1, 1) an unseen source has
   * reliability 0.5, which is chance when all answers agree — K = 2 — and so weighs nothing:
   * unanimous fresh sources got confidence 0.5.)
   * @defaultValue { agree: 2, disagree: 1 }
   */
  readonly prior?: { readonly agree?: number; readonly disagree?: number };
}

/** What `fit` did. */
export interface FitReport {
  readonly iterations: number;
  readonly converged: boolean;
}

/** A reliability model. Mutable (it learns); `toJSON()` snapshots it. */
export interface ReliabilityModel {
  /** Posterior mean reliability of a source, in (0, 1): `(agree + a) / (total + a + b)`. */
  reliability(source: string): number;
  /** Log-odds weight of a vote among `classes` possible answers: `log(r (K − 1) / (1 − r))`. */
  weight(source: string, classes: number): number;
  /**
   * The posterior probability of each answer given the votes, under the current estimates (the
   * remaining mass is on "an answer nobody gave").
   */
  posterior(votes: readonly Vote[]): Map<string, number>;
  /**
   * Online learning: folds one decision in. Each voting source gains the posterior probability of
   * its own answer as agreement (computed before the update). Returns that posterior.
   */
  observe(votes: readonly Vote[]): Map<string, number>;
  /** Adds agreement evidence directly: `agreement` in [0, 1] (e.g. similarity to the winner). */
  record(source: string, agreement: number): void;
  /**
   * Batch learning: one-coin Dawid–Skene EM over many decisions, starting from the current
   * estimates (a fresh model starts from majority voting). The counts of the sources in the batch
   * are replaced by the batch's; other sources keep theirs.
   */
  fit(decisions: readonly (readonly Vote[])[], options?: FitOptions): FitReport;
  /** The sources seen, sorted. */
  readonly sources: readonly string[];
  toJSON(): ReliabilityState;
}

/** Options of `ReliabilityModel.fit`. */
export interface FitOptions {
  /** @defaultValue 100 */
  readonly maxIterations?: number;
  /** Stop when no reliability moves more than this. @defaultValue 1e-6 */
  readonly tolerance?: number;
}

/**
 * Creates an empty reliability model.
 *
 * @example
 * const model = createReliabilityModel();
 * model.observe([{ source: 'gpt-4o-mini', key: '18' }, { source: 'davinci', key: '24' },
 *                { source: 'gpt-3.5', key: '18' }]);
 * model.reliability('gpt-4o-mini') > model.reliability('davinci'); // → true
 * localStorage.model = JSON.stringify(model);      // later: reliabilityModelFromJSON(JSON.parse(…))
 */
export function createReliabilityModel(options: ReliabilityOptions = {}): ReliabilityModel {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createReliabilityModel: `options` must be an object');
  }
  const a = options.prior?.agree ?? 2;
  const b = options.prior?.disagree ?? 1;
  for (const [name, v] of [
    ['prior.agree', a],
    ['prior.disagree', b],
  ] as const) {
    if (!(Number.isFinite(v) && v > 0)) {
      throw new TypeError(`createReliabilityModel: \`${name}\` must be a positive number, got ${String(v)}`);
    }
  }
  return build(a, b, new Map());
}

/**
 * Restores a model saved with `toJSON()` (e.g. `JSON.parse` of a file). Throws a `ConfigError`
 * naming the first invalid field.
 *
 * @example
 * const model = reliabilityModelFromJSON(JSON.parse(readFileSync('reliability.json', 'utf8')));
 */
export function reliabilityModelFromJSON(json: unknown): ReliabilityModel {
  const allowed = '{ version: 1, prior: { agree, disagree }, sources: { [source]: { agree, total } } }';
  if (typeof json !== 'object' || json === null) throw new ConfigError('reliability', json, allowed);
  const state = json as Record<string, unknown>;
  if (state['version'] !== 1) throw new ConfigError('reliability.version', state['version'], '1');
  const prior = state['prior'] as Record<string, unknown> | undefined;
  const pa = prior?.['agree'];
  const pb = prior?.['disagree'];
  if (typeof pa !== 'number' || !(pa > 0) || !Number.isFinite(pa)) {
    throw new ConfigError('reliability.prior.agree', pa, 'a positive number');
  }
  if (typeof pb !== 'number' || !(pb > 0) || !Number.isFinite(pb)) {
    throw new ConfigError('reliability.prior.disagree', pb, 'a positive number');
  }
  const sources = state['sources'];
  if (typeof sources !== 'object' || sources === null) {
    throw new ConfigError('reliability.sources', sources, 'an object of { agree, total } by source');
  }
  const counts = new Map<string, Counts>();
  for (const [source, value] of Object.entries(sources)) {
    const v = value as Record<string, unknown> | null;
    const agree = v?.['agree'];
    const total = v?.['total'];
    if (
      typeof agree !== 'number' ||
      typeof total !== 'number' ||
      !(agree >= 0) ||
      !(total >= agree) ||
      !Number.isFinite(total)
    ) {
      throw new ConfigError(
        `reliability.sources.${source}`,
        value,
        '{ agree, total } with 0 ≤ agree ≤ total',
      );
    }
    counts.set(source, { agree, total });
  }
  return build(pa, pb, counts);
}

interface Counts {
  agree: number;
  total: number;
}

function build(a: number, b: number, counts: Map<string, Counts>): ReliabilityModel {
  const reliability = (source: string): number => {
    const c = counts.get(source);
    return ((c?.agree ?? 0) + a) / ((c?.total ?? 0) + a + b);
  };
  const weight = (source: string, classes: number): number => {
    const r = reliability(source);
    return Math.log((r * Math.max(1, classes - 1)) / (1 - r));
  };
  const posterior = (votes: readonly Vote[]): Map<string, number> => posteriorWith(votes, weight);
  const add = (source: string, agreement: number): void => {
    const c = counts.get(source);
    if (c === undefined) counts.set(source, { agree: agreement, total: 1 });
    else {
      c.agree += agreement;
      c.total += 1;
    }
  };

  return {
    reliability,
    weight,
    posterior,
    observe(votes) {
      checkVotes(votes, 'observe');
      const post = posterior(votes);
      for (const v of votes) if (v.key !== undefined) add(v.source, post.get(v.key) ?? 0);
      return post;
    },
    record(source, agreement) {
      if (typeof source !== 'string') throw new TypeError('record: `source` must be a string');
      if (!(agreement >= 0 && agreement <= 1)) {
        throw new TypeError(`record: \`agreement\` must be in [0, 1], got ${String(agreement)}`);
      }
      add(source, agreement);
    },
    fit(decisions, options = {}) {
      if (!Array.isArray(decisions)) throw new TypeError('fit: `decisions` must be an array of vote lists');
      for (const d of decisions) checkVotes(d, 'fit');
      const maxIterations = options.maxIterations ?? 100;
      const tolerance = options.tolerance ?? 1e-6;
      if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) {
        throw new TypeError('fit: `maxIterations` must be a positive integer');
      }
      if (!(tolerance >= 0)) throw new TypeError('fit: `tolerance` must be a non-negative number');
      // Start from the current estimates; sources of the batch are re-estimated from it alone.
      let r = new Map<string, number>();
      for (const d of decisions)
        for (const v of d) if (!r.has(v.source)) r.set(v.source, reliability(v.source));
      let iterations = 0;
      let converged = false;
      let batch = new Map<string, Counts>();
      while (iterations < maxIterations && !converged) {
        iterations++;
        const w = (source: string, classes: number): number =>
          Math.log((r.get(source)! * Math.max(1, classes - 1)) / (1 - r.get(source)!));
        batch = new Map();
        for (const d of decisions) {
          const post = posteriorWith(d, w);
          for (const v of d) {
            if (v.key === undefined) continue;
            const c = batch.get(v.source) ?? { agree: 0, total: 0 };
            c.agree += post.get(v.key) ?? 0;
            c.total += 1;
            batch.set(v.source, c);
          }
        }
        const next = new Map<string, number>();
        let moved = 0;
        for (const [source, old] of r) {
          const c = batch.get(source);
          const value = ((c?.agree ?? 0) + a) / ((c?.total ?? 0) + a + b);
          next.set(source, value);
          moved = Math.max(moved, Math.abs(value - old));
        }
        r = next;
        converged = moved <= tolerance;
      }
      for (const [source, c] of batch) counts.set(source, { agree: c.agree, total: c.total });
      return { iterations, converged };
    },
    get sources() {
      return [...counts.keys()].sort();
    },
    toJSON() {
      const sources: Record<string, { agree: number; total: number }> = {};
      for (const s of [...counts.keys()].sort()) sources[s] = { ...counts.get(s)! };
      return { version: 1, prior: { agree: a, disagree: b }, sources };
    },
  };
}

/**
 * The one-coin posterior: K = distinct answers + 1; the score of answer a is the summed log-odds
 * weight of its voters; "an answer nobody gave" scores 0. Votes are summed in source order so the
 * result does not depend on the order of `votes`.
 */
function posteriorWith(
  votes: readonly Vote[],
  weight: (source: string, classes: number) => number,
): Map<string, number> {
  const keyed = votes.filter((v) => v.key !== undefined);
  const classes = new Set(keyed.map((v) => v.key)).size + 1;
  const ordered = [...keyed].sort((x, y) =>
    x.source < y.source ? -1 : x.source > y.source ? 1 : x.key! < y.key! ? -1 : x.key! > y.key! ? 1 : 0,
  );
  const score = new Map<string, number>();
  for (const v of ordered) score.set(v.key!, (score.get(v.key!) ?? 0) + weight(v.source, classes));
  let max = 0; // the unseen answer's score
  for (const s of score.values()) max = Math.max(max, s);
  let z = Math.exp(-max);
  for (const s of score.values()) z += Math.exp(s - max);
  const out = new Map<string, number>();
  for (const [k, s] of score) out.set(k, Math.exp(s - max) / z);
  return out;
}

function checkVotes(votes: readonly Vote[], where: string): void {
  if (!Array.isArray(votes)) throw new TypeError(`${where}: \`votes\` must be an array of { source, key }`);
  for (const v of votes) {
    if (typeof v?.source !== 'string' || (v.key !== undefined && typeof v.key !== 'string')) {
      throw new TypeError(`${where}: each vote needs a string \`source\` and a string or undefined \`key\``);
    }
  }
}
