// Public exports of src/emulator, re-exported by src/index.ts.
export type * from './scenario.js';
