// Public exports of src/consensus, re-exported by src/index.ts.
export type { ArithmeticClaim, ArithmeticReport } from './arithmeticClaims.js';
export { arithmeticClaims } from './arithmeticClaims.js';
export type { Candidate, ExecutionResult, ToCandidateOptions } from './candidate.js';
export { toCandidate } from './candidate.js';
export type { ConfidenceThresholdOptions } from './confidenceThreshold.js';
export { confidenceThreshold } from './confidenceThreshold.js';
// `ConsensusMethod` (the same union) is public from src/config, so it is not re-exported here.
export type { ConsensusEngine, ConsensusEngineOptions, DecideContext } from './consensusEngine.js';
export { createConsensusEngine } from './consensusEngine.js';
export type { ExecuteCandidatesOptions } from './executeCandidates.js';
export { executeCandidates } from './executeCandidates.js';
export type { ExecutionAgreementOptions } from './executionAgreement.js';
export { executionAgreement } from './executionAgreement.js';
export type { ExecutionTask, Executor, TestCase } from './executor.js';
export type { FusionPromptOptions } from './fusionPrompt.js';
export { fusionPrompt } from './fusionPrompt.js';
export type { HybridMergeOptions } from './hybridMerge.js';
export { hybridMerge } from './hybridMerge.js';
export { lexicalSimilarity } from './lexicalSimilarity.js';
export type { FuseEvent, FuseFunction, LlmFuseOptions } from './llmFuse.js';
export { llmFuse } from './llmFuse.js';
export type { LlmJudgeOptions } from './llmJudgeComparator.js';
export { judgePrompt, llmJudgeComparator } from './llmJudgeComparator.js';
export type { MajorityVoteOptions } from './majorityVote.js';
export { majorityVote } from './majorityVote.js';
export type { MbrMedoidOptions } from './mbrMedoid.js';
export { mbrMedoid } from './mbrMedoid.js';
export { precomputedExecutor } from './precomputedExecutor.js';
export type { PythonExecutorOptions } from './pythonExecutor.js';
export { createPythonExecutor } from './pythonExecutor.js';
export type { QualityWeightedOptions } from './qualityWeighted.js';
export { qualityWeighted } from './qualityWeighted.js';
export type {
  FitOptions,
  FitReport,
  ReliabilityModel,
  ReliabilityOptions,
  ReliabilityState,
  Vote,
} from './reliabilityModel.js';
export { createReliabilityModel, reliabilityModelFromJSON } from './reliabilityModel.js';
export type { ScoreComparatorOptions } from './scoreComparator.js';
export { scoreComparator } from './scoreComparator.js';
export type { AnswerGroup, CandidateVerdict, Selection } from './selection.js';
export type { TournamentSelectOptions } from './tournament.js';
export { tournament } from './tournament.js';
