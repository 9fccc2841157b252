/**
 * Shape discipline for snapshots, shared by `snapshots` and `scoreIncrementally`. Not public.
 */

/**
 * Every field of `T`, optional ones included (as `undefined` when unknown).
 *
 * Snapshots are created once per token, so how they are built matters: with object spreads
 * (`{ ...previous, text }`) bench/scoreIncrementally.bench.ts cost about 1.1 µs per delta; with
 * complete object literals of one fixed shape, about 0.3 µs. Typing the literal as
 * `Complete<Snapshot>` also makes a new `Snapshot` field a compile error until the builders handle
 * it.
 */
export type Complete<T> = { [K in keyof Required<T>]: T[K] };
