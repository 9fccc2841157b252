/**
 * `ParameterVariator`: expands a variation plan (providers × models × temperature × top_p ×
 * attempts) into the variants one decision launches, with stable, human-readable ids.
 *
 * Three modes:
 * - `grid`: every combination, in an order that spreads the values — the first variants take one
 *   target (provider × model) each, with temperatures and top_p values rotating across them (they
 *   are exactly the first variants of `zip`), so a cap keeps the plan diverse. Then the rest of the
 *   combinations, each exactly once; attempt 1 of everything before attempt 2.
 * - `zip`: the lists side by side, each cycling, as long as the longest list (× attempts).
 * - `sample`: a seeded uniform sample of the grid, without repeats, in grid order.
 *
 * The cap (`max_providers` in the config, `maxVariants` in a plan) bounds the *number of variants*
 * a decision plans, whatever the mode: `grid` and `zip` keep their first ones, `sample` draws that
 * many. (The name comes from the seed's config: with one variant per provider it is the number of
 * providers queried.) Fallback replacements and hedges are not counted.
 */
import type { ChorusConfig, ProviderKind, VariationMode } from './config/types.js';
import type { VariantId } from './events.js';

/** One variant to launch. */
export interface VariantSpec {
  /** `provider:model@t0.2,p0.9#1`; the `@…` part only lists the parameters that are set. */
  readonly id: VariantId;
  readonly provider: string;
  readonly kind: ProviderKind;
  readonly model: string;
  /** Absent: the provider's default. */
  readonly temperature?: number;
  /** Absent: the provider's default. */
  readonly topP?: number;
  /** 1-based repeat number of the same combination. */
  readonly attempt: number;
}

/** A provider × model pair to vary. */
export interface VariationTarget {
  readonly provider: string;
  readonly kind: ProviderKind;
  readonly model: string;
}

/** What to expand. */
export interface VariationPlan {
  /** Providers × models, in order; not empty, no pair twice. */
  readonly targets: readonly VariationTarget[];
  /** @defaultValue `[]` (provider default) */
  readonly temperature?: readonly number[];
  /** @defaultValue `[]` (provider default) */
  readonly topP?: readonly number[];
  /** @defaultValue 1 */
  readonly attempts?: number;
  /** @defaultValue `'grid'` */
  readonly mode?: VariationMode;
  /** Seed of the `sample` mode. @defaultValue 0 */
  readonly seed?: number;
  /** Cap on the number of variants. @defaultValue `Infinity` */
  readonly maxVariants?: number;
}

/**
 * The variation plan of a validated config: the targets are `orchestration.variations.providers`,
 * each with its `variations.models` entry or else its own `models`.
 *
 * @example
 * ```ts
 * const plan = planFromConfig(await loadConfig('chorus.toml'));
 * ```
 */
export function planFromConfig(config: ChorusConfig): VariationPlan {
  const v = config.orchestration.variations;
  const targets: VariationTarget[] = [];
  for (const provider of v.providers) {
    const settings = config.providers[provider];
    if (!settings) throw new TypeError(`\`config.providers\` has no provider \`${provider}\``);
    for (const model of v.models[provider] ?? settings.models) {
      targets.push({ provider, kind: settings.kind, model });
    }
  }
  return {
    targets,
    temperature: v.temperature,
    topP: v.top_p,
    attempts: v.attempts,
    mode: v.mode,
    seed: v.seed,
    maxVariants: config.orchestration.max_providers,
  };
}

/** How many variants `expandVariants(plan)` returns, without building them. */
export function countVariants(plan: VariationPlan): number {
  const p = normalize(plan);
  const perAttempt = p.mode === 'zip' ? Math.max(p.sizes[0], p.sizes[1], p.sizes[2]) : product(p.sizes);
  return Math.min(p.maxVariants, perAttempt * p.attempts);
}

