// Public exports of src/consensus, re-exported by src/index.ts.
export {};
