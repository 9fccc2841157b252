// Public exports of src/emulator, re-exported by src/index.ts.

export { chunkText } from './chunkText.js';
export { fillerText } from './fillerText.js';
export { createRandom, type Random } from './random.js';
export { type RealisticScenarioOptions, realisticScenario } from './realisticScenario.js';
export { sample } from './sample.js';
export type * from './scenario.js';
export {
  type Emulator,
  type EmulatorEvents,
  type EmulatorOptions,
  MAX_BODY_BYTES,
  startEmulator,
} from './startEmulator.js';
export type { EmulatorStats, ModelStats, RequestOutcome, RequestRecord } from './stats.js';
export { validateScenario } from './validateScenario.js';
