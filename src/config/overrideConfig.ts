import type { ChorusConfigInput } from './schema.js';
import { isSecret } from './secret.js';
import type { ChorusConfig } from './types.js';
import { configOrigin, validateConfig } from './validateConfig.js';

/**
 * A config with some keys changed (e.g. per call), validated again as a whole, so an override is
 * held to the same rules as the file. Tables merge key by key; lists and values replace.
 *
 * Defaults derived from other keys are derived again from the merged input: overriding
 * `orchestration.timeout_seconds` also moves every provider's default `timeouts.total_ms`.
 *
 * @example
 * ```ts
 * const cheaper = overrideConfig(config, { orchestration: { max_providers: 2 } });
 * ```
 */
export function overrideConfig(
  config: ChorusConfig,
  overrides: ChorusConfigInput,
  source?: string,
): ChorusConfig {
  return validateConfig(merge(configOrigin(config) ?? config, overrides), source);
}

function isTable(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isSecret(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function merge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isTable(base) || !isTable(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = merge(base[key], value);
  return out;
}
