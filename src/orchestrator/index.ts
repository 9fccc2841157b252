// Public exports of the orchestrator (src/orchestrator.ts and src/orchestrator/), re-exported by
// src/index.ts.
export type {
  ConsensusDecisionEvent,
  ConsensusEvent,
  ConsensusNoticeEvent,
  ConsensusProgress,
  ConsensusVariantEvent,
  Decision,
  DecisionCost,
  DecisionNotice,
  DecisionPartials,
  DecisionStop,
  VariantCost,
  VariantOrigin,
  VariantOutcome,
  VariantOutcomeKind,
  VariantProgress,
  VariantState,
} from '../decision.js';
export {
  type CallOptions,
  LLMOrchestrator,
  type LLMOrchestratorOptions,
  type Prompt,
  type ScorerSource,
} from '../orchestrator.js';
export { ChorusAbortError } from './chorusAbortError.js';
export { classifyTask } from './classifyTask.js';
export { DecisionError, type DecisionErrorType } from './decisionError.js';
export { emulatorClients, type ProviderClients } from './emulatorClients.js';
export { type PromptComplexity, promptComplexity } from './promptComplexity.js';
