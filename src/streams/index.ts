// Public exports of src/streams, re-exported by src/index.ts.
export {};
