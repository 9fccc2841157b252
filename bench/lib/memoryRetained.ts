/**
 * The "bytes per retained token" half of bench/memory.ts, in a fresh process with `--expose-gc`:
 * the heap held by snapshots of a known total size, measured as `heapUsed` after a full GC minus
 * the same before. Delta strings are made the way the adapters make them (`JSON.parse` of each
 * wire chunk), because V8 gives short parsed strings one shared copy, which changes the answer.
 * Replies over IPC with `{ rows }`.
 */
import { Observable, tap } from 'rxjs';
import type { ScoredSnapshot, Snapshot, VariantEvent } from '../../src/events.js';
import { scoreIncrementally } from '../../src/operators/scoreIncrementally.js';
import { snapshots } from '../../src/operators/snapshots.js';
import { CODE_PROMPT, codeAnswerTokens } from './codeAnswer.js';
import { loadScorers } from './scorers.js';

/** One measurement. */
export interface RetainedRow {
  readonly what: string;
  readonly tokens: number;
  readonly chars: number;
  readonly bytes: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const fullGc = gc;

function heap(): number {
  fullGc();
  fullGc();
  return process.memoryUsage().heapUsed;
}

/** Wire chunks for `variants` × `tokens`, as an OpenAI stream sends them (kept for the whole run). */
function wireChunks(variants: number, tokens: number): string[][] {
  return Array.from({ length: variants }, (_, v) =>
    codeAnswerTokens(tokens, v % 4).map((text) =>
      JSON.stringify({ choices: [{ index: 0, delta: { content: text } }] }),
    ),
  );
}

/** The variants' deltas, then (unless `open`) their ends and completion. */
function events(chunks: readonly (readonly string[])[], open = false): Observable<VariantEvent> {
  return new Observable<VariantEvent>((subscriber) => {
    const tokens = chunks[0]?.length ?? 0;
    for (let i = 0; i < tokens; i++) {
      for (let v = 0; v < chunks.length; v++) {
        const parsed = JSON.parse(chunks[v]![i]!) as { choices: { delta: { content: string } }[] };
        subscriber.next({ type: 'delta', variant: `v${v}`, text: parsed.choices[0]!.delta.content, at: i });
      }
    }
    if (open) return;
    for (let v = 0; v < chunks.length; v++)
      subscriber.next({ type: 'end', variant: `v${v}`, finish: 'stop', at: tokens });
    subscriber.complete();
  });
}

function charsOf(chunks: readonly (readonly string[])[]): number {
  let chars = 0;
  for (const list of chunks) {
    for (const chunk of list)
      chars += (JSON.parse(chunk) as { choices: { delta: { content: string } }[] }).choices[0]!.delta.content
        .length;
  }
  return chars;
}

process.once('message', async (job: { finalTokens: number; finalVariants: number; allTokens: number }) => {
  try {
    const rows: RetainedRow[] = [];
    const { scorers } = await loadScorers('code');
    // Each step runs once unmeasured first (same data), so code, caches and lazily created
    // objects are in the heap before its baseline is taken; the process also runs with
    // --no-flush-bytecode, so compiled code is not dropped between a baseline and its measurement.
    // (Without the dry run, the first run of a process frees ~3 MB and the numbers go negative.)
    const context = { prompt: CODE_PROMPT, task: 'code' as const };
    // 1. Final snapshots only (what a decision keeps), as ropes and then flattened.
    let chunks = wireChunks(job.finalVariants, job.finalTokens);
    events(chunks)
      .pipe(snapshots())
      .subscribe((s) => s.text.charCodeAt(0));
    let before = heap();
    const finals: Snapshot[] = [];
    events(chunks)
      .pipe(snapshots())
      .subscribe((s) => {
        if (s.done) finals.push(s);
      });
    const tokens = job.finalVariants * job.finalTokens;
    const chars = finals.reduce((sum, s) => sum + s.text.length, 0);
    rows.push({
      what: 'final snapshots, text as built (a rope of deltas)',
      tokens,
      chars,
      bytes: heap() - before,
    });
    // Reading a character flattens a rope in V8: one sequential string, the deltas become garbage.
    let probe = 0;
    for (const s of finals) probe += s.text.charCodeAt(s.text.length >> 1);
    rows.push({ what: 'final snapshots, text flattened', tokens, chars, bytes: heap() - before });
    finals.length = 0;
    void probe;

    // 2. Every snapshot kept (e.g. a UI log or a replay buffer).
    chunks = wireChunks(3, job.allTokens);
    events(chunks).pipe(snapshots(), scoreIncrementally(scorers, { context })).subscribe();
    before = heap();
    const kept: Snapshot[] = [];
    events(chunks)
      .pipe(snapshots())
      .subscribe((s) => kept.push(s));
    const allChars = kept.filter((s) => s.done).reduce((sum, s) => sum + s.text.length, 0);
    rows.push({
      what: 'every Snapshot kept',
      tokens: 3 * job.allTokens,
      chars: allChars,
      bytes: heap() - before,
    });
    kept.length = 0;

    // 3. Every ScoredSnapshot kept (default scorers): scores and findings records per emission.
    before = heap();
    const scored: ScoredSnapshot[] = [];
    events(chunks)
      .pipe(
        snapshots(),
        scoreIncrementally(scorers, { context }),
        tap((s) => scored.push(s)),
      )
      .subscribe();
    rows.push({
      what: 'every ScoredSnapshot kept (default scorers)',
      tokens: 3 * job.allTokens,
      chars: allChars,
      bytes: heap() - before,
    });
    scored.length = 0;

    // 4. A live pipeline mid-stream: what snapshots() and scoreIncrementally() hold per streaming
    // variant (the latest snapshot's text and every scorer's state), before any variant ends.
    chunks = wireChunks(job.finalVariants, job.allTokens);
    events(chunks, true)
      .pipe(snapshots(), scoreIncrementally(scorers, { context }))
      .subscribe()
      .unsubscribe();
    before = heap();
    const live = events(chunks, true).pipe(snapshots(), scoreIncrementally(scorers, { context })).subscribe();
    const liveChars = charsOf(chunks);
    rows.push({
      what: "live pipeline mid-stream: latest snapshots + the default scorers' states",
      tokens: job.finalVariants * job.allTokens,
      chars: liveChars,
      bytes: heap() - before,
    });
    live.unsubscribe();
    process.send?.({ type: 'done', rows });
  } catch (error) {
    process.send?.({
      type: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
  process.disconnect?.();
});
