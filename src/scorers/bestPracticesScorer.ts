/**
 * Best practices: language pitfalls, placeholders, and answers that were cut off.
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
 * Options of `createBestPracticesScorer`.
 * Defaults: `name` `'bestPractices'`, `weights` `{ error: 1, warning: 0.25, info: 0 }`.
 */
export interface BestPracticesScorerOptions extends HeuristicScorerOptions {
  /** Run the language checks (Python, JS/TS); placeholders and cut-offs are always checked. @defaultValue true */
  readonly languageChecks?: boolean;
}

interface BlockState {
  readonly index: number;
  readonly language: string | undefined;
  readonly family: LexFamily;
  readonly lexer: LineLexer;
  depth: number;
  lastCode: string;
  lastWhere: Where;
  /** Python: a `def` whose body so far is only a docstring. */
  defIndent: number;
  stub: (Where & { indent: number }) | undefined;
  pendingThen: (Where & { depth: number }) | undefined;
  readonly asyncFunctions: Set<string>;
}

/** The best-practices scorer's per-variant state. */
export interface BestPracticesState {
  readonly reader: LineReader;
  readonly cache: ReportCache;
  readonly findings: Finding[];
  block: BlockState | undefined;
  /** The last block that ended: its bracket depth and whether a string/comment was left open. */
  lastBlock:
    | { depth: number; open: boolean; closed: boolean; lastCode: string; family: LexFamily; where: Where }
    | undefined;
  /** The last non-blank line: prose or code, and its text. */
  last: { kind: 'prose' | 'code' | 'fence'; text: string; where: Where } | undefined;
}

const MAX_STORED_FINDINGS = 100;

const PROSE_PLACEHOLDER =
  /\b(?:(?:the\s+)?rest of (?:the|your|this) (?:code|implementation|function|logic|file|class|program|methods?)(?: (?:remains|stays|is) (?:the same|unchanged))?|(?:your|the) (?:code|implementation|logic) (?:goes )?here|implementation (?:is )?left (?:as an exercise|to the reader|out)|left as an exercise(?: for the reader)?|(?:fill|add) in the (?:rest|details|remaining (?:code|logic|parts?))|(?:same|similar) (?:as|to) (?:above|before) for the rest)\b/i;
const COMMENT_PLACEHOLDER =
  /^\s*(?:\.{3}|…)\s*$|\b(?:rest of (?:the )?(?:code|implementation|function|logic|methods?)|(?:your|the) (?:code|implementation|logic) (?:goes )?here|implement(?:ation)? (?:this|here|goes here|me|later)|add (?:your|more|the) (?:code|logic|implementation)|(?:code|logic) (?:goes )?here|fill (?:this )?in|not implemented|\.\.\. ?(?:more|etc|and so on))\b/i;
const TODO = /\b(?:TODO|FIXME|XXX|HACK)\b/;
const TERMINAL = /[.!?:;)\]}"'`*_>…|$%\d]\s*$|[\p{Extended_Pictographic}]\s*$/u;
const DANGLING =
  /(?:,|\b(?:and|or|then|so|if|when|the|a|an|of|to|with|for|in|on|is|are|that|which|but|because|by|from|as))\s*$/i;
const LIST_OR_HEADING = /^\s*(?:[-*+•]\s|\d{1,3}[.)]\s|#{1,6}\s|\||>)/;

/**
 * Creates the best-practices scorer.
 *
 * Checks, per language (the fence's, or detected; masked code so strings and comments do not
 * count):
 * - Python: bare `except:`; mutable default arguments (`def f(x=[])`); `eval`/`exec`;
 *   `from m import *`; `== None` / `!= None` (warnings).
 * - JavaScript/TypeScript: `var`; `==`/`!=` (not `== null`); `: any`, `as any`, `<any>` (TS);
 *   `.then(` with no `.catch(` in the same statement, and statements that start an unawaited
 *   `fetch(`, `new Promise(` or a call of an `async` function defined in the block (floating
 *   promises); `eval`/`new Function` (warnings); `console.log` (info: fine in a script, noise in a
 *   library).
 * - Everywhere: placeholders — comments such as "rest of the code here", `# ...`, `// ...`,
 *   "implement this"; a line that is only `...`; a Python function whose body is only `pass` or
 *   `...`; prose such as "the rest of the code remains the same", "left as an exercise" (errors:
 *   the answer is not complete); `TODO`/`FIXME` comments (warning).
 * - Cut-off, when the text has ended: a code block left open (error); the last block ends with
 *   unbalanced brackets, an open string or comment, or a Python `…:` header with no body (error);
 *   the last line is prose without terminal punctuation (warning; error when it ends with a comma
 *   or a word like "and"/"the"). Lists, headings and tables are not prose sentences.
 *
 * Score: `1 / (1 + Σ weight)` over the findings (error 1, warning 0.25, info 0; at most 3 per
 * code).
 *
 * @example
 * const scorer = createBestPracticesScorer();
 * let s = scorer.init({ prompt: 'Parse it', variant: 'a' });
 * s = scorer.feed(s, '```python\ntry:\n    x = int(s)\nexcept:\n    pass\n```\n');
 * scorer.score(s, true); // → { value: 0.8, findings: [{ code: 'bare_except', line: 4, … }] }
 */
