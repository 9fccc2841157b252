// Public exports of src/scorers, re-exported by src/index.ts.
export {};
