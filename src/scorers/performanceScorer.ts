/**
 * Performance: simple heuristics for code that is slower than it needs to be.
 */
import type { Finding } from '../events.js';
import { createLineLexer, type LexFamily, type LineLexer, lexFamily } from './codeLexInternals.js';
import {
  type AnswerLine,
  checkStopSequences,
  createLineReader,
  feedLines,
  type LineReader,
  settleLines,
} from './lineReaderInternals.js';
import type { Scorer } from './scorer.js';
import {
  cachedReport,
  createReportCache,
  finding,
  type HeuristicScorerOptions,
  penaltyValue,
  type ReportCache,
  type SeverityWeights,
  type Where,
} from './scoringInternals.js';

/**
 * Options of `createPerformanceScorer`.
 * Defaults: `name` `'performance'`, `weights` `{ error: 1, warning: 0.2, info: 0 }`.
 */
export interface PerformanceScorerOptions extends HeuristicScorerOptions {}

interface Loop {
  /** Python: the header's indentation; brace languages: the bracket depth before the header. */
  readonly level: number;
  /** The collection iterated, normalized (`xs` for `range(len(xs))`), when known. */
  readonly key: string | undefined;
  /** Brace languages: whether the body opened a bracket (else it is the next line only). */
  opened: boolean;
  /** Brace languages: lines seen since the header (a one-line body ends after 1). */
  lines: number;
}

interface BlockState {
  readonly index: number;
  readonly family: LexFamily;
  readonly language: string | undefined;
  readonly lexer: LineLexer;
  readonly loops: Loop[];
  depth: number;
  readonly lists: Set<string>;
  readonly strings: Set<string>;
}

/** The performance scorer's per-variant state. */
export interface PerformanceState {
  readonly reader: LineReader;
  readonly cache: ReportCache;
  readonly findings: Finding[];
  block: BlockState | undefined;
}