export function createBestPracticesScorer(
  options: BestPracticesScorerOptions = {},
): Scorer<BestPracticesState> {
  const name = options.name ?? 'bestPractices';
  if (typeof name !== 'string' || name === '') throw new TypeError('`name` must be a non-empty string');
  if (options.languageChecks !== undefined && typeof options.languageChecks !== 'boolean') {
    throw new TypeError(`\`languageChecks\` must be a boolean, got ${String(options.languageChecks)}`);
  }
  const weights: SeverityWeights = { error: 1, warning: 0.25, info: 0, ...options.weights };
  for (const [key, w] of Object.entries(weights)) {
    if (typeof w !== 'number' || !(w >= 0) || !Number.isFinite(w)) {
      throw new TypeError(`\`weights.${key}\` must be a finite number ≥ 0, got ${String(w)}`);
    }
  }
  const languageChecks = options.languageChecks ?? true;
  const stopSequences = checkStopSequences(options.stopSequences);

  return {
    name,
    version: '1',
    init(context) {
      const reader = createLineReader(
        context,
        {
          line: (l) => onLine(state, l, languageChecks),
          blockEnd: (_block, closed) => onBlockEnd(state, closed),
        },
        { stopSequences },
      );
      const state: BestPracticesState = {
        reader,
        cache: createReportCache(),
        findings: [],
        block: undefined,
        lastBlock: undefined,
        last: undefined,
      };
      return state;
    },
    feed: feedLines,
    score(state, done) {
      settleLines(state, done);
      return cachedReport(state.cache, done, () => {
        const findings = done ? [...state.findings, ...cutOff(state)] : state.findings;
        return { value: penaltyValue(findings, weights), findings: [...findings] };
      });
    },
  };
}

function push(state: BestPracticesState, f: Finding): void {
  if (state.findings.length < MAX_STORED_FINDINGS) state.findings.push(f);
}

function onLine(state: BestPracticesState, l: AnswerLine, languageChecks: boolean): void {
  const where: Where = { offset: l.offset, line: l.line };
  if (l.kind === 'prose') {
    if (l.text.trim() === '') return;
    state.last = { kind: 'prose', text: l.text, where };
    const m = PROSE_PLACEHOLDER.exec(l.text);
    if (m) push(state, finding('placeholder', 'error', `Placeholder instead of content: "${m[0]}"`, where));
    return;
  }
  if (l.kind === 'fence') {
    if (!l.prefix) state.last = { kind: 'fence', text: l.text, where };
    return;
  }
  if (state.block === undefined || state.block.index !== l.block) {
    const family = lexFamily(l.language);
    state.block = {
      index: l.block,
      language: l.language,
      family,
      lexer: createLineLexer(family),
      depth: 0,
      lastCode: '',
      lastWhere: where,
      defIndent: -1,
      stub: undefined,
      pendingThen: undefined,
      asyncFunctions: new Set(),
    };
  }
  const block = state.block;
  const { code, comment } = block.lexer.lex(l.text);
  const depthBefore = block.depth;
  block.depth += bracketBalance(code);
  if (code.trim() !== '' || comment.trim() !== '') {
    if (!l.prefix) state.last = { kind: 'code', text: l.text, where };
    if (code.trim() !== '') {
      block.lastCode = code;
      block.lastWhere = where;
    }
  }
  if (l.prefix) {
    // the prefix is not the answer's doing; it only sets the context (e.g. an open `def`)
    if (block.family === 'python') trackStub(state, block, code, where, true);
    return;
  }
  if (comment !== '') {
    const placeholder = COMMENT_PLACEHOLDER.exec(comment);
    if (placeholder) {
      push(
        state,
        finding('placeholder', 'error', `Placeholder comment: "${comment.trim().slice(0, 60)}"`, where),
      );
    } else if (TODO.test(comment)) {
      push(
        state,
        finding(
          'todo',
          'warning',
          `Unfinished work marked in a comment: "${comment.trim().slice(0, 60)}"`,
          where,
        ),
      );
    }
  }
  const trimmed = code.trim();
  if (
    trimmed === '...' ||
    trimmed === '…' ||
    (block.family !== 'python' && /^\{\s*\.\.\.\s*\}$/.test(trimmed))
  ) {
    push(state, finding('placeholder', 'error', '`...` stands in for code', where));
  }
  if (block.family === 'python') {
    trackStub(state, block, code, where, false);
    if (languageChecks) pythonChecks(state, code, where);
  } else if (block.family === 'js' && languageChecks) {
    jsChecks(state, block, code, where, depthBefore);
  }
}

