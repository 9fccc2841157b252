import type { RaceRow, RaceState } from './raceState.js';
import { renderFrame } from './renderFrame.js';

/** Where and how the live view draws. */
export interface LiveViewOptions {
  /** The stream written to. */
  readonly out: { write(text: string): unknown };
  /** Redraw frames in place (a terminal); otherwise print one plain line per change. */
  readonly tty: boolean;
  /** Terminal width. @defaultValue 80 */
  readonly width?: number;
  /** ANSI colours (TTY only). @defaultValue same as `tty` */
  readonly color?: boolean;
  /** Least time between two redraws, in ms (TTY only). @defaultValue 50 */
  readonly intervalMs?: number;
  /** The clock of the throttle, in ms. @defaultValue `performance.now` */
  readonly now?: () => number;
}

/** A live view of a race; see {@link createLiveView}. */
export interface LiveView {
  /** The race changed: redraws (throttled) or prints the changes. */
  update(state: RaceState): void;
  /** Draws the final state at once and stops redrawing. Idempotent. */
  close(state?: RaceState): void;
}

const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

/**
 * The race as it happens. In a terminal it redraws `renderFrame` in place (cursor up, clear to the
 * end), at most every `intervalMs`; elsewhere (a pipe, a file, CI logs) it prints one plain,
 * timestamped line per change of a variant's state and of the quorum, never an escape sequence.
 * The redraw timer is cleared by `close()`, so no handle outlives the view.
 *
 * @example
 * const view = createLiveView({ out: process.stdout, tty: process.stdout.isTTY === true });
 * events$.subscribe({ next: (s) => view.update(s), complete: () => view.close() });
 */
export function createLiveView(options: LiveViewOptions): LiveView {
  const { out, tty } = options;
  const width = options.width ?? 80;
  const color = options.color ?? tty;
  const interval = options.intervalMs ?? 50;
  const now = options.now ?? (() => performance.now());
  let latest: RaceState | undefined;
  let drawnLines = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const seen = new Map<string, string>();
  let lastQuorum = '';

  const draw = () => {
    timer = undefined;
    if (latest === undefined) return;
    const frame = renderFrame(latest, width, { color });
    const up = drawnLines > 0 ? `\x1b[${drawnLines}F\x1b[J` : HIDE_CURSOR;
    out.write(up + frame);
    drawnLines = frame.split('\n').length - 1;
    lastDraw = now();
  };

  const printChanges = (state: RaceState) => {
    const at = `[${(state.elapsedMs / 1000).toFixed(2).padStart(5)} s]`;
    // One line per change of state (not per token), so a log stays short.
    for (const row of state.rows) {
      if (row.state === 'waiting' || seen.get(row.id) === row.state) continue;
      seen.set(row.id, row.state);
      out.write(`${at} ${row.id}: ${describe(row)}\n`);
    }
    const reached = state.agreeing >= state.quorum;
    const verb = reached ? 'reached' : state.decided ? 'not reached' : 'forming';
    const quorum = `${verb} ${state.agreeing}/${state.quorum}${state.leadingAnswer ? ` on ${state.leadingAnswer}` : ''}`;
    if ((state.agreeing > 0 || state.decided) && quorum !== lastQuorum) {
      lastQuorum = quorum;
      out.write(
        `${at} quorum ${verb}: ${state.agreeing} of ${state.quorum} needed agree${state.leadingAnswer ? ` on ${state.leadingAnswer}` : ''}\n`,
      );
    }
  };

  return {
    update(state) {
      if (closed) return;
      latest = state;
      if (!tty) {
        printChanges(state);
        return;
      }
      const wait = lastDraw + interval - now();
      if (wait <= 0) draw();
      else if (timer === undefined) timer = setTimeout(draw, wait);
    },
    close(state) {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (state !== undefined) latest = state;
      if (!tty) {
        if (latest !== undefined) printChanges(latest);
        return;
      }
      draw();
      out.write(SHOW_CURSOR);
    },
  };
}

/** A row's state in words, for plain output: only what matters for that state. */
function describe(row: RaceRow): string {
  const answer = row.answer !== undefined ? `, answer ${row.answer}` : '';
  const score = row.score !== undefined ? `, score ${row.score.toFixed(2)}` : '';
  const speed = row.tokensPerSecond !== undefined ? ` at ${row.tokensPerSecond.toFixed(0)} tok/s` : '';
  switch (row.state) {
    case 'waiting':
      return 'waiting';
    case 'streaming':
      return 'streaming';
    case 'finished':
      return `finished (${row.tokens} tokens${speed}${answer}${score})`;
    case 'won':
      return `won (${row.tokens} tokens${answer}${score})`;
    case 'agreed':
      return `agreed (${row.tokens} tokens${answer}${score})`;
    case 'lost':
      return `lost (${row.tokens} tokens${answer}${score})`;
    case 'cancelled':
      return `cancelled after ${row.tokens} tokens (request aborted)`;
    case 'failed':
      return `failed${row.error ? `: ${row.error}` : ''}`;
    case 'skipped':
      return `skipped${row.error ? `: ${row.error}` : ''}`;
  }
}
