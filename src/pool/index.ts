// Public exports of src/pool, re-exported by src/index.ts.
export {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
  createCircuitBreaker,
} from './circuitBreaker.js';
export type {
  ChatMessage,
  PoolCallOptions,
  PoolClient,
  PoolLaunch,
  PoolNotice,
  ProviderHealth,
  ProviderPool,
  ProviderPoolOptions,
  VariantRequest,
} from './poolTypes.js';
export { createProviderPool } from './providerPool.js';
export { createRateLimiter, type RateLimiter, type RateLimiterOptions } from './rateLimiter.js';