function onBlockEnd(state: BestPracticesState, closed: boolean): void {
  const block = state.block;
  if (block !== undefined) {
    if (block.stub !== undefined) commitStub(state, block);
    if (block.pendingThen !== undefined) {
      push(
        state,
        finding(
          'unhandled_promise',
          'warning',
          '`.then(` without `.catch(`: a rejection goes unhandled',
          block.pendingThen,
        ),
      );
    }
    state.lastBlock = {
      depth: block.depth,
      open: block.lexer.open,
      closed,
      lastCode: block.lastCode,
      family: block.family,
      where: block.lastWhere,
    };
  } else {
    state.lastBlock = {
      depth: 0,
      open: false,
      closed,
      lastCode: '',
      family: 'plain',
      where: { offset: undefined, line: undefined },
    };
  }
  if (!closed) {
    push(
      state,
      finding(
        'cut_off',
        'error',
        'The answer ends inside a code block (no closing fence)',
        state.lastBlock.where,
      ),
    );
  }
  state.block = undefined;
}

function bracketBalance(code: string): number {
  let n = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) n += 1;
    else if (c === 41 || c === 93 || c === 125) n -= 1;
  }
  return n;
}

/** Python stubs: a `def` whose body (after an optional docstring) is only `pass` or `...`. */
function trackStub(
  state: BestPracticesState,
  block: BlockState,
  code: string,
  where: Where,
  prefix: boolean,
): void {
  if (code.trim() === '' || !/[\w.]/.test(code)) return; // blank, or a docstring line (masked)
  const indent = /^\s*/.exec(code)![0].length;
  if (block.stub !== undefined) {
    if (indent > block.stub.indent)
      block.stub = undefined; // more body after the pass: not a stub
    else commitStub(state, block);
  }
  if (/^\s*(?:async\s+)?def\s/.test(code)) {
    block.defIndent = indent;
    return;
  }
  if (block.defIndent !== -1 && indent > block.defIndent && /^\s*pass\s*$/.test(code) && !prefix) {
    block.stub = { ...where, indent: block.defIndent };
  }
  block.defIndent = -1;
}

function commitStub(state: BestPracticesState, block: BlockState): void {
  const stub = block.stub;
  if (stub !== undefined) {
    // `pass  # implement this` was already reported as a placeholder comment
    const already = state.findings.some(
      (f) => f.code === 'placeholder' && f.offset === stub.offset && f.line === stub.line,
    );
    if (!already) push(state, finding('placeholder', 'error', 'A function whose body is only `pass`', stub));
    block.stub = undefined;
  }
}

