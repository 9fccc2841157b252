/**
 * How the performance benchmarks print: the exact command, the machine line and the seed, then
 * Markdown tables (pasted as they are into bench/README.perf.md), or one JSON object with `--json`.
 */
import { cpus, loadavg } from 'node:os';
import { relative } from 'node:path';
import type { BenchArgs } from './args.js';

/** One printed table. */
export interface Table {
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Printed under the table. */
  readonly notes?: readonly string[];
}

/** Collects a benchmark's tables and numbers, and prints them. */
export interface Report {
  readonly name: string;
  /** Adds a table and prints it at once in Markdown mode (so a long run shows progress). */
  table(table: Table): void;
  /** A line of text (Markdown mode) kept in `notes` (JSON mode). */
  note(text: string): void;
  /** Raw numbers for `--json`. */
  data(key: string, value: unknown): void;
  /** Prints the JSON object (one line) in `--json` mode; nothing more in Markdown mode. */
  finish(): void;
}

/** `2 cores, Intel(R) Xeon(R) Processor, Node v20.20.2, linux x64, load 0.9` */
export function machineLine(): string {
  const list = cpus();
  const model = list[0]?.model.trim() ?? 'unknown CPU';
  const load = loadavg()[0] ?? 0;
  return `${list.length} cores, ${model}, Node ${process.version}, ${process.platform} ${process.arch}, load average ${load.toFixed(2)} at start`;
}

/** The command that reproduces this run, e.g. `npx tsx bench/cpu.ts --long`. */
export function commandLine(args: BenchArgs): string {
  const script = relative(process.cwd(), process.argv[1] ?? 'bench/?.ts') || process.argv[1];
  return ['npx tsx', script, ...args.raw].join(' ');
}

/**
 * Starts a report: prints the title, command, machine and seed (Markdown mode).
 *
 * @example
 * const report = createReport('Per-token CPU', args);
 * report.table({ title: 'batched', headers: ['consumer', 'µs/token'], rows: [['floor', '2.8']] });
 * report.finish();
 */
export function createReport(name: string, args: BenchArgs): Report {
  const tables: Table[] = [];
  const notes: string[] = [];
  const data: Record<string, unknown> = {};
  const header = { command: commandLine(args), machine: machineLine(), seed: args.seed, long: args.long };
  if (!args.json) {
    console.log(`\n# ${name}\n`);
    console.log(`\`${header.command}\`  `);
    console.log(`machine: ${header.machine}  `);
    console.log(`seed: ${header.seed}; ${args.long ? 'long' : 'quick'} run; ${new Date().toISOString()}\n`);
  }
  return {
    name,
    table(table) {
      tables.push(table);
      if (!args.json) console.log(renderTable(table));
    },
    note(text) {
      notes.push(text);
      if (!args.json) console.log(`${text}\n`);
    },
    data(key, value) {
      data[key] = value;
    },
    finish() {
      // One line per benchmark, so `npm run bench -- --json` prints JSON Lines.
      if (args.json) console.log(JSON.stringify({ name, ...header, tables, notes, data }));
    },
  };
}

/** A table as Markdown. */
export function renderTable(table: Table): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const out = [`### ${table.title}`, '', line(table.headers), line(table.headers.map(() => '---'))];
  for (const row of table.rows) out.push(line(row));
  for (const note of table.notes ?? []) out.push('', note);
  return `${out.join('\n')}\n`;
}