/**
 * Expands a plan into variants. Pure and deterministic: the same plan gives the same variants, in
 * the same order, with the same ids.
 *
 * @example
 * ```ts
 * expandVariants({
 *   targets: [{ provider: 'claude', kind: 'anthropic', model: 'claude-sonnet-4-5' },
 *             { provider: 'ollama', kind: 'ollama', model: 'llama3.2' }],
 *   temperature: [0.2, 0.8],
 * }).map((v) => v.id);
 * // ['claude:claude-sonnet-4-5@t0.2#1', 'ollama:llama3.2@t0.8#1',
 * //  'claude:claude-sonnet-4-5@t0.8#1', 'ollama:llama3.2@t0.2#1']
 * ```
 */
export function expandVariants(plan: VariationPlan): readonly VariantSpec[] {
  const p = normalize(plan);
  const count = countVariants(plan);
  const perAttempt = product(p.sizes);
  let indices: number[];
  if (p.mode === 'sample') {
    indices = sampleIndices(perAttempt * p.attempts, count, p.seed);
  } else {
    indices = Array.from({ length: count }, (_, i) => i);
  }
  const variants = indices.map((index) =>
    p.mode === 'zip' ? zipAt(p, index, zipLength(p)) : gridAt(p, index, perAttempt),
  );
  const ids = new Set<string>();
  for (const variant of variants) {
    if (ids.has(variant.id)) throw new TypeError(`the plan gives the variant id \`${variant.id}\` twice`);
    ids.add(variant.id);
  }
  return Object.freeze(variants.map((v) => Object.freeze(v)));
}

/**
 * The ParameterVariator of the design: the variants of one plan (or of a config's plan), computed
 * once.
 *
 * @example
 * ```ts
 * const variator = new ParameterVariator(config);
 * variator.size; // 3
 * for (const v of variator.variants()) console.log(v.id); // claude:claude-sonnet-4-5@t0.2,p0.9#1 …
 * ```
 */
export class ParameterVariator {
  readonly plan: VariationPlan;
  #variants: readonly VariantSpec[] | undefined;

  constructor(source: ChorusConfig | VariationPlan) {
    this.plan = 'orchestration' in source ? planFromConfig(source) : source;
    normalize(this.plan); // validate now, not at first use
  }

  /** The number of variants. */
  get size(): number {
    return countVariants(this.plan);
  }

  /** The variants, in launch order. */
  variants(): readonly VariantSpec[] {
    this.#variants ??= expandVariants(this.plan);
    return this.#variants;
  }
}

/** The id of a variant: `provider:model@t0.2,p0.9#1`. */
export function variantId(parts: Omit<VariantSpec, 'id' | 'kind'>): VariantId {
  const params = [
    ...(parts.temperature !== undefined ? [`t${parts.temperature}`] : []),
    ...(parts.topP !== undefined ? [`p${parts.topP}`] : []),
  ];
  return `${parts.provider}:${parts.model}${params.length ? `@${params.join(',')}` : ''}#${parts.attempt}`;
}

interface Normalized {
  readonly targets: readonly VariationTarget[];
  readonly temperature: readonly (number | undefined)[];
  readonly topP: readonly (number | undefined)[];
  /** Axis sizes: targets, temperature, top_p (an empty list counts as one "default" value). */
  readonly sizes: readonly [number, number, number];
  readonly attempts: number;
  readonly mode: VariationMode;
  readonly seed: number;
  readonly maxVariants: number;
}