function pythonChecks(state: BestPracticesState, code: string, where: Where): void {
  if (/^\s*except\s*:/.test(code)) {
    push(
      state,
      finding(
        'bare_except',
        'warning',
        'Bare `except:` also catches KeyboardInterrupt and SystemExit',
        where,
      ),
    );
  }
  if (/^\s*(?:async\s+)?def\s/.test(code) && /=\s*(?:\[|\{|list\(\s*\)|dict\(\s*\)|set\(\s*\))/.test(code)) {
    push(
      state,
      finding('mutable_default', 'warning', 'Mutable default argument: it is shared between calls', where),
    );
  }
  if (/(?<![\w.])(?:eval|exec)\s*\(/.test(code)) {
    push(state, finding('eval', 'warning', '`eval`/`exec` runs arbitrary code', where));
  }
  if (/^\s*from\s+\S+\s+import\s+\*/.test(code)) {
    push(state, finding('import_star', 'warning', '`import *` hides where names come from', where));
  }
  if (/[!=]=\s*None\b|\bNone\s*[!=]=/.test(code)) {
    push(
      state,
      finding('none_comparison', 'warning', 'Compare with `is None` / `is not None`, not `==`', where),
    );
  }
}

function jsChecks(
  state: BestPracticesState,
  block: BlockState,
  code: string,
  where: Where,
  depthBefore: number,
): void {
  if (/(?<![\w$.])var\s+[A-Za-z_$[{]/.test(code)) {
    push(state, finding('var', 'warning', '`var` is function-scoped; use `let` or `const`', where));
  }
  for (const m of code.matchAll(/(?<![=!<>])(==|!=)(?!=)\s*(\S*)/g)) {
    if (/^(?:null|undefined)\b/.test(m[2]!) || /(?:null|undefined)\s*$/.test(code.slice(0, m.index)))
      continue;
    push(state, finding('loose_equality', 'warning', `\`${m[1]}\` coerces types; use \`${m[1]}=\``, where));
    break;
  }
  if (
    (block.language === 'typescript' || block.language === 'tsx') &&
    /:\s*any\b|\bas\s+any\b|<any>|\bany\[\]/.test(code)
  ) {
    push(state, finding('any', 'warning', '`any` turns type checking off', where));
  }
  if (/(?<![\w$.])eval\s*\(|\bnew\s+Function\s*\(/.test(code)) {
    push(state, finding('eval', 'warning', '`eval`/`new Function` runs arbitrary code', where));
  }
  if (/\bconsole\.log\s*\(/.test(code)) {
    push(state, finding('console_log', 'info', '`console.log` left in the code', where));
  }
  // promises: `.then(` without `.catch(` in the same statement
  const pending = block.pendingThen;
  if (pending !== undefined) {
    if (/\.catch\s*\(/.test(code)) block.pendingThen = undefined;
    else if (depthBefore <= pending.depth && !/^\s*[.)\]}]/.test(code) && code.trim() !== '') {
      push(
        state,
        finding(
          'unhandled_promise',
          'warning',
          '`.then(` without `.catch(`: a rejection goes unhandled',
          pending,
        ),
      );
      block.pendingThen = undefined;
    }
  }
  const statementStart = !/^\s*[.)\]}]/.test(code);
  if (
    /\.then\s*\(/.test(code) &&
    !/\.catch\s*\(/.test(code) &&
    !/^\s*(?:return|await|yield|export)\b|\bawait\b|(?:^|[^=!<>])=(?![=>])[^=]*\.then/.test(code) &&
    block.pendingThen === undefined
  ) {
    block.pendingThen = { ...where, depth: statementStart ? depthBefore : Math.max(0, depthBefore - 1) };
  }
  for (const m of code.matchAll(
    /\basync\s+function\s*\*?\s*([A-Za-z_$][\w$]*)|\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*async\b/g,
  )) {
    block.asyncFunctions.add((m[1] ?? m[2])!);
  }
  const call = /^\s*([A-Za-z_$][\w$]*)\s*\(/.exec(code);
  if (
    /^\s*(?:fetch\s*\(|new\s+Promise\s*\()/.test(code) ||
    (call !== null && block.asyncFunctions.has(call[1]!) && !/^\s*(?:async\s+)?function\b/.test(code))
  ) {
    push(
      state,
      finding('floating_promise', 'warning', 'A promise is started and never awaited or handled', where),
    );
  }
}

function cutOff(state: BestPracticesState): Finding[] {
  const out: Finding[] = [];
  const last = state.last;
  if (last === undefined) return out;
  const block = state.lastBlock;
  if (last.kind !== 'prose' && block !== undefined) {
    if (block.depth > 0) {
      out.push(
        finding(
          'cut_off',
          'error',
          `The last code block ends with ${block.depth} unclosed bracket(s)`,
          block.where,
        ),
      );
    } else if (block.open) {
      out.push(
        finding('cut_off', 'error', 'The last code block ends inside a string or comment', block.where),
      );
    } else if (
      block.family === 'python' &&
      /^\s*(?:(?:async\s+)?def|class|if|elif|else|for|while|with|try|except|finally)\b.*:\s*$/.test(
        block.lastCode,
      )
    ) {
      out.push(finding('cut_off', 'error', 'The code ends with a block header and no body', block.where));
    }
    return out;
  }
  if (last.kind === 'prose') {
    const text = last.text.trimEnd();
    if (LIST_OR_HEADING.test(text) || TERMINAL.test(text)) return out;
    if (text.split(/\s+/).length < 4) return out;
    const dangling = DANGLING.test(text);
    out.push(
      finding(
        'cut_off',
        dangling ? 'error' : 'warning',
        `The answer ends mid-sentence: "…${text.slice(-40)}"`,
        last.where,
      ),
    );
  }
  return out;
}
