/**
 * The syntax scorer and its parsers: load times, parse costs, streaming cost, and whether syntax
 * validity predicts HumanEval's `passed` on real candidates.
 *
 *   npx tsx bench/syntax.bench.ts [--data DIR] [--dump FILE]
 *
 * DIR defaults to ../shared/data next to the repository (the project's benchmark data; only
 * humaneval-codegen16b/public.jsonl is read). `--dump FILE` writes one JSON line per HumanEval
 * candidate, `{"id", "sample", "parses"}`, to compare with another parser (e.g. CPython). Prints Markdown tables; bench/README.syntax.md keeps
 * a copy of a run. Run it in a fresh process: load times are cold-start times.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode } from 'gpt-tokenizer';
import { Edit, Parser, type Tree } from 'web-tree-sitter';
import { checkSyntax, loadLanguage, SYNTAX_LANGUAGES } from '../src/scorers/parsers/checkSyntax.js';
import { checkWithTreeSitter } from '../src/scorers/parsers/treeSitterErrors.js';
import {
  loadTreeSitterLanguage,
  parseTree,
  TREE_SITTER_GRAMMARS,
} from '../src/scorers/parsers/treeSitterRuntime.js';
import type { ScoreContext, ScoreReport } from '../src/scorers/scorer.js';
import { createSyntaxScorer, type SyntaxScorer } from '../src/scorers/syntaxScorer.js';

const here = dirname(fileURLToPath(import.meta.url));
const dataFlag = process.argv.indexOf('--data');
const dataDir =
  dataFlag === -1 ? resolve(here, '../../shared/data') : resolve(process.argv[dataFlag + 1] ?? '.');
const dumpFlag = process.argv.indexOf('--dump');
const dumpFile = dumpFlag === -1 ? undefined : process.argv[dumpFlag + 1];

const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));

/** Median wall time of `fn` over `runs` runs (after one warm-up run). */
function median(runs: number, fn: () => unknown): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): void {
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| ${header.map(() => '---').join(' | ')} |`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log();
}

// ---------------------------------------------------------------------------------------------
// 1. Cold load times, one after the other (as prepareParsers does).
console.log(`## Load times (cold process, Node ${process.version})\n`);
const loadRows: (string | number)[][] = [];
{
  let start = performance.now();
  await Parser.init();
  loadRows.push(['web-tree-sitter `Parser.init()`', ms(performance.now() - start)]);
  const grammars = [...new Set(Object.values(TREE_SITTER_GRAMMARS))];
  for (const grammar of grammars) {
    const language = Object.keys(TREE_SITTER_GRAMMARS).find((l) => TREE_SITTER_GRAMMARS[l] === grammar)!;
    start = performance.now();
    await loadTreeSitterLanguage(language);
    loadRows.push([`tree-sitter grammar \`${grammar}\``, ms(performance.now() - start)]);
  }
  for (const [label, language] of [
    ['oxc-parser (import, JS/TS/TSX)', 'javascript'],
    ['jsonc-parser (import)', 'json'],
    ['yaml (import)', 'yaml'],
    ['smol-toml (import)', 'toml'],
  ] as const) {
    start = performance.now();
    await loadLanguage(language);
    loadRows.push([label, ms(performance.now() - start)]);
  }
  const total = loadRows.reduce((sum, row) => sum + Number(row[1]), 0);
  start = performance.now();
  await createSyntaxScorer(); // everything already loaded: the factory's own overhead
  loadRows.push(['`createSyntaxScorer()` once all are loaded', ms(performance.now() - start)]);
  loadRows.push(['**total, all languages**', `**${ms(total)}**`]);
}
table(['what', 'ms'], loadRows);

// ---------------------------------------------------------------------------------------------
// 2. Parse costs on generated files.
function pythonFile(lines: number): string {
  const out: string[] = ['from typing import List', ''];
  for (let i = 0; out.length < lines; i++) {
    out.push(
      `def f${i}(xs: List[int], k: int = ${i}) -> int:`,
      `    """Sum of the items above ${i}."""`,
      '    total = 0',
      '    for x in xs:',
      `        if x > k and x % ${(i % 7) + 2} == 0:`,
      `            total += x * ${i}`,
      '        elif x < 0:',
      "            raise ValueError(f'negative: {x}')",
      '    return total',
      '',
    );
  }
  return out.join('\n'); // whole functions: `lines` rounded up
}

function typescriptFile(lines: number, typed: boolean): string {
  const t = (s: string) => (typed ? s : '');
  const out: string[] = [];
  for (let i = 0; out.length < lines; i++) {
    out.push(
      `export function f${i}(xs${t(': number[]')}, k${t(': number')} = ${i})${t(': number')} {`,
      '  let total = 0;',
      '  for (const x of xs) {',
      `    if (x > k && x % ${(i % 7) + 2} === 0) {`,
      `      total += x * ${i};`,
      '    } else if (x < 0) {',
      "      throw new Error('negative: ' + x);",
      '    }',
      '  }',
      '  return total;',
      '}',
      '',
    );
  }
  return out.join('\n'); // whole functions: `lines` rounded up
}

console.log('## Parse cost (median, ms; generated files)\n');
{
  const rows: (string | number)[][] = [];
  for (const lines of [200, 5000]) {
    const py = pythonFile(lines);
    const js = typescriptFile(lines, false);
    const ts = typescriptFile(lines, true);
    const runs = lines === 200 ? 51 : 9;
    const pyParseOnly = median(runs, () => parseTree('python', py, (tree) => tree.rootNode.hasError));
    const pyCheck = median(runs, () => checkSyntax('python', py));
    const jsOxc = median(runs, () => checkSyntax('javascript', js));
    const tsOxc = median(runs, () => checkSyntax('typescript', ts));
    await loadTreeSitterLanguage('javascript');
    await loadTreeSitterLanguage('typescript');
    const jsTs = median(runs, () => checkWithTreeSitter('javascript', js, 20));
    const tsTs = median(runs, () => checkWithTreeSitter('typescript', ts, 20));
    rows.push([
      lines,
      ms(pyParseOnly),
      ms(pyCheck),
      `${ms(jsOxc)} / ${ms(jsTs)}`,
      `${ms(tsOxc)} / ${ms(tsTs)}`,
      ms(median(runs, () => checkSyntax('json', JSON.stringify({ items: py.split('\n') }, null, 2)))),
    ]);
  }
  table(
    [
      'lines',
      'Python: tree-sitter parse only',
      'Python: `checkSyntax` (parse + error walk + Python checks)',
      'JavaScript: oxc / tree-sitter',
      'TypeScript: oxc / tree-sitter',
      'JSON (same lines as strings)',
    ],
    rows,
  );
}

// ---------------------------------------------------------------------------------------------
// 3. HumanEval: does syntax validity predict `passed`?
interface Candidate {
  readonly completion: string;
  readonly passed: boolean;
}
interface Problem {
  readonly id: string;
  readonly prompt: string;
  readonly entry_point: string;
  readonly candidates: readonly Candidate[];
}

const problems: Problem[] = readFileSync(resolve(dataDir, 'humaneval-codegen16b/public.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Problem);

const contextOf = (p: Problem): ScoreContext => ({
  prompt: p.prompt,
  variant: 'bench',
  task: 'code',
  codePrefix: p.prompt,
  language: 'python',
  entryPoint: p.entry_point,
});

console.log(`## HumanEval public candidates (${dataDir})\n`);
{
  const withStops = await createSyntaxScorer({ languages: ['python'] });
  const noStops = await createSyntaxScorer({ languages: ['python'], stopSequences: {} });
  const rows: (string | number)[][] = [];
  for (const [label, scorer] of [
    ['cut at HumanEval stop sequences (default)', withStops],
    ['whole completion (no cut)', noStops],
  ] as const) {
    let parses = 0;
    let parsesPassed = 0;
    let fails = 0;
    let failsPassed = 0;
    let total = 0;
    const dump: string[] = [];
    const start = performance.now();
    for (const problem of problems) {
      const context = contextOf(problem);
      for (const [sample, candidate] of problem.candidates.entries()) {
        total++;
        const ok = scorer.scoreText(candidate.completion, context).value === 1;
        if (scorer === withStops) dump.push(JSON.stringify({ id: problem.id, sample, parses: ok }));
        if (ok) {
          parses++;
          if (candidate.passed) parsesPassed++;
        } else {
          fails++;
          if (candidate.passed) failsPassed++;
        }
      }
    }
    const elapsed = performance.now() - start;
    if (dumpFile !== undefined && scorer === withStops) writeFileSync(dumpFile, `${dump.join('\n')}\n`);
    const pct = (a: number, b: number) => (b === 0 ? '–' : `${((100 * a) / b).toFixed(1)}%`);
    rows.push([
      label,
      total,
      `${fails} (${pct(fails, total)})`,
      `${pct(parsesPassed, parses)} (${parsesPassed}/${parses})`,
      `${pct(failsPassed, fails)} (${failsPassed}/${fails})`,
      `${ms(elapsed / total)}`,
    ]);
  }
  table(
    [
      'prompt + completion',
      'candidates',
      'do not parse',
      'pass rate, parsing',
      'pass rate, not parsing',
      'ms per candidate',
    ],
    rows,
  );

  // Selection: does preferring parsing candidates help a random pick?
  let random = 0;
  let preferParsing = 0;
  for (const problem of problems) {
    const context = contextOf(problem);
    const parsing = problem.candidates.filter((c) => withStops.scoreText(c.completion, context).value === 1);
    const rate = (cs: readonly Candidate[]) =>
      cs.length === 0 ? 0 : cs.filter((c) => c.passed).length / cs.length;
    random += rate(problem.candidates);
    preferParsing += parsing.length > 0 ? rate(parsing) : rate(problem.candidates);
  }
  table(
    ['selection (expected pass@1 over problems)', '%'],
    [
      ['random candidate', ((100 * random) / problems.length).toFixed(1)],
      ['random among the candidates that parse', ((100 * preferParsing) / problems.length).toFixed(1)],
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// 4. Streaming cost: deltas of ~4 characters, scored after every delta as scoreIncrementally does.
function streamCost(
  scorer: SyntaxScorer,
  text: string,
  context: ScoreContext,
  rounds: number,
): { total: number; last: number; report: ScoreReport } {
  const deltas: string[] = [];
  for (let i = 0; i < text.length; i += 4) deltas.push(text.slice(i, i + 4));
  let best = Number.POSITIVE_INFINITY;
  let last = 0;
  let report: ScoreReport = { value: 0 };
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    const state = scorer.init(context);
    for (const delta of deltas) {
      scorer.feed(state, delta);
      scorer.score(state, false);
    }
    const before = performance.now();
    report = scorer.score(state, true) as ScoreReport;
    const end = performance.now();
    if (end - start < best) {
      best = end - start;
      last = end - before;
    }
  }
  return { total: best, last, report };
}

console.log('## Streaming cost (deltas of 4 characters, `score` after each; best of several rounds)\n');
{
  const scorer = await createSyntaxScorer();
  const passing = problems.flatMap((p) =>
    p.candidates
      .filter((c) => c.passed)
      .slice(0, 1)
      .map((c) => ({ problem: p, completion: c.completion })),
  );
  // A realistic chat answer: prose and fenced Python (HumanEval solutions), plus one TS and one JSON block.
  const parts: string[] = [];
  for (const { problem, completion } of passing.slice(0, 6)) {
    parts.push(
      `Here is \`${problem.entry_point}\`:\n\n\`\`\`python\n${problem.prompt}${completion.trimEnd()}\n\`\`\`\n`,
    );
    parts.push('It walks the input once and returns early when it can; the edge cases are handled above.\n');
  }
  parts.push(
    `\`\`\`ts\n${typescriptFile(40, true)}\n\`\`\`\n`,
    '```json\n{"name": "demo", "version": "1.0.0"}\n```\n',
  );
  const chat = parts.join('\n');
  const chatTokens = encode(chat).length;
  const chatCost = streamCost(scorer, chat, { prompt: 'p', variant: 'v' }, 15);

  // HumanEval continuations: every public candidate of the first 20 problems, streamed.
  let heTokens = 0;
  let heTotal = 0;
  for (const problem of problems.slice(0, 20)) {
    for (const candidate of problem.candidates.slice(0, 20)) {
      heTokens += encode(candidate.completion).length;
      heTotal += streamCost(scorer, candidate.completion, contextOf(problem), 1).total;
    }
  }

  const big = `A long file:\n\n\`\`\`python\n${pythonFile(5000)}\n\`\`\`\n`;
  const bigTokens = encode(big).length;
  const bigStream = streamCost(scorer, big, { prompt: 'p', variant: 'v' }, 3);
  const bigWhole = median(5, () => scorer.scoreText(big, { prompt: 'p', variant: 'v' }));
  const bareBig = pythonFile(5000);
  const bareContext: ScoreContext = { prompt: 'p', variant: 'v', task: 'code', language: 'python' };
  const bareStream = streamCost(scorer, bareBig, bareContext, 3);

  const per1k = (t: number, tokens: number) => ms((1000 * t) / tokens);
  table(
    ['answer', 'tokens', 'characters', 'total ms', 'ms per 1k tokens', 'of which the final `score(…, true)`'],
    [
      [
        'chat answer: 6 fenced Python functions + TS + JSON',
        chatTokens,
        chat.length,
        ms(chatCost.total),
        per1k(chatCost.total, chatTokens),
        ms(chatCost.last),
      ],
      ['HumanEval continuations (400 candidates)', heTokens, '–', ms(heTotal), per1k(heTotal, heTokens), '–'],
      [
        '5,000-line Python file, fenced',
        bigTokens,
        big.length,
        ms(bigStream.total),
        per1k(bigStream.total, bigTokens),
        ms(bigStream.last),
      ],
      [
        '5,000-line Python file, bare (`language: python`)',
        encode(bareBig).length,
        bareBig.length,
        ms(bareStream.total),
        per1k(bareStream.total, encode(bareBig).length),
        ms(bareStream.last),
      ],
      [
        '5,000-line Python file, fenced, `scoreText` (one call)',
        bigTokens,
        big.length,
        ms(bigWhole),
        per1k(bigWhole, bigTokens),
        '–',
      ],
    ],
  );
  if (chatCost.report.value !== 1 || bigStream.report.value !== 1) {
    console.log('WARNING: the benchmark answers should parse:', JSON.stringify(chatCost.report.findings));
  }
}

// ---------------------------------------------------------------------------------------------
// 5. Would tree-sitter's incremental parsing while streaming pay off?
console.log('## Incremental parsing while streaming vs one parse at the end (Python, 4-character deltas)\n');
{
  const rows: (string | number)[][] = [];
  await loadTreeSitterLanguage('python');
  const grammarParser = new Parser();
  // Reuse the loaded grammar through a parse, to get its Language object.
  const language = parseTree('python', '', (tree) => tree.language)!;
  grammarParser.setLanguage(language);
  for (const lines of [200, 1000]) {
    const code = pythonFile(lines);
    const incremental = median(3, () => {
      let tree: Tree | null = null;
      let text = '';
      let row = 0;
      let column = 0;
      for (let i = 0; i < code.length; i += 4) {
        const delta = code.slice(i, i + 4);
        const start = text.length;
        const startPosition = { row, column };
        text += delta;
        for (const ch of delta) {
          if (ch === '\n') {
            row++;
            column = 0;
          } else column++;
        }
        if (tree !== null) {
          tree.edit(
            new Edit({
              startIndex: start,
              oldEndIndex: start,
              newEndIndex: text.length,
              startPosition,
              oldEndPosition: startPosition,
              newEndPosition: { row, column },
            }),
          );
        }
        const next = grammarParser.parse(text, tree);
        tree?.delete();
        tree = next;
      }
      tree?.delete();
    });
    const once = median(9, () => parseTree('python', code, (tree) => tree.rootNode.hasError));
    rows.push([lines, Math.ceil(code.length / 4), ms(incremental), ms(once)]);
  }
  grammarParser.delete();
  table(
    ['lines', 'deltas', 'incremental reparse at every delta, total ms', 'one full parse at the end, ms'],
    rows,
  );
}

console.log(`Languages checked: ${SYNTAX_LANGUAGES.join(', ')}.`);
