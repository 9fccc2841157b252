/**
 * The ConsensusEngine: selects or merges the best response, by the configured method, and keeps
 * the source reliabilities it learns from one decision to the next.
 */
import { ConfigError } from '../errors.js';
import { assertNever } from '../events.js';
import type { TournamentCompare } from '../operators/tournamentReduce.js';
import type { AnswerKind } from '../scorers/answer.js';
import type { Candidate } from './candidate.js';
import { confidenceThreshold } from './confidenceThreshold.js';
import { executionAgreement } from './executionAgreement.js';
import { hybridMerge } from './hybridMerge.js';
import { lexicalSimilarity } from './lexicalSimilarity.js';
import { type FuseEvent, type FuseFunction, llmFuse } from './llmFuse.js';
import { majorityVote } from './majorityVote.js';
import { qualityWeighted } from './qualityWeighted.js';
import { createReliabilityModel, type ReliabilityModel } from './reliabilityModel.js';
import { scoreComparator } from './scoreComparator.js';
import type { Selection } from './selection.js';
import { tournament } from './tournament.js';
import { resolveKey, sortCandidates } from './voteInternals.js';

/** The consensus methods of the config (`orchestration.consensus.method`). */
export type ConsensusMethod = 'majority' | 'quality_weighted' | 'hybrid_merge' | 'tournament' | 'confidence';

const METHODS: readonly ConsensusMethod[] = [
  'majority',
  'quality_weighted',
  'hybrid_merge',
  'tournament',
  'confidence',
];
const KINDS: readonly AnswerKind[] = ['math', 'choice', 'code', 'text'];

/** Options of {@link createConsensusEngine}. */
export interface ConsensusEngineOptions {
  /**
   * - `majority`: the most common answer (medoid for free text; behaviour or normal form for code);
   * - `quality_weighted`: votes weighted by scores and learned source reliability;
   * - `hybrid_merge`: section-level merge of the top candidates, or an LLM fusion when `fuse` is set;
   * - `tournament`: pairwise matches with `compare` (default: by score);
   * - `confidence`: `base` with a minimum agreement (`minAgreement`, `minVotes`, `onLow`).
   * For `code` candidates that all carry execution results, the voting methods use execution
   * agreement (CodeT).
   * @defaultValue 'quality_weighted'
   */
  readonly method?: ConsensusMethod;
  /** How answers are compared. @defaultValue 'text' */
  readonly kind?: AnswerKind;
  /** For `code`: the language. @defaultValue detected */
  readonly language?: string;
  /** For `code`: answers continue a function (only the body counts). @defaultValue false */
  readonly continuation?: boolean;
  /** Source reliabilities, shared and updated. @defaultValue a new `createReliabilityModel()` */
  readonly reliability?: ReliabilityModel;
  /** Update `reliability` after every decision (online, unsupervised). @defaultValue true */
  readonly learn?: boolean;
  /** Weigh votes by scorer scores (`quality_weighted`). @defaultValue true */
  readonly useScores?: boolean;
  /** For `confidence`: the voting method under the threshold. @defaultValue 'quality_weighted' */
  readonly base?: 'majority' | 'quality_weighted';
  /** For `confidence`: see `confidenceThreshold`. @defaultValue 0.5 */
  readonly minAgreement?: number;
  /** For `confidence`: see `confidenceThreshold`. @defaultValue 1 */
  readonly minVotes?: number;
  /** For `confidence`: see `confidenceThreshold`. @defaultValue 'flag' */
  readonly onLow?: 'flag' | 'ask';
  /** For `tournament`: the comparator. @defaultValue `scoreComparator()` */
  readonly compare?: TournamentCompare<Candidate>;
  /** For `tournament`: judge both orders. @defaultValue false */
  readonly swap?: boolean;
  /** For `hybrid_merge`: how many top candidates contribute. @defaultValue 3 */
  readonly top?: number;
  /** For `hybrid_merge`: an LLM fuser; without it, the section-level merge is used. */
  readonly fuse?: FuseFunction;
  /** Where these options live in the config, for error messages. @defaultValue 'consensus' */
  readonly path?: string;
}

