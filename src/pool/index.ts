// Public exports of src/pool, re-exported by src/index.ts.
export {};
