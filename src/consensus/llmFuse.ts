/**
 * The LLM fuser mode of hybrid merge: send the top candidates to a model with a fusion prompt and
 * stream the fused answer like any variant.
 */
import { concat, defer, from, isObservable, map, Observable, of, tap } from 'rxjs';
import type { Candidate } from './candidate.js';
import { fusionPrompt } from './fusionPrompt.js';
import { rankByCentrality } from './mergeInternals.js';
import type { Selection } from './selection.js';
import { sortCandidates } from './voteInternals.js';

/** Sends a prompt to the fusing model: a stream of text deltas, or the whole text at once. */
export type FuseFunction = (
  prompt: string,
  context: { readonly signal: AbortSignal },
) => Observable<string> | Promise<string>;

/** What {@link llmFuse} emits: the fused text as it streams, then the selection. */
export type FuseEvent =
  | { readonly type: 'delta'; readonly text: string }
  | { readonly type: 'selection'; readonly selection: Selection };

/** Options of {@link llmFuse}. */
export interface LlmFuseOptions {
  /** The user's request. */
  readonly question: string;
  /** The model call (the orchestrator wires it to a provider stream). */
  readonly fuse: FuseFunction;
  /** How many of the best-ranked candidates the fuser sees. @defaultValue 3 */
  readonly top?: number;
  /** Builds the prompt. @defaultValue {@link fusionPrompt} */
  readonly prompt?: (question: string, answers: readonly string[]) => string;
}

/**
 * Ranks the candidates by centrality (as `hybridMerge` does), sends the `top` to the fusing model
 * with a fusion prompt, and streams the result: `delta` events as text arrives, then one
 * `selection` (method `hybrid_merge`, winner = the best-ranked input, `confidence` = its share of
 * the top candidates' centrality) and completion.
 *
 * Cold: nothing is sent until subscription. Cancellation: unsubscribing unsubscribes the fuse
 * Observable (aborting its request) or aborts the `signal` given to a Promise-returning `fuse`.
 * Fewer than two candidates: no model call; the single candidate (if any) is the result.
 *
 * @example
 * llmFuse(candidates, { question, fuse: (p) => openaiStream(client, { model, messages: [{ role: 'user', content: p }] })
 *   .pipe(filter((e) => e.type === 'delta'), map((e) => e.text)) }).subscribe(render);
 */
export function llmFuse(candidates: readonly Candidate[], options: LlmFuseOptions): Observable<FuseEvent> {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('llmFuse: `options` must be an object');
  const { question, fuse, top = 3, prompt = fusionPrompt } = options;
  if (typeof question !== 'string') throw new TypeError('llmFuse: `question` must be a string');
  if (typeof fuse !== 'function') {
    throw new TypeError(
      'llmFuse: `fuse` must be a function (prompt, { signal }) => Observable<string> | Promise<string>',
    );
  }
  if (!(Number.isInteger(top) && top >= 1))
    throw new TypeError(`llmFuse: \`top\` must be a positive integer, got ${String(top)}`);
  if (typeof prompt !== 'function') throw new TypeError('llmFuse: `prompt` must be a function');
  const sorted = sortCandidates(candidates, 'llmFuse');

  return defer(() => {
    const ranked = rankByCentrality(sorted).slice(0, top);
    const lead = ranked[0];
    const total = ranked.reduce((s, r) => s + r.utility, 0);
    const verdicts = sorted.map((c) => ({
      id: c.id,
      key: undefined,
      group: -1,
      votes: ranked.some((r) => r.candidate.id === c.id) ? 1 : 0,
      weight: ranked.find((r) => r.candidate.id === c.id)?.utility ?? 0,
      score: c.score,
    }));
    const selection = (text: string, reason: string): FuseEvent => ({
      type: 'selection',
      selection: {
        text,
        winner: lead?.candidate.id,
        method: 'hybrid_merge',
        confidence: lead === undefined ? 0 : total > 0 ? lead.utility / total : 1,
        ...(lead === undefined && { noConsensus: true }),
        reason,
        candidates: verdicts,
        groups: [],
      },
    });
    if (ranked.length < 2) {
      return of(
        selection(
          lead?.candidate.text ?? '',
          lead === undefined ? 'no candidates' : 'only one candidate: nothing to fuse',
        ),
      );
    }
    const text = prompt(
      question,
      ranked.map((r) => r.candidate.text),
    );
    let fused = '';
    const deltas = new Observable<string>((subscriber) => {
      const controller = new AbortController();
      let out: Observable<string> | Promise<string>;
      try {
        out = fuse(text, { signal: controller.signal });
      } catch (error) {
        subscriber.error(error);
        return undefined;
      }
      const source = isObservable(out) ? out : from(out);
      let settled = false;
      const inner = source.subscribe({
        next: (d) => subscriber.next(d),
        error: (error: unknown) => {
          settled = true;
          subscriber.error(error);
        },
        complete: () => {
          settled = true;
          subscriber.complete();
        },
      });
      return () => {
        inner.unsubscribe();
        if (!settled) controller.abort(); // a Promise-returning fuse stops its request here
      };
    });
    return concat(
      deltas.pipe(
        tap((d) => {
          if (typeof d !== 'string')
            throw new TypeError(`llmFuse: \`fuse\` must produce strings, got ${typeof d}`);
          fused += d;
        }),
        map((d): FuseEvent => ({ type: 'delta', text: d })),
      ),
      defer(() =>
        of(
          selection(
            fused,
            `fused the top ${ranked.length} candidates with an LLM (${ranked.map((r) => r.candidate.id).join(', ')})`,
          ),
        ),
      ),
    );
  });
}
