// Public exports of src/operators, re-exported by src/index.ts.
export { firstTokenTimeout, type TimeoutOptions } from './firstTokenTimeout.js';
export { idleTimeout } from './idleTimeout.js';
export {
  type RetryNotice,
  type RetryPolicy,
  retryBeforeFirstToken,
} from './retryBeforeFirstToken.js';
export { totalTimeout } from './totalTimeout.js';
export {
  type CompareContext,
  type CompareResult,
  type TieBreak,
  type TournamentCompare,
  type TournamentEvent,
  type TournamentOptions,
  tournamentReduce,
} from './tournamentReduce.js';