/** Per-decision context. */
export interface DecideContext {
  /** The user's prompt (math extraction, LLM judge and fuser). */
  readonly prompt?: string;
  /** Aborts a tournament's judge calls or the fuser. */
  readonly signal?: AbortSignal;
  /** For code with execution results: the weight of each test. */
  readonly testWeights?: readonly number[];
  /**
   * For `tournament`: the comparator of this decision only, instead of the engine's `compare`
   * (e.g. an LLM judge whose calls are billed to this decision). @defaultValue the engine's
   */
  readonly compare?: TournamentCompare<Candidate>;
  /**
   * Whether this decision updates the reliabilities. `false` lets a caller that may decide again
   * with more candidates learn once, from the last decision (see `ConsensusEngine.learn`).
   * @defaultValue the engine's `learn` option
   */
  readonly learn?: boolean;
}

/** Selects or merges the best response. */
export interface ConsensusEngine {
  readonly method: ConsensusMethod;
  readonly kind: AnswerKind;
  /** The learned source reliabilities (save with `toJSON()`). */
  readonly reliability: ReliabilityModel;
  /** Decides among finished candidates. */
  decide(candidates: readonly Candidate[], context?: DecideContext): Promise<Selection>;
  /**
   * Updates the reliabilities from a decision made with `{ learn: false }`, exactly as `decide`
   * would have (nothing when the engine was created with `learn: false`).
   */
  learn?(candidates: readonly Candidate[], selection: Selection, context?: DecideContext): void;
}

/**
 * Creates a consensus engine. Options are validated here; a wrong one throws a `ConfigError`
 * naming its key path (e.g. `consensus.method`) and what is allowed.
 *
 * @example
 * const engine = createConsensusEngine({ method: 'quality_weighted', kind: 'math' });
 * const selection = await engine.decide(candidates, { prompt });
 * save(engine.reliability.toJSON()); // what it learned about each source
 */