const MAX_STORED_FINDINGS = 100;
const PY_FOR = /^\s*(?:async\s+)?for\s+(.+?)\s+in\s+(.+?)\s*:\s*(?:#.*)?$/;
const PY_WHILE = /^\s*while\b.*:\s*$/;
const PY_COMPREHENSION_FOR = /\bfor\s+[\w\s,()]+?\s+in\s+([^\s\]):,]+(?:\([^()]*\))?[^\s\]):,]*)/g;
const BRACE_FOR = /^\s*(?:for\s*(?:await\s*)?\(|while\s*\()/;
const CALLBACK_LOOP = /([\w$.[\]]+)\.(?:forEach|map|filter|reduce|some|every|flatMap|find|findIndex)\s*\(/;
const JAVA_LIKE = new Set(['java', 'csharp', 'kotlin', 'scala']);

/**
 * Normalizes a loop's collection so that `range(len(xs))`, `enumerate(xs)`, `xs[1:]`,
 * `xs.items()`, `range(i + 1, len(xs))` and `xs` all read `xs`, and `range(n)` reads `n`;
 * undefined when the expression is not a plain name after that (`zip(a, b)`).
 *
 * @example
 * collectionKey('range(i + 1, len(numbers))'); // → 'numbers'
 */
export function collectionKey(expression: string): string | undefined {
  let e = expression.trim().replace(/\s+/g, '');
  for (let i = 0; i < 4; i++) {
    const before = e;
    e = e
      .replace(/^(?:enumerate|reversed|sorted|list|set|tuple|iter)\((.*)\)$/, '$1')
      .replace(/^range\((?:[^,()]*,)?len\((.*)\)(?:[-+]\d+)?\)$/, '$1')
      .replace(/^range\((?:[^,()]*,)?([\w.]+)(?:[-+]\d+)?\)$/, '$1')
      .replace(/^(.*)\.(?:items|keys|values)\(\)$/, '$1')
      .replace(/^(.*)\[[^[\]]*:[^[\]]*\]$/, '$1')
      .replace(/^(?:Object\.(?:keys|values|entries))\((.*)\)$/, '$1');
    if (e === before) break;
  }
  return /^[A-Za-z_$][\w$.]*$/.test(e) ? e : undefined;
}

/**
 * Creates the performance scorer. Heuristics over code blocks (masked: strings and comments do
 * not count), with the loop nesting tracked by indentation (Python) or brackets (JS/TS, Java, C,
 * Go, Rust…):
 * - `nested_loop_same_collection` (warning): a loop inside a loop over the same collection
 *   (`for a in xs: for b in xs`, `for j in range(i + 1, len(xs))` inside `for i in range(len(xs))`,
 *   nested `range(n)`, two `for` clauses over one collection in a comprehension): O(n²) where a
 *   set, a dict or sorting often gives O(n) or O(n log n). Correct code can be quadratic; it is a
 *   warning, not an error.
 * - work repeated inside a loop (warnings): `sorted(…)`/`.sort(` (`sort_in_loop`); `.index(`,
 *   `.count(`, `.includes(`, `.indexOf(`, `.find(`, and `x in ys` where `ys` was built as a list
 *   (`linear_search_in_loop`); `re.compile(`/`new RegExp(` (`regex_compile_in_loop`);
 *   `.insert(0, …)`/`.pop(0)` (`front_of_list_in_loop`). `len(x)` and `.length` are fine.
 * - `quadratic_string_building` (warning in Python and Java-like languages, info in JS where
 *   engines use ropes): `s += …` or `s = s + …` inside a loop where `s` is a string.
 * - `await_in_loop` (info): `await` inside a loop runs independent items one after another;
 *   `Promise.all` may be what was meant.
 *
 * Score: `1 / (1 + Σ weight)` (warning 0.2, info 0; at most 3 per code), so 1 unless something is
 * found, and 0.625 at worst for one kind of finding.
 *
 * @example
 * const scorer = createPerformanceScorer();
 * let s = scorer.init({ prompt: 'Find duplicates', variant: 'a' });
 * s = scorer.feed(s, '```python\nfor a in xs:\n    for b in xs:\n        pass\n```\n');
 * scorer.score(s, true); // → { value: 0.83, findings: [{ code: 'nested_loop_same_collection', line: 3, … }] }
 */
export function createPerformanceScorer(options: PerformanceScorerOptions = {}): Scorer<PerformanceState> {
  const name = options.name ?? 'performance';
  if (typeof name !== 'string' || name === '') throw new TypeError('`name` must be a non-empty string');
  const weights: SeverityWeights = { error: 1, warning: 0.2, info: 0, ...options.weights };
  for (const [key, w] of Object.entries(weights)) {
    if (typeof w !== 'number' || !(w >= 0) || !Number.isFinite(w)) {
      throw new TypeError(`\`weights.${key}\` must be a finite number ≥ 0, got ${String(w)}`);
    }
  }
  const stopSequences = checkStopSequences(options.stopSequences);

  return {
    name,
    version: '1',
    init(context) {
      const reader = createLineReader(
        context,
        { line: (l) => onLine(state, l), blockEnd: () => (state.block = undefined) },
        { stopSequences },
      );
      const state: PerformanceState = { reader, cache: createReportCache(), findings: [], block: undefined };
      return state;
    },
    feed: feedLines,
    score(state, done) {
      settleLines(state, done);
      return cachedReport(state.cache, done, () => ({
        value: penaltyValue(state.findings, weights),
        findings: [...state.findings],
      }));
    },
  };
}

function push(state: PerformanceState, f: Finding): void {
  if (state.findings.length < MAX_STORED_FINDINGS) state.findings.push(f);
}

function onLine(state: PerformanceState, l: AnswerLine): void {
  if (l.kind !== 'code') return;
  if (state.block === undefined || state.block.index !== l.block) {
    const family = lexFamily(l.language);
    state.block = {
      index: l.block,
      family,
      language: l.language,
      lexer: createLineLexer(family),
      loops: [],
      depth: 0,
      lists: new Set(),
      strings: new Set(),
    };
  }
  const block = state.block;
  const { code } = block.lexer.lex(l.text);
  if (code.trim() === '') return;
  const where: Where = { offset: l.offset, line: l.line };
  const report = (f: Finding): void => {
    if (!l.prefix) push(state, f);
  };
  if (block.family === 'python') pythonLine(block, code, where, report);
  else if (block.family === 'js' || block.family === 'c') braceLine(block, code, where, report);
}

function remember(block: BlockState, code: string): void {
  const assign = /^\s*([A-Za-z_]\w*)\s*(?::\s*([\w[\], ]+))?\s*=(?!=)\s*(.*)$/.exec(code);
  if (assign) {
    const [, target, annotation, value] = assign as unknown as [string, string, string | undefined, string];
    if (/^(?:\[|list\(|sorted\(|[\w.]+\.split\()/.test(value) || /^(?:List|list)\b/.test(annotation ?? ''))
      block.lists.add(target);
    else block.lists.delete(target);
    if (/^(?:[rbuf]{0,2}["']|str\(|String\(|`)/i.test(value) || /^str\b/.test(annotation ?? ''))
      block.strings.add(target);
    else if (!/^\s*\w+\s*\+/.test(value)) block.strings.delete(target);
  }
  // parameters annotated as lists: `def f(xs: List[int], s: str)`
  if (/^\s*(?:async\s+)?def\s/.test(code)) {
    for (const m of code.matchAll(/([A-Za-z_]\w*)\s*:\s*(List|list|str)\b/g)) {
      (m[2] === 'str' ? block.strings : block.lists).add(m[1]!);
    }
  }
  // Java/C#/TS declarations of strings: `String s = ""`, `let s = ''`
  const declared =
    /\b(?:String|string|let|var|const)\s+([A-Za-z_$][\w$]*)\s*(?::\s*string\s*)?=\s*["'`]/.exec(code);
  if (declared) block.strings.add(declared[1]!);
}

function pythonLine(block: BlockState, code: string, where: Where, report: (f: Finding) => void): void {
  const indent = /^\s*/.exec(code)![0].length;
  while (block.loops.length > 0 && block.loops[block.loops.length - 1]!.level >= indent) block.loops.pop();
  const header = PY_FOR.exec(code);
  const inLoop = block.loops.length > 0;
  // the body of the line, without a `for` header's target and iterable (checked separately)
  const body = header ? '' : code;
  if (inLoop) repeatedWork(block, body, where, report, 'python');
  if (header) {
    const key = collectionKey(header[2]!);
    if (inLoop) repeatedWork(block, header[2]!, where, report, 'python');
    if (key !== undefined && block.loops.some((loop) => loop.key === key)) {
      report(finding('nested_loop_same_collection', 'warning', `Nested loops over \`${key}\`: O(n²)`, where));
    }
    block.loops.push({ level: indent, key, opened: true, lines: 0 });
  } else if (PY_WHILE.test(code)) {
    block.loops.push({ level: indent, key: undefined, opened: true, lines: 0 });
  } else {
    // comprehensions: two `for` clauses over one collection, or one over an enclosing loop's
    const clauses = [...code.matchAll(PY_COMPREHENSION_FOR)];
    if (clauses.length > 0 && !inLoop) repeatedWork(block, code, where, report, 'python', true);
    const keys = clauses.map((m) => collectionKey(m[1]!));
    const seen = new Set(block.loops.map((loop) => loop.key).filter((k) => k !== undefined));
    for (const key of keys) {
      if (key === undefined) continue;
      if (seen.has(key)) {
        report(
          finding('nested_loop_same_collection', 'warning', `Nested loops over \`${key}\`: O(n²)`, where),
        );
        break;
      }
      seen.add(key);
    }
  }
  remember(block, code);
}

/** `searchOnly`: the loop is on the same line (a comprehension or a callback), whose iterable runs once. */
function repeatedWork(
  block: BlockState,
  code: string,
  where: Where,
  report: (f: Finding) => void,
  family: 'python' | 'brace',
  searchOnly = false,
): void {
  if (code === '') return;
  if (!searchOnly && /(?<![\w.])sorted\s*\(|\.sort\s*\(/.test(code)) {
    report(finding('sort_in_loop', 'warning', 'Sorting inside a loop: sort once outside it', where));
  }
  if (
    /\.(?:index|count|includes|indexOf|lastIndexOf|findIndex)\s*\(/.test(code) ||
    (family === 'brace' && /\.find\s*\(/.test(code))
  ) {
    report(
      finding(
        'linear_search_in_loop',
        'warning',
        'A linear search inside a loop: O(n²); a set or a map is O(1)',
        where,
      ),
    );
  } else if (family === 'python') {
    for (const m of code.matchAll(/\b(?:not\s+)?in\s+([A-Za-z_]\w*)\b(?!\s*[.([])/g)) {
      if (!block.lists.has(m[1]!) || /\bfor\s+[\w\s,()]*$/.test(code.slice(0, m.index))) continue;
      report(
        finding(
          'linear_search_in_loop',
          'warning',
          `\`in ${m[1]}\` on a list inside a loop: O(n²); a set is O(1)`,
          where,
        ),
      );
      break;
    }
  }
  if (searchOnly) return;
  if (/\bre\.compile\s*\(|\bnew\s+RegExp\s*\(/.test(code)) {
    report(
      finding('regex_compile_in_loop', 'warning', 'A regular expression compiled on every iteration', where),
    );
  }
  if (/\.insert\s*\(\s*0\s*,|\.pop\s*\(\s*0\s*\)/.test(code)) {
    report(
      finding(
        'front_of_list_in_loop',
        'warning',
        'Inserting or removing at the front of a list in a loop: O(n) each',
        where,
      ),
    );
  }
  if (/\bawait\b/.test(code)) {
    report(
      finding(
        'await_in_loop',
        'info',
        '`await` inside a loop runs independent items one by one (Promise.all/gather?)',
        where,
      ),
    );
  }
  const concat = /^\s*([A-Za-z_$][\w$]*)\s*(?:\+=|=\s*\1\s*\+)\s*(.*)$/.exec(code);
  if (concat) {
    const [, target, rhs] = concat as unknown as [string, string, string];
    const stringy = block.strings.has(target) || /^(?:[rbuf]{0,2}["']|str\(|String\(|`)/i.test(rhs);
    if (stringy) {
      const severity = family === 'python' || JAVA_LIKE.has(block.language ?? '') ? 'warning' : 'info';
      report(
        finding(
          'quadratic_string_building',
          severity,
          `\`${target}\` grows by concatenation in a loop: O(n²); join a list instead`,
          where,
        ),
      );
    }
  }
}

function braceLine(block: BlockState, code: string, where: Where, report: (f: Finding) => void): void {
  // leave loops whose body has ended: a bracketed body when the depth falls back, else one line
  const startDepth = block.depth;
  while (block.loops.length > 0) {
    const loop = block.loops[block.loops.length - 1]!;
    const ended = loop.opened
      ? startDepth <= loop.level || (/^\s*[}\])]/.test(code) && startDepth - 1 <= loop.level)
      : loop.lines >= 1;
    if (!ended) break;
    block.loops.pop();
  }
  for (const loop of block.loops) loop.lines += 1;
  const inLoop = block.loops.length > 0;
  const header = BRACE_FOR.test(code);
  const callback = CALLBACK_LOOP.exec(code);
  if (inLoop) repeatedWork(block, header ? '' : code, where, report, 'brace');
  block.depth += balance(code);
  if (header || callback) {
    const key = header ? braceKey(code) : collectionKey(callback![1]!);
    if (key !== undefined && block.loops.some((loop) => loop.key === key)) {
      report(finding('nested_loop_same_collection', 'warning', `Nested loops over \`${key}\`: O(n²)`, where));
    }
    // a loop whose body is on this line (`for (…) x++;`, `xs.forEach(f)`) has none on later lines
    const oneLine = block.depth <= startDepth && (/;\s*$/.test(code) || (callback !== null && !header));
    if (oneLine && callback !== null && !inLoop) {
      repeatedWork(block, code.slice(callback.index + callback[0].length), where, report, 'brace', true);
    }
    if (!oneLine) block.loops.push({ level: startDepth, key, opened: block.depth > startDepth, lines: 0 });
  }
  remember(block, code);
}

function braceKey(code: string): string | undefined {
  const of =
    /\(\s*(?:const|let|var|final|auto|[\w<>[\]]+)?\s*[\w$[\]{},\s]+\s+(?:of|in|:)\s+([\w$.]+)\s*\)/.exec(
      code,
    );
  if (of) return collectionKey(of[1]!);
  const bound =
    /<=?\s*([\w$.]+?)\.(?:length|size\(\)|Count|len\(\))/.exec(code) ?? /<=?\s*len\(([\w$.]+)\)/.exec(code);
  if (bound) return bound[1];
  const plain = /;\s*\w+\s*<=?\s*([A-Za-z_$][\w$]*)\s*;/.exec(code);
  return plain?.[1];
}

function balance(code: string): number {
  let n = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) n += 1;
    else if (c === 41 || c === 93 || c === 125) n -= 1;
  }
  return n;
}