function normalize(plan: VariationPlan): Normalized {
  const { targets, temperature = [], topP = [], attempts = 1, mode = 'grid', seed = 0 } = plan;
  const maxVariants = plan.maxVariants ?? Number.POSITIVE_INFINITY;
  if (!Array.isArray(targets) || targets.length === 0) {
    throw new TypeError('`targets` must be a non-empty list of { provider, kind, model }');
  }
  const pairs = new Set<string>();
  for (const t of targets) {
    const pair = `${t.provider}:${t.model}`;
    if (pairs.has(pair)) throw new TypeError(`\`targets\` lists \`${pair}\` twice`);
    pairs.add(pair);
  }
  checkList(temperature, 'temperature');
  checkList(topP, 'topP');
  if (!Number.isInteger(attempts) || attempts < 1) throw new TypeError('`attempts` must be an integer >= 1');
  if (mode !== 'grid' && mode !== 'zip' && mode !== 'sample') {
    throw new TypeError('`mode` must be "grid", "zip" or "sample"');
  }
  if (!Number.isInteger(seed)) throw new TypeError('`seed` must be an integer');
  if (!(maxVariants >= 1) || (maxVariants !== Number.POSITIVE_INFINITY && !Number.isInteger(maxVariants))) {
    throw new TypeError('`maxVariants` must be an integer >= 1 (or Infinity)');
  }
  const temps = temperature.length ? temperature : [undefined];
  const tops = topP.length ? topP : [undefined];
  return {
    targets,
    temperature: temps,
    topP: tops,
    sizes: [targets.length, temps.length, tops.length],
    attempts,
    mode,
    seed,
    maxVariants,
  };
}

function checkList(list: readonly number[], name: string): void {
  if (!Array.isArray(list) || list.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    throw new TypeError(`\`${name}\` must be a list of finite numbers`);
  }
  if (new Set(list).size !== list.length) throw new TypeError(`\`${name}\` must not repeat a value`);
}

function product(sizes: readonly number[]): number {
  return sizes.reduce((a, b) => a * b, 1);
}

function zipLength(p: Normalized): number {
  return Math.max(p.sizes[0], p.sizes[1], p.sizes[2]);
}

function make(p: Normalized, target: number, temp: number, top: number, attempt: number): VariantSpec {
  const t = p.targets[target]!;
  const temperature = p.temperature[temp];
  const topP = p.topP[top];
  const parts = {
    provider: t.provider,
    model: t.model,
    ...(temperature !== undefined && { temperature }),
    ...(topP !== undefined && { topP }),
    attempt,
  };
  return { id: variantId(parts), kind: t.kind, ...parts };
}

/**
 * The `index`-th combination in grid order. Within an attempt, index k has mixed-radix digits
 * (d0, d1, d2) over (targets, temperature, top_p), targets fastest; the axes are sheared —
 * temperature (d1 + d0), top_p (d2 + d1 + d0), each modulo its size — which is a bijection (so every
 * combination appears once) whose first `targets` entries rotate the parameters across targets.
 */
function gridAt(p: Normalized, index: number, perAttempt: number): VariantSpec {
  const [n0, n1, n2] = p.sizes;
  const attempt = Math.floor(index / perAttempt);
  const k = index - attempt * perAttempt;
  const d0 = k % n0;
  const d1 = Math.floor(k / n0) % n1;
  const d2 = Math.floor(k / (n0 * n1)) % n2;
  return make(p, d0, (d1 + d0) % n1, (d2 + d1 + d0) % n2, attempt + 1);
}

function zipAt(p: Normalized, index: number, length: number): VariantSpec {
  const attempt = Math.floor(index / length);
  const i = index % length;
  return make(p, i % p.sizes[0], i % p.sizes[1], i % p.sizes[2], attempt + 1);
}

/** `count` distinct indices in [0, total), uniform, repeatable for a seed (Floyd's algorithm), sorted. */
function sampleIndices(total: number, count: number, seed: number): number[] {
  const random = mulberry32(seed);
  const chosen = new Set<number>();
  for (let j = total - count; j < total; j++) {
    const t = Math.floor(random() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}

/** A small seeded PRNG (mulberry32): 32 bits of state, good enough to pick combinations. */
function mulberry32(seed: number): () => number {
  // Fold the high bits in, so seeds that differ only above 2^32 still differ.
  let state = (seed ^ Math.floor(seed / 2 ** 32)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
