// Public exports of src/operators, re-exported by src/index.ts.
export { codeFenceClosed } from './codeFenceClosed.js';
export { endOnError } from './endOnError.js';
export { firstTokenTimeout, type TimeoutOptions } from './firstTokenTimeout.js';
export { idleTimeout } from './idleTimeout.js';
export { normalizedTextKey } from './normalizedTextKey.js';
export { QuorumError } from './quorumError.js';
export type {
  QuorumDecision,
  QuorumEvent,
  QuorumGroup,
  QuorumProgress,
  QuorumState,
} from './quorumEvents.js';
export {
  type RetryNotice,
  type RetryPolicy,
  retryBeforeFirstToken,
} from './retryBeforeFirstToken.js';
export {
  type ScoreEmit,
  type ScoreIncrementallyOptions,
  type ScoringContext,
  scoreIncrementally,
} from './scoreIncrementally.js';
export { snapshots } from './snapshots.js';
export { type QuorumAgreement, type QuorumRule, takeUntilQuorum } from './takeUntilQuorum.js';
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
