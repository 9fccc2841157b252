// Public exports of src/operators, re-exported by src/index.ts.
export {};
