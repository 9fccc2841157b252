/** Loading and validating the chorus configuration (`chorus.toml` or an object in code). */
export { ConfigErrors, ConfigSyntaxError } from './configErrors.js';
export type { KindDefaults, ProviderPreset } from './defaults.js';
export { CONFIG_DEFAULTS, KIND_DEFAULTS, PROVIDER_PRESETS } from './defaults.js';
export { loadConfig } from './loadConfig.js';
export { overrideConfig } from './overrideConfig.js';
export { parseConfig } from './parseConfig.js';
export type { ChorusConfigInput } from './schema.js';
export type { Secret } from './secret.js';
export { isSecret, secret } from './secret.js';
export type * from './types.js';
export { validateConfig } from './validateConfig.js';