export function createConsensusEngine(options: ConsensusEngineOptions = {}): ConsensusEngine {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('consensus', options, 'an object');
  const path = options.path ?? 'consensus';
  const fail = (key: string, value: unknown, allowed: string): never => {
    throw new ConfigError(`${path}.${key}`, value, allowed);
  };
  const {
    method = 'quality_weighted',
    kind = 'text',
    learn = true,
    useScores = true,
    base = 'quality_weighted',
    minAgreement = 0.5,
    minVotes = 1,
    onLow = 'flag',
    swap = false,
    top = 3,
  } = options;
  if (!METHODS.includes(method)) fail('method', method, `one of ${METHODS.join(', ')}`);
  if (!KINDS.includes(kind)) fail('kind', kind, `one of ${KINDS.join(', ')}`);
  if (options.language !== undefined && typeof options.language !== 'string') {
    fail('language', options.language, 'a string');
  }
  if (options.continuation !== undefined && typeof options.continuation !== 'boolean') {
    fail('continuation', options.continuation, 'true or false');
  }
  if (typeof learn !== 'boolean') fail('learn', learn, 'true or false');
  if (typeof useScores !== 'boolean') fail('useScores', useScores, 'true or false');
  if (base !== 'majority' && base !== 'quality_weighted') fail('base', base, 'majority or quality_weighted');
  if (!(typeof minAgreement === 'number' && minAgreement >= 0 && minAgreement <= 1)) {
    fail('minAgreement', minAgreement, 'a number in [0, 1]');
  }
  if (!(Number.isInteger(minVotes) && minVotes >= 1)) fail('minVotes', minVotes, 'a positive integer');
  if (onLow !== 'flag' && onLow !== 'ask') fail('onLow', onLow, 'flag or ask');
  if (typeof swap !== 'boolean') fail('swap', swap, 'true or false');
  if (!(Number.isInteger(top) && top >= 1)) fail('top', top, 'a positive integer');
  if (options.compare !== undefined && typeof options.compare !== 'function') {
    fail('compare', options.compare, 'a function (a, b, { signal }) => number');
  }
  if (options.fuse !== undefined && typeof options.fuse !== 'function') {
    fail('fuse', options.fuse, 'a function (prompt, { signal }) => Observable<string> | Promise<string>');
  }
  const reliability = options.reliability ?? createReliabilityModel();
  if (typeof reliability !== 'object' || reliability === null || typeof reliability.observe !== 'function') {
    fail('reliability', reliability, 'a ReliabilityModel (createReliabilityModel())');
  }
  const compare = options.compare ?? scoreComparator();
  const code = {
    ...(options.language !== undefined && { language: options.language }),
    ...(options.continuation !== undefined && { continuation: options.continuation }),
  };

  const vote = (
    which: 'majority' | 'quality_weighted',
    candidates: Candidate[],
    context: DecideContext,
  ): Selection => {
    if (kind === 'code' && candidates.length > 0 && candidates.every((c) => c.execution !== undefined)) {
      return executionAgreement(candidates, {
        ...(context.testWeights !== undefined && { testWeights: context.testWeights }),
        ...code,
      });
    }
    const keyOptions = { kind, ...(context.prompt !== undefined && { prompt: context.prompt }), ...code };
    return which === 'majority'
      ? majorityVote(candidates, keyOptions)
      : qualityWeighted(candidates, { ...keyOptions, reliability, useScores });
  };

  const learnFrom = (
    candidates: readonly Candidate[],
    selection: Selection,
    context: DecideContext,
  ): void => {
    if (!learn || selection.winner === undefined) return;
    if (kind === 'text') {
      for (const c of candidates)
        reliability.record(c.source ?? '', lexicalSimilarity(c.text, selection.text));
      return;
    }
    const key = resolveKey(
      { kind, ...(context.prompt !== undefined && { prompt: context.prompt }), ...code },
      candidates,
    );
    reliability.observe(candidates.map((c) => ({ source: c.source ?? '', key: key(c) })));
  };

  return {
    method,
    kind,
    reliability,
    async decide(candidates, context = {}) {
      const sorted = sortCandidates(candidates, 'ConsensusEngine.decide');
      context.signal?.throwIfAborted();
      let selection: Selection;
      switch (method) {
        case 'majority':
        case 'quality_weighted':
          selection = vote(method, sorted, context);
          break;
        case 'confidence':
          selection = confidenceThreshold(vote(base, sorted, context), { minAgreement, minVotes, onLow });
          break;
        case 'tournament':
          if (context.compare !== undefined && typeof context.compare !== 'function') {
            throw new TypeError('`context.compare` must be a function (a, b, { signal }) => number');
          }
          selection = await tournament(sorted, context.compare ?? compare, {
            swap,
            ...(context.signal !== undefined && { signal: context.signal }),
          });
          break;
        case 'hybrid_merge':
          if (options.fuse === undefined) selection = hybridMerge(sorted, { top });
          else {
            const events = llmFuse(sorted, { question: context.prompt ?? '', fuse: options.fuse, top });
            selection = await lastSelection(events, context.signal);
          }
          break;
        default:
          return assertNever(method, 'consensus method');
      }
      if (context.learn !== false) learnFrom(sorted, selection, context);
      return selection;
    },
    learn(candidates, selection, context = {}) {
      learnFrom(sortCandidates(candidates, 'ConsensusEngine.learn'), selection, context);
    },
  };
}

async function lastSelection(
  events: ReturnType<typeof llmFuse>,
  signal: AbortSignal | undefined,
): Promise<Selection> {
  const collect = new Promise<FuseEvent>((resolve, reject) => {
    let last: FuseEvent | undefined;
    const onAbort = (): void => {
      subscription.unsubscribe();
      reject(signal!.reason);
    };
    const subscription = events.subscribe({
      next: (e) => {
        last = e;
      },
      error: (error: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      },
      complete: () => {
        signal?.removeEventListener('abort', onAbort);
        if (last?.type === 'selection') resolve(last);
        else reject(new Error('llmFuse completed without a selection'));
      },
    });
    if (!subscription.closed) signal?.addEventListener('abort', onAbort, { once: true });
  });
  const last = await collect;
  if (last.type !== 'selection') throw new Error('llmFuse completed without a selection');
  return last.selection;
}
