/**
 * What the orchestrator needs from a provider pool: the part of `ProviderPool` it calls, so that a
 * test double (or a pool of your own) need not implement `health()`. Not public.
 */
import type { ProviderPool } from '../pool/poolTypes.js';

/** The part of `ProviderPool` the orchestrator uses. */
export type OrchestratorPool = Pick<ProviderPool, 'variant' | 'fallbackSpec'>;
