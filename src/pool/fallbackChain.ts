import type { ProviderConfig } from '../config/types.js';

/**
 * The providers a variant of `provider` may be served by, in order: `provider` itself, then its
 * `fallback` list depth-first — each fallback followed by that provider's own fallbacks before the
 * next entry of the list, because once a variant runs on a fallback, that provider's chain is the
 * one that applies. A provider appears once (the first time it is reached), so even a config that
 * was not validated cannot loop; names that are not in `providers` are skipped.
 *
 * @example
 * ```ts
 * // a.fallback = ['b', 'c'], b.fallback = ['d']
 * fallbackChain(config.providers, 'a'); // ['a', 'b', 'd', 'c']
 * ```
 */
export function fallbackChain(
  providers: Readonly<Record<string, Pick<ProviderConfig, 'fallback'>>>,
  provider: string,
): readonly string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name) || !Object.hasOwn(providers, name)) return;
    seen.add(name);
    order.push(name);
    for (const next of providers[name]!.fallback) visit(next);
  };
  visit(provider);
  return order;
}
