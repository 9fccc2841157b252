import type { RaceRow, RaceState, RowState } from './raceState.js';

/** Options of {@link renderFrame}. */
export interface RenderFrameOptions {
  /**
   * Colour the states and the quorum line with ANSI escapes (widths are computed without them).
   * @defaultValue false
   */
  readonly color?: boolean;
}

interface Column {
  readonly title: string;
  readonly align: 'left' | 'right';
  readonly cell: (row: RaceRow) => string;
  /** Columns with a higher number are dropped first when the terminal is narrow; 0 is never dropped. */
  readonly dropOrder: number;
}

const STATE_LABEL: Readonly<Record<RowState, string>> = {
  waiting: '· waiting',
  streaming: '▸ streaming',
  finished: '■ finished',
  won: '★ won',
  agreed: '✓ agreed',
  lost: '✗ lost',
  cancelled: '⊘ cancelled',
  failed: '! failed',
  skipped: '- skipped',
};

const STATE_COLOR: Readonly<Record<RowState, string>> = {
  waiting: '2',
  streaming: '36',
  finished: '34',
  won: '1;32',
  agreed: '32',
  lost: '33',
  cancelled: '2',
  failed: '31',
  skipped: '2',
};

const COLUMNS: readonly Column[] = [
  { title: 'provider', align: 'left', cell: (r) => r.provider, dropOrder: 5 },
  { title: 'model', align: 'left', cell: (r) => r.model, dropOrder: 0 },
  { title: 'params', align: 'left', cell: (r) => r.params || 'default', dropOrder: 6 },
  { title: 'tokens', align: 'right', cell: (r) => String(r.tokens), dropOrder: 2 },
  {
    title: 'tok/s',
    align: 'right',
    cell: (r) => (r.tokensPerSecond === undefined ? '-' : r.tokensPerSecond.toFixed(0)),
    dropOrder: 3,
  },
  {
    title: 'score',
    align: 'right',
    cell: (r) => (r.score === undefined ? '-' : r.score.toFixed(2)),
    dropOrder: 4,
  },
  { title: 'answer', align: 'right', cell: (r) => r.answer ?? '-', dropOrder: 1 },
  { title: 'state', align: 'left', cell: (r) => STATE_LABEL[r.state], dropOrder: 0 },
];

const GAP = 2;
const INDENT = '  ';

/**
 * Renders one frame of the live race view: a title, the notice, one row per variant (provider,
 * model, parameters, tokens, tokens/s, score, answer, state) and the quorum line. A pure function of
 * its arguments, so the terminal view is tested by comparing strings; the live view just redraws
 * the latest frame.
 *
 * No line is wider than `width` (counted in code points, escapes excluded): on a narrow terminal
 * the least useful columns are dropped (params, provider, score, tok/s, tokens, answer), then the
 * model name is shortened with `…`, then lines are cut.
 *
 * @example
 * process.stdout.write(renderFrame(state, process.stdout.columns ?? 80, { color: true }));
 */
export function renderFrame(state: RaceState, width: number, options: RenderFrameOptions = {}): string {
  if (!(Number.isFinite(width) && width >= 1)) {
    throw new TypeError(`\`width\` must be a number of columns >= 1, got ${String(width)}`);
  }
  const w = Math.floor(width);
  const color = options.color ?? false;
  const paint = (text: string, code: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);

  const lines: string[] = [];
  const elapsed = `${(state.elapsedMs / 1000).toFixed(2)} s`;
  lines.push(clip(joinEnds(state.title, elapsed, w), w));
  if (state.notice) lines.push(paint(clip(state.notice, w), '33'));
  lines.push('');

  const table = layoutTable(state.rows, w - INDENT.length);
  lines.push(clip(INDENT + table.header, w));
  table.rows.forEach((text, i) => {
    const row = state.rows[i]!;
    const fitted = clip(INDENT + text, w);
    lines.push(colorState(fitted, row.state, color));
  });
  for (const row of state.rows) {
    if (row.state === 'failed' && row.error)
      lines.push(paint(clip(`${INDENT}! ${row.id}: ${row.error}`, w), '31'));
  }
  lines.push('');
  const quorum = clip(quorumLine(state), w);
  lines.push(state.decided ? paint(quorum, '1') : quorum);
  return `${lines.join('\n')}\n`;
}

/** The quorum forming: one mark per needed agreement. */
function quorumLine(state: RaceState): string {
  const filled = Math.min(state.agreeing, state.quorum);
  const marks = '●'.repeat(filled) + '○'.repeat(Math.max(0, state.quorum - filled));
  const on = state.leadingAnswer !== undefined && state.agreeing > 0 ? ` on ${state.leadingAnswer}` : '';
  const verb = state.decided ? (state.agreeing >= state.quorum ? 'reached' : 'not reached') : 'forming';
  const leader = state.leader !== undefined ? ` · leader ${state.leader}` : '';
  return `quorum ${marks} ${state.agreeing}/${state.quorum} agree${on} · ${verb}${leader}`;
}

function layoutTable(rows: readonly RaceRow[], width: number): { header: string; rows: string[] } {
  let columns = [...COLUMNS];
  const widths = (cols: readonly Column[]) =>
    cols.map((c) => Math.max(length(c.title), ...rows.map((r) => length(c.cell(r)))));
  const total = (ws: readonly number[]) => ws.reduce((a, b) => a + b, 0) + GAP * (ws.length - 1);
  let ws = widths(columns);
  // Drop optional columns, least useful first, until the table fits.
  while (total(ws) > width) {
    const droppable = columns.filter((c) => c.dropOrder > 0);
    if (droppable.length === 0) break;
    const drop = droppable.reduce((a, b) => (b.dropOrder > a.dropOrder ? b : a));
    columns = columns.filter((c) => c !== drop);
    ws = widths(columns);
  }
  // Then shorten the model column.
  const modelIndex = columns.findIndex((c) => c.title === 'model');
  const excess = total(ws) - width;
  if (excess > 0 && modelIndex >= 0) ws[modelIndex] = Math.max(5, ws[modelIndex]! - excess);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        const col = columns[i]!;
        const text = shorten(cell, ws[i]!);
        return col.align === 'right' ? text.padStart(ws[i]!) : text.padEnd(ws[i]!);
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  return {
    header: line(columns.map((c) => c.title)),
    rows: rows.map((r) => line(columns.map((c) => c.cell(r)))),
  };
}

/** Colours the state label at the end of a row (it is the last column). */
function colorState(line: string, state: RowState, color: boolean): string {
  if (!color) return line;
  const label = STATE_LABEL[state];
  const at = line.lastIndexOf(label.slice(0, 3));
  if (at < 0) return line;
  return `${line.slice(0, at)}\x1b[${STATE_COLOR[state]}m${line.slice(at)}\x1b[0m`;
}

/** `left` and `right` on one line, `right` flush with the edge when there is room. */
function joinEnds(left: string, right: string, width: number): string {
  const room = width - length(left) - length(right);
  return room >= 1 ? left + ' '.repeat(room) + right : `${left} ${right}`;
}

function length(text: string): number {
  return Array.from(text).length;
}

/** Cuts a text to `width` code points, marking the cut with `…`. */
function shorten(text: string, width: number): string {
  const points = Array.from(text);
  if (points.length <= width) return text;
  return width <= 1 ? points.slice(0, width).join('') : `${points.slice(0, width - 1).join('')}…`;
}

function clip(text: string, width: number): string {
  return shorten(text, width);
}
