/**
 * Consistency: does the answer agree with itself?
 */
import { assertNever, type Finding } from '../events.js';
import { findArithmeticClaims } from './arithmeticInternals.js';
import { createLineLexer, type LineLexer, lexFamily } from './codeLexInternals.js';
import { createNameTracker, type NameTracker, type Site } from './codeNamesInternals.js';
import {
  type AnswerLine,
  checkStopSequences,
  createLineReader,
  feedLines,
  type LineReader,
  settleLines,
} from './lineReaderInternals.js';
import type { ScoreContext, Scorer } from './scorer.js';
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
import { findFinalAnswers, isConclusion, sentenceNumbers, sentences } from './statedResultsInternals.js';

/**
 * Options of `createConsistencyScorer`.
 * Defaults: `name` `'consistency'`, `weights` `{ error: 1, warning: 0.35, info: 0 }`.
 */
export interface ConsistencyScorerOptions extends HeuristicScorerOptions {
  /** Check prose: final answers, stated results, arithmetic. @defaultValue true */
  readonly text?: boolean;
  /** Check code: undefined names, unused definitions. @defaultValue true */
  readonly code?: boolean;
}

interface NumericSentence extends Where {
  readonly conclusion: boolean;
  readonly numbers: readonly string[];
  readonly text: string;
}

/** The consistency scorer's per-variant state. */
export interface ConsistencyState {
  readonly context: ScoreContext;
  readonly reader: LineReader;
  readonly cache: ReportCache;
  /** Findings that never change once made (arithmetic, contradictions). */
  readonly findings: Finding[];
  claims: number;
  /** Distinct final answers, by value, with where each was first stated. */
  readonly answers: Map<string, Where & { display: string }>;
  lastAnswer: string | undefined;
  /** The last `\boxed{}` value (earlier boxed values may be intermediate results). */
  lastBoxed: { value: string; where: Where & { display: string } } | undefined;
  /** Final answers whose preceding concluding sentence does not contain them, by value. */
  readonly contradictions: Map<string, NumericSentence>;
  lastNumeric: NumericSentence | undefined;
  /** Numbers of the prompt (a stated result is a new number). */
  readonly promptNumbers: ReadonlySet<string>;
  readonly names: Map<'python' | 'js', NameTracker>;
  lexer: LineLexer | undefined;
  lexerBlock: number;
  /** The name findings as of `lines` lines (see `nameFindings`). */
  nameCache: { readonly lines: number; readonly findings: readonly Finding[] } | undefined;
}

const MAX_STORED_FINDINGS = 50;
const MAX_PER_CODE = 20;
const MAX_SCAN = 500;
/** Below this many lines the name findings are refreshed with every report. */
const NAME_REFRESH_MIN_LINES = 64;
const ENTRY_LIKE = /^(?:main|test_\w*|_\w*|__\w+__|setUp|tearDown)$/;

/**
 * Creates the consistency scorer.
 *
 * Prose (complete lines outside code blocks, as they arrive):
 * - several *different* explicit final answers (`\boxed{}`, "the answer is", "Answer:", `####`)
 *   → `multiple_final_answers` (error);
 * - a concluding sentence ("Therefore…", "So…", "In total…") right before a final answer that
 *   does not contain that answer's value → `contradicts_final_answer` (warning);
 * - arithmetic claims that do not hold (`35 + 22 = 58`, chains, thousands separators, decimals,
 *   LaTeX; rounding to the written decimals is tolerated — the rules are in
 *   `arithmeticInternals.ts`) → `arithmetic_error` (error).
 *
 * Code (Python and JavaScript/TypeScript blocks, or the whole answer for raw code; the code
 * prefix counts as defined and used): a lexical approximation, not a syntax tree (see
 * `codeNamesInternals.ts`): names used but defined nowhere → `undefined_name` (error when called
 * or used as a module, else warning; off after `import *`); imports never used → `unused_import`
 * and parameters never used → `unused_parameter` (warnings); other functions, classes and
 * variables never used → `unused_definition` (info; the entry point, `main`, tests and `_names`
 * are exempt).
 *
 * Score: `1 / (1 + Σ weight)` over the findings (error 1, warning 0.35, info 0; at most 3 per
 * code); 1 when nothing is found.
 *
 * @example
 * const scorer = createConsistencyScorer();
 * let s = scorer.init({ prompt: 'Add them', variant: 'a', task: 'math' });
 * s = scorer.feed(s, '35 + 22 = 58, so the answer is 58.\n');
 * scorer.score(s, true); // → { value: 0.5, findings: [{ code: 'arithmetic_error', … }] }
 */
