import type { CostLine, DecisionReport } from './decisionReport.js';
import { wrapText } from './wrapText.js';

/** Options of {@link renderDecision}. */
export interface RenderDecisionOptions {
  /** Print the decided text under the summary. @defaultValue true */
  readonly showText?: boolean;
  /** Bold the headings with ANSI escapes. @defaultValue false */
  readonly color?: boolean;
}

/**
 * Renders what follows a race: the decision and its method and confidence, why it won, its
 * latency against the slowest variant, whether it was right (demo only), the decided text and the
 * cost table (estimated counts marked `*`). Pure: a string for a string's sake, so tests compare it.
 *
 * @example
 * process.stdout.write(renderDecision(report, process.stdout.columns ?? 80));
 */
export function renderDecision(
  report: DecisionReport,
  width: number,
  options: RenderDecisionOptions = {},
): string {
  const w = Math.max(40, Math.floor(Number.isFinite(width) ? width : 80));
  const bold = (text: string) => (options.color ? `\x1b[1m${text}\x1b[0m` : text);
  const lines: string[] = [];
  const field = (name: string, value: string) => {
    const head = `${name.padEnd(10)}`;
    wrapText(value, w - head.length).forEach((part, i) => {
      lines.push(i === 0 ? `${bold(head)}${part}` : `${' '.repeat(head.length)}${part}`);
    });
  };

  const answer = report.noConsensus
    ? 'no consensus'
    : report.answer !== undefined
      ? report.answer
      : oneLine(report.text, 60);
  const cached = report.cached ? ', from the cache' : '';
  field(
    'decision',
    `${answer}  (${report.method}, confidence ${report.confidence.toFixed(2)}${report.winner ? `, winner ${report.winner}` : ''}${cached})`,
  );
  field('why', report.reason);
  field('latency', latencyText(report));
  if (report.label !== undefined) {
    field(
      'correct?',
      report.noConsensus
        ? `no consensus; the best guess is ${report.label.correct ? 'right' : 'wrong'} according to its recorded label (target ${report.label.target})`
        : report.label.correct
          ? `yes: the recorded label of the chosen answer says correct (target ${report.label.target})`
          : `no: the recorded label of the chosen answer says wrong (target ${report.label.target})`,
    );
  }
  if ((options.showText ?? true) && report.text !== '') {
    lines.push('');
    const what = report.noConsensus ? 'best guess' : 'answer';
    lines.push(bold(report.winner ? `${what} (${report.winner}):` : `${what}:`));
    for (const paragraph of report.text.trim().split('\n')) {
      for (const part of wrapText(paragraph, w - 4)) lines.push(`  │ ${part}`.trimEnd());
    }
  }
  lines.push('');
  lines.push(...costTable(report, w, bold));
  return `${lines.join('\n')}\n`;
}

function latencyText(report: DecisionReport): string {
  const decided = `${seconds(report.latencyMs)} to decide`;
  const slow = report.slowest;
  if (slow === undefined) return decided;
  const ratio = report.latencyMs > 0 ? slow.ms / report.latencyMs : Number.NaN;
  const times = Number.isFinite(ratio) ? ` (${ratio.toFixed(1)}x)` : '';
  switch (slow.how) {
    case 'finished':
      return `${decided}; the slowest variant, ${slow.id}, took ${seconds(slow.ms)}${times}`;
    case 'planned':
      return `${decided}; the slowest variant, ${slow.id}, was cancelled: it would have needed ${seconds(slow.ms)}${times}, per the emulator's plan`;
    case 'cut':
      return `${decided}; the slowest variant, ${slow.id}, was cancelled at ${seconds(slow.ms)} (its full time is unknown)`;
  }
}

function costTable(report: DecisionReport, width: number, bold: (t: string) => string): string[] {
  const rows = report.costs.map((c) => [
    c.id,
    c.outcome,
    String(c.inputTokens),
    `${c.outputTokens}${c.estimated ? '*' : ''}`,
    usd(c.usd),
  ]);
  const total = [
    'total',
    '',
    sum(report.costs, 'inputTokens'),
    sum(report.costs, 'outputTokens'),
    usd(report.totalUsd),
  ];
  const header = ['variant', 'outcome', 'in', 'out', 'USD'];
  const all = [header, ...rows, total];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  // The id column gives way first on a narrow terminal.
  const excess = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1) + 2 - width;
  if (excess > 0) widths[0] = Math.max(8, widths[0]! - excess);
  const line = (r: readonly string[]) =>
    `  ${r
      .map((cell, i) => {
        const text = cell.length > widths[i]! ? `${cell.slice(0, widths[i]! - 1)}…` : cell;
        return i >= 2 ? text.padStart(widths[i]!) : text.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd()}`;
  const out = [bold('cost'), line(header), ...rows.map(line), line(total)];
  const notes: string[] = [];
  if (report.costs.some((c) => c.estimated))
    notes.push('* estimated: counted locally, the stream was cancelled or failed');
  if (report.unpriced.length > 0) {
    notes.push(
      `no price known for ${report.unpriced.join(', ')}: the total counts the priced part only (${usd(report.pricedUsd)})`,
    );
  }
  for (const note of notes) for (const part of wrapText(note, width - 2)) out.push(`  ${part}`);
  for (const c of report.costs)
    if (c.error) out.push(...wrapText(`! ${c.id}: ${c.error}`, width - 2).map((p) => `  ${p}`));
  return out;
}

function sum(costs: readonly CostLine[], key: 'inputTokens' | 'outputTokens'): string {
  return String(costs.reduce((a, c) => a + c[key], 0));
}

function usd(value: number | undefined): string {
  if (value === undefined) return 'unpriced';
  return `$${value.toFixed(6)}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
