import type { ConsensusMethod } from '../config/types.js';
import type { ServerProfile } from '../server/createChorusServer.js';

const METHODS: readonly ConsensusMethod[] = [
  'majority',
  'quality_weighted',
  'hybrid_merge',
  'tournament',
  'confidence',
];

/**
 * The profiles `chorus serve` offers, by the request's `model`: `chorus` (the config as written),
 * each consensus method by name (the config with that method), and the config's
 * `[profiles.NAME]` sections (which win over the built-in names).
 *
 * @example
 * serverProfiles({ fast: { overrides: { orchestration: { max_providers: 2 } } } });
 */
export function serverProfiles(
  configured: Readonly<Record<string, ServerProfile>>,
): Readonly<Record<string, ServerProfile>> {
  const profiles: Record<string, ServerProfile> = {
    chorus: { description: 'the configuration as written' },
  };
  for (const method of METHODS) {
    profiles[method] = {
      overrides: { orchestration: { consensus: { method } } },
      description: `the configuration with orchestration.consensus.method = "${method}"`,
    };
  }
  return { ...profiles, ...configured };
}