export function createConsistencyScorer(options: ConsistencyScorerOptions = {}): Scorer<ConsistencyState> {
  const name = options.name ?? 'consistency';
  if (typeof name !== 'string' || name === '') throw new TypeError('`name` must be a non-empty string');
  for (const key of ['text', 'code'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') {
      throw new TypeError(`\`${key}\` must be a boolean, got ${String(options[key])}`);
    }
  }
  const weights: SeverityWeights = { error: 1, warning: 0.35, info: 0, ...options.weights };
  for (const [key, w] of Object.entries(weights)) {
    if (typeof w !== 'number' || !(w >= 0) || !Number.isFinite(w)) {
      throw new TypeError(`\`weights.${key}\` must be a finite number ≥ 0, got ${String(w)}`);
    }
  }
  const checkText = options.text ?? true;
  const checkCode = options.code ?? true;
  const stopSequences = checkStopSequences(options.stopSequences);

  return {
    name,
    version: '1',
    init(context) {
      const reader = createLineReader(
        context,
        {
          line: (l) => onLine(state, l),
          blockEnd: () => onBlockEnd(state),
        },
        { stopSequences },
      );
      const state: ConsistencyState = {
        context,
        reader,
        cache: createReportCache(),
        findings: [],
        claims: 0,
        answers: new Map(),
        lastAnswer: undefined,
        lastBoxed: undefined,
        contradictions: new Map(),
        lastNumeric: undefined,
        promptNumbers: new Set(sentenceNumbers(context.prompt)),
        names: new Map(),
        nameCache: undefined,
        lexer: undefined,
        lexerBlock: -2,
      };
      return state;
    },
    feed: feedLines,
    score(state, done) {
      settleLines(state, done);
      return cachedReport(state.cache, done, () => {
        const findings = collect(state, done);
        return { value: penaltyValue(findings, weights), findings };
      });
    },
  };

  function onLine(state: ConsistencyState, l: AnswerLine): void {
    if (l.kind === 'prose') {
      if (checkText && !l.prefix) onProse(state, l);
      return;
    }
    if (l.kind === 'fence' || !checkCode) {
      if (l.kind === 'fence') state.lexer = undefined;
      return;
    }
    const family = lexFamily(l.language);
    if (family !== 'python' && family !== 'js') return;
    if (state.lexer === undefined || state.lexerBlock !== l.block) {
      state.lexer = createLineLexer(family);
      state.lexerBlock = l.block;
    }
    let names = state.names.get(family);
    if (names === undefined) {
      names = createNameTracker(family);
      state.names.set(family, names);
    }
    const { code } = state.lexer.lex(l.text);
    names.line(code, { offset: l.offset, line: l.line }, l.prefix);
  }

  function onBlockEnd(state: ConsistencyState): void {
    state.lexer = undefined;
    for (const names of state.names.values()) names.endBlock();
  }
}

function onProse(state: ConsistencyState, l: AnswerLine): void {
  const where: Where = { offset: l.offset, line: l.line };
  for (const claim of findArithmeticClaims(l.text)) {
    state.claims += 1;
    if (!claim.holds && state.findings.length < MAX_STORED_FINDINGS) {
      state.findings.push(
        finding(
          'arithmetic_error',
          'error',
          `${claim.text} does not hold (the left side is ${round(claim.left)})`,
          where,
        ),
      );
    }
  }
  let column = 0;
  for (const sentence of sentences(l.text)) {
    const at: Where = { offset: l.offset === undefined ? undefined : l.offset + column, line: l.line };
    column += sentence.length + 1;
    if (sentence.trim() === '') continue;
    const answers = findFinalAnswers(sentence);
    if (answers.length > 0) {
      // only a bare answer ("\boxed{64}", "The answer is 64.") leans on the sentence before it,
      // and only a plain statement ("So he pays $60.") states a result: not a step (`1 + 5`)
      let rest = sentence;
      for (const a of answers) rest = rest.replace(a.display, ' ');
      const bare = (rest.match(/\p{L}{2,}/gu) ?? []).length <= 3;
      const previous =
        bare && !/[+*×÷=]|\s[-/]\s/.test(state.lastNumeric?.text ?? '') ? state.lastNumeric : undefined;
      for (const a of answers) {
        // several boxed values are usually intermediate results: only the last boxed one counts
        if (a.boxed) state.lastBoxed = { value: a.value, where: { ...at, display: a.display } };
        else if (!state.answers.has(a.value)) state.answers.set(a.value, { ...at, display: a.display });
        // the stated result right before the answer should contain it
        if (
          previous?.conclusion === true &&
          previous.numbers.length > 0 &&
          !previous.numbers.includes(a.value)
        ) {
          state.contradictions.set(a.value, previous);
        }
        state.lastAnswer = a.value;
      }
      state.lastNumeric = { ...at, conclusion: false, numbers: [], text: sentence };
      continue;
    }
    // the sentence right before a final answer (blank lines aside); it states a result when it
    // concludes and has a number not copied from the question
    const numbers = sentenceNumbers(sentence);
    const states = numbers.some((n) => !state.promptNumbers.has(n));
    state.lastNumeric = { ...at, conclusion: states && isConclusion(sentence), numbers, text: sentence };
  }
}

function collect(state: ConsistencyState, done: boolean): Finding[] {
  const findings: Finding[] = [...state.findings];
  const answers = new Map(state.answers);
  if (state.lastBoxed !== undefined && !answers.has(state.lastBoxed.value)) {
    answers.set(state.lastBoxed.value, state.lastBoxed.where);
  }
  const last = state.lastAnswer;
  if (last !== undefined) {
    const conclusion = state.contradictions.get(last);
    if (conclusion !== undefined) {
      findings.push(
        finding(
          'contradicts_final_answer',
          'warning',
          `"${shorten(conclusion.text)}" does not state the final answer ${last}`,
          conclusion,
        ),
      );
    }
  }
  if (answers.size > 1) {
    for (const [value, where] of answers) {
      if (value === last) continue;
      findings.push(
        finding(
          'multiple_final_answers',
          'error',
          `Final answer ${value} (${shorten(where.display)}) differs from the last one, ${last}`,
          where,
        ),
      );
    }
  }
  findings.push(...nameFindings(state, done));
  return findings;
}

/**
 * The name findings (undefined names, unused definitions), refreshed when the answer has doubled in
 * lines since the last refresh, and always at the end. Recomputing them after every line made the
 * scorer's cost grow as lines × names (measured: 20.8x the time for 10x the tokens); with the
 * doubling schedule a streaming report may lag on names by up to half the answer, and the final
 * report is exact.
 */
function nameFindings(state: ConsistencyState, done: boolean): readonly Finding[] {
  const lines = state.reader.lines;
  const cached = state.nameCache;
  if (!done && cached !== undefined && lines >= NAME_REFRESH_MIN_LINES && lines < 2 * cached.lines) {
    return cached.findings;
  }
  const findings: Finding[] = [];
  // At most MAX_PER_CODE findings of one code, and a bounded scan of the name tables, so that a
  // report costs O(1) however long the answer (the score counts at most 3 per code anyway).
  const count = new Map<string, number>();
  const room = (code: string): boolean => (count.get(code) ?? 0) < MAX_PER_CODE;
  const push = (f: Finding): void => {
    count.set(f.code, (count.get(f.code) ?? 0) + 1);
    findings.push(f);
  };
  const entry = state.context.entryPoint;
  for (const [family, names] of state.names) {
    if (!names.starImport) {
      let scanned = 0;
      for (const name of names.unresolved) {
        if (!room('undefined_name') || ++scanned > MAX_SCAN) break;
        const use = names.uses.get(name);
        if (use === undefined || use.prefix) continue;
        push(
          finding(
            'undefined_name',
            use.hard ? 'error' : 'warning',
            `\`${name}\` is used but never defined or imported (${family})`,
            site(use),
          ),
        );
      }
    }
    let scanned = 0;
    for (const name of names.unused) {
      if (
        ++scanned > MAX_SCAN ||
        !(room('unused_import') || room('unused_parameter') || room('unused_definition'))
      )
        break;
      const def = names.definitions.get(name);
      if (def === undefined || name === entry || name.startsWith('_')) continue;
      switch (def.kind) {
        case 'import':
          // `React` is used implicitly by JSX (classic runtime)
          if (!def.prefix && name !== 'React' && room('unused_import'))
            push(finding('unused_import', 'warning', `\`${name}\` is imported but never used`, site(def)));
          break;
        case 'parameter':
          if (
            !/^(?:self|cls|args|kwargs|props|event|e|err|req|res|next)$/.test(name) &&
            room('unused_parameter')
          ) {
            push(finding('unused_parameter', 'warning', `Parameter \`${name}\` is never used`, site(def)));
          }
          break;
        case 'function':
        case 'class':
        case 'variable':
          if (!def.prefix && !ENTRY_LIKE.test(name) && room('unused_definition')) {
            push(finding('unused_definition', 'info', `\`${name}\` is defined but never used`, site(def)));
          }
          break;
        case 'method':
          break;
        default:
          assertNever(def.kind, 'definition kind');
      }
    }
  }
  state.nameCache = { lines, findings };
  return findings;
}

function site(s: Site): {
  offset?: number | undefined;
  line?: number | undefined;
  column?: number | undefined;
} {
  return { offset: s.offset, line: s.line, column: s.offset === undefined ? undefined : s.column };
}

function round(x: number): string {
  return String(Number(x.toPrecision(10)));
}

function shorten(text: string, max = 80): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}
