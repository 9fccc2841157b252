/**
 * Completeness: does the answer cover what the prompt asked for?
 */
import { assertNever, type Finding } from '../events.js';
import { createLineLexer, type LexFamily, type LineLexer, lexFamily } from './codeLexInternals.js';
import {
  describeRange,
  findClosing,
  matchDefinition,
  type ParamRange,
  parseParams,
  rangesOverlap,
} from './definitionsInternals.js';
import {
  type AnswerLine,
  checkStopSequences,
  createLineReader,
  type LineReader,
} from './lineReaderInternals.js';
import { extractRequirements, type Requirement, type Requirements } from './requirementsInternals.js';
import type { ScoreContext, ScoreReport, Scorer } from './scorer.js';
import {
  cachedReport,
  clamp01,
  createReportCache,
  finding,
  identifierParts,
  type ReportCache,
  stem,
  type Where,
} from './scoringInternals.js';

/** Options of `createCompletenessScorer`. */
export interface CompletenessScorerOptions {
  /** The scorer's name (its key in `ScoredSnapshot.scores`). @defaultValue `'completeness'` */
  readonly name?: string;
  /**
   * Share of an item's or clause's key terms that must appear in the answer for it to count as
   * covered; below it the item counts in proportion. @defaultValue 0.5
   */
  readonly termCoverage?: number;
  /**
   * Where continuation answers (with a `codePrefix`) are cut, by language (lines starting `\n…`).
   * @defaultValue HumanEval's for Python: `def `, `class `, `if `, `print`, `#` at a line start
   */
  readonly stopSequences?: Readonly<Record<string, readonly string[]>>;
}

interface Definition extends Where {
  readonly params: ParamRange | undefined;
}

interface PendingDefinition extends Where {
  readonly name: string;
  readonly family: LexFamily;
  text: string;
  readonly paren: number;
  lines: number;
}

/** The completeness scorer's per-variant state. */
export interface CompletenessState {
  readonly requirements: Requirements;
  readonly reader: LineReader;
  readonly cache: ReportCache;
  fed: number;
  /** The trailing, possibly unfinished word (and a dangling high surrogate). */
  carry: string;
  words: number;
  readonly terms: Map<string, number>;
  readonly names: Map<string, number>;
  readonly defined: Map<string, Definition[]>;
  pending: PendingDefinition | undefined;
  needleWindow: string;
  readonly needles: Map<number, number>;
  lexer: LineLexer | undefined;
  lexerBlock: number;
  /** A number that changes whenever the report may change (see `progress`). */
  signature: number;
  firstLine: 'json' | 'other' | undefined;
  tableRows: number;
  tableSeparator: boolean;
  listItems: number;
  readonly languages: Map<string, Where>;
  sentences: number;
  lines: number;
  body: Where | undefined;
  returns: Where | undefined;
}

const WORD = /[\p{L}\p{N}_]+/gu;
const TABLE_ROW = /^\s*\|.*\|/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)+\|?\s*$/;
const LIST_ITEM = /^\s*(?:[-*+•]|\d{1,3}[.)])\s+\S/;
const SENTENCE_END = /[.!?。！？](?=\s|$|["')\]*_])/g;
const PLACEHOLDER_ONLY = /^(?:pass|\.\.\.|…|[{}()[\];,]*)$/;
const RETURN = /\b(?:return|yield)\b/;
const EQUIVALENT: Readonly<Record<string, string>> = { jsx: 'javascript', tsx: 'typescript', c: 'cpp' };

/**
 * Creates the completeness scorer.
 *
 * Requirements are extracted from the prompt once, in `init` (see `requirementsInternals.ts` for
 * the rules, and the README of the scorers for a summary). Coverage is then tracked as the answer
 * streams: every complete word is stemmed (and identifiers split into their parts, so `is_prime`
 * covers "prime") and looked up in the requirements' term index; the trailing unfinished word is
 * held back, so a word split across deltas is still seen whole. File names and quoted literals are
 * searched in a rolling window over the raw text. Function requirements need a definition in the
 * answer's code (or the code prefix) with a compatible parameter count — found by regular
 * expressions over `def` / `function` / `const f = (…) =>` / method / `fn` / `func` forms.
 *
 * The score is the weighted share of requirements covered (items and clauses count in proportion
 * to their terms; the entry point weighs 3, other functions 2, literals 0.5, everything else 1),
 * or 1 when the prompt states no requirement we can check. Findings: `missing_entry_point` and
 * `wrong_parameter_count` (errors), `missing_requirement`, `missing_implementation` (code tasks:
 * only blank lines, comments, `pass` or `...`), `missing_return` (a Python prompt says what to
 * return, the code has no `return`/`yield`), `missing_format`, `over_limit` (warnings), and
 * `requirement_met` (info, with where the evidence is).
 *
 * @example
 * const scorer = createCompletenessScorer();
 * let s = scorer.init({ prompt: 'Write `is_prime(n)` in Python.', variant: 'a', task: 'code' });
 * s = scorer.feed(s, '```python\ndef is_prime(n):\n    return n > 1\n```\n');
 * scorer.score(s, true); // → { value: 1, findings: [requirement_met …] }
 */
export function createCompletenessScorer(options: CompletenessScorerOptions = {}): Scorer<CompletenessState> {
  const name = options.name ?? 'completeness';
  if (typeof name !== 'string' || name === '') {
    throw new TypeError('`name` must be a non-empty string');
  }
  const termCoverage = options.termCoverage ?? 0.5;
  if (typeof termCoverage !== 'number' || !(termCoverage > 0 && termCoverage <= 1)) {
    throw new TypeError(`\`termCoverage\` must be a number in (0, 1], got ${String(termCoverage)}`);
  }
  const stopSequences = checkStopSequences(options.stopSequences);
  const memo = new Map<string, Requirements>();
  const requirementsOf = (context: ScoreContext): Requirements => {
    const key = JSON.stringify([
      context.prompt,
      context.codePrefix,
      context.entryPoint,
      context.task,
      context.language,
    ]);
    let found = memo.get(key);
    if (found === undefined) {
      found = extractRequirements(context);
      if (memo.size >= 16) memo.delete(memo.keys().next().value as string);
      memo.set(key, found);
    }
    return found;
  };

  return {
    name,
    version: '1',
    init(context) {
      const reader = createLineReader(context, { line: (l) => onLine(state, l) }, { stopSequences });
      const state: CompletenessState = {
        requirements: requirementsOf(context),
        reader,
        cache: createReportCache(),
        fed: 0,
        carry: '',
        words: 0,
        terms: new Map(),
        names: new Map(),
        defined: new Map(),
        pending: undefined,
        needleWindow: '',
        needles: new Map(),
        lexer: undefined,
        lexerBlock: -2,
        signature: -1,
        firstLine: undefined,
        tableRows: 0,
        tableSeparator: false,
        listItems: 0,
        languages: new Map(),
        sentences: 0,
        lines: 0,
        body: undefined,
        returns: undefined,
      };
      return state;
    },
    feed(state, delta) {
      if (delta === '') return state;
      state.reader.feed(delta);
      scanWords(state, delta, false);
      scanNeedles(state, delta, false);
      state.fed += delta.length;
      // the report changes only when something was found (or words counted against a limit)
      const signature = progress(state);
      if (signature !== state.signature) {
        state.signature = signature;
        state.cache.version += 1;
      }
      return state;
    },
    score(state, done) {
      state.reader.start();
      if (done && !state.reader.finished) {
        state.reader.finish();
        scanWords(state, '', true);
        scanNeedles(state, '', true);
        state.cache.version += 1;
      }
      return cachedReport(state.cache, done, () => report(state, termCoverage));
    },
  };
}

function progress(state: CompletenessState): number {
  const { hasLimit } = state.requirements;
  return (
    state.terms.size +
    state.names.size +
    state.needles.size +
    state.defined.size * 7 +
    state.reader.lines * 1009 +
    (hasLimit ? state.words * 1_000_003 : 0)
  );
}

function scanWords(state: CompletenessState, delta: string, final: boolean): void {
  let text = state.carry + delta;
  const base = state.fed - state.carry.length;
  let tail = '';
  // a high surrogate at the end is half a character: wait for the other half
  if (!final && text.length > 0 && isHighSurrogate(text.charCodeAt(text.length - 1))) {
    tail = text.slice(-1);
    text = text.slice(0, -1);
  }
  state.carry = '';
  for (const m of text.matchAll(WORD)) {
    const end = m.index + m[0].length;
    if (!final && end === text.length) {
      state.carry = m[0];
      break;
    }
    onWord(state, m[0], base + m.index);
  }
  state.carry += tail;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function onWord(state: CompletenessState, word: string, offset: number): void {
  state.words += 1;
  const req = state.requirements;
  if (req.nameIndex.has(word) && !state.names.has(word)) state.names.set(word, offset);
  if (req.termIndex.size === 0) return;
  const whole = stem(word);
  if (req.termIndex.has(whole) && !state.terms.has(whole)) state.terms.set(whole, offset);
  const parts = identifierParts(word);
  if (parts.length > 1) {
    for (const part of parts) {
      const s = stem(part);
      if (req.termIndex.has(s) && !state.terms.has(s)) state.terms.set(s, offset);
    }
  }
}

function scanNeedles(state: CompletenessState, delta: string, final: boolean): void {
  const { maxNeedle, list } = state.requirements;
  if (maxNeedle === 0) return;
  const hay = state.needleWindow + delta;
  const hayStart = state.fed - state.needleWindow.length;
  for (const r of list) {
    if (r.kind !== 'needle' || state.needles.has(r.id)) continue;
    let at = hay.indexOf(r.needle);
    while (at !== -1) {
      const end = at + r.needle.length;
      // wait for the character after a match at the end of the window, unless the text ended
      if (end === hay.length && !final) break;
      // a match at the window's very start was judged with its left neighbour by the previous scan
      const judged = at === 0 && hayStart > 0;
      if (
        !judged &&
        boundary(hay, at - 1, r.needle[0]!) &&
        boundary(hay, end, r.needle[r.needle.length - 1]!)
      ) {
        state.needles.set(r.id, hayStart + at);
        break;
      }
      at = hay.indexOf(r.needle, at + 1);
    }
  }
  // keep enough to re-find a needle that ends at the window's end, plus the character before it
  state.needleWindow = hay.slice(-(maxNeedle + 1));
}

/** A needle that starts or ends with a word character must not touch another one there. */
function boundary(hay: string, index: number, edge: string): boolean {
  if (index < 0 || index >= hay.length) return true;
  if (!/[\p{L}\p{N}_]/u.test(edge)) return true;
  return !/[\p{L}\p{N}_]/u.test(hay[index]!);
}

function onLine(state: CompletenessState, l: AnswerLine): void {
  const text = l.text;
  const where: Where = { offset: l.offset, line: l.line };
  if (!l.prefix && text.trim() !== '') {
    if (l.kind !== 'fence') state.lines += 1;
    if (state.firstLine === undefined) {
      const json =
        (l.kind === 'prose' && /^\s*[{[]/.test(text)) || (l.kind !== 'prose' && l.language === 'json');
      state.firstLine = json ? 'json' : 'other';
    }
  }
  if (l.kind === 'prose') {
    if (text.trim() === '') return;
    if (TABLE_ROW.test(text)) state.tableRows += 1;
    if (TABLE_SEPARATOR.test(text)) state.tableSeparator = true;
    if (LIST_ITEM.test(text)) state.listItems += 1;
    const ends = text.match(SENTENCE_END)?.length ?? 0;
    state.sentences += Math.max(1, ends);
    return;
  }
  if (l.language !== undefined && !l.prefix && !state.languages.has(l.language)) {
    state.languages.set(l.language, where);
  }
  if (l.kind === 'fence') {
    state.lexer = undefined;
    return;
  }
  const family = lexFamily(l.language);
  if (state.lexer === undefined || state.lexerBlock !== l.block) {
    state.lexer = createLineLexer(family);
    state.lexerBlock = l.block;
  }
  const { code } = state.lexer.lex(text);
  if (state.pending !== undefined) {
    const p = state.pending;
    p.text += `\n${code}`;
    p.lines += 1;
    tryCompleteDefinition(state, p);
  }
  const def = matchDefinition(code, family);
  if (def?.kind === 'function') {
    if (def.paren === -1) {
      addDefinition(
        state,
        def.name,
        def.singleParam === undefined ? undefined : single(def.singleParam),
        where,
      );
    } else {
      const p: PendingDefinition = {
        name: def.name,
        family,
        text: code,
        paren: def.paren,
        lines: 1,
        ...where,
      };
      state.pending = p;
      tryCompleteDefinition(state, p);
    }
  } else if (def?.kind === 'class') {
    addDefinition(state, def.name, undefined, where);
  }
  if (!l.prefix) {
    const essence = code.trim().replace(/["'`]/g, '').trim();
    if (state.body === undefined && def === undefined && essence !== '' && !PLACEHOLDER_ONLY.test(essence)) {
      state.body = where;
    }
    if (state.returns === undefined && RETURN.test(code)) state.returns = where;
  }
}

function single(name: string): ParamRange {
  return { min: 1, max: 1, names: [name] };
}

function tryCompleteDefinition(state: CompletenessState, p: PendingDefinition): void {
  const close = findClosing(p.text, p.paren);
  if (close !== -1) {
    addDefinition(state, p.name, parseParams(p.text.slice(p.paren + 1, close), p.family), p);
    state.pending = undefined;
  } else if (p.lines >= 20) {
    addDefinition(state, p.name, undefined, p);
    state.pending = undefined;
  }
}

function addDefinition(
  state: CompletenessState,
  name: string,
  params: ParamRange | undefined,
  where: Where,
): void {
  const list = state.defined.get(name);
  const def: Definition = { params, offset: where.offset, line: where.line };
  if (list === undefined) state.defined.set(name, [def]);
  else list.push(def);
}

interface Coverage {
  readonly value: number;
  readonly finding: Finding;
}

function report(state: CompletenessState, termCoverage: number): ScoreReport {
  const { list } = state.requirements;
  if (list.length === 0) {
    return {
      value: 1,
      findings: [finding('no_requirements', 'info', 'The prompt states no requirement to check')],
    };
  }
  let total = 0;
  let covered = 0;
  const findings: Finding[] = [];
  for (const r of list) {
    const c = coverage(state, r, termCoverage);
    total += r.weight;
    covered += r.weight * c.value;
    findings.push(c.finding);
  }
  return { value: clamp01(total === 0 ? 1 : covered / total), findings };
}

function at(offset: number | undefined): { offset: number | undefined } {
  return { offset };
}

function coverage(state: CompletenessState, r: Requirement, termCoverage: number): Coverage {
  const met = (
    where: { offset?: number | undefined; line?: number | undefined },
    what = r.text,
  ): Coverage => ({
    value: 1,
    finding: finding('requirement_met', 'info', `Covered: ${what}`, where),
  });
  const missing = (code = 'missing_requirement', message = `Not covered: ${r.text}`): Coverage => ({
    value: 0,
    finding: finding(code, code === 'missing_entry_point' ? 'error' : 'warning', message),
  });
  switch (r.kind) {
    case 'terms': {
      const found = r.terms.filter((t) => state.terms.has(t));
      const need = Math.max(1, Math.ceil(r.terms.length * termCoverage));
      const value = Math.min(1, found.length / need);
      if (value >= 1) return met(at(state.terms.get(found[0]!)));
      const absent = r.terms.filter((t) => !state.terms.has(t));
      return {
        value,
        finding: finding(
          'missing_requirement',
          'warning',
          `Partly covered (${found.length}/${r.terms.length} key terms; missing ${absent.join(', ')}): ${r.text}`,
        ),
      };
    }
    case 'function': {
      const defs = state.defined.get(r.name);
      if (defs !== undefined) {
        const ok =
          r.params === undefined
            ? defs[0]
            : defs.find((d) => d.params === undefined || rangesOverlap(d.params, r.params!));
        if (ok !== undefined) return met(ok, `\`${r.name}\` defined`);
        const got = defs[0]!;
        return {
          value: 0.5,
          finding: finding(
            'wrong_parameter_count',
            'error',
            `\`${r.name}\` takes ${describeRange(got.params!)} parameter(s); the prompt asks for ${describeRange(r.params!)}`,
            got,
          ),
        };
      }
      const mentioned = state.names.get(r.name);
      if (mentioned !== undefined) {
        return {
          value: 0.5,
          finding: finding(
            r.source === 'entry' ? 'missing_entry_point' : 'missing_requirement',
            r.source === 'entry' ? 'error' : 'warning',
            `\`${r.name}\` is mentioned but not defined`,
            at(mentioned),
          ),
        };
      }
      return r.source === 'entry'
        ? missing('missing_entry_point', `The entry point \`${r.name}\` is not defined`)
        : missing('missing_requirement', `\`${r.name}\` is not defined`);
    }
    case 'identifier': {
      const o = state.names.get(r.name);
      return o === undefined ? missing() : met(at(o));
    }
    case 'needle': {
      const o = state.needles.get(r.id);
      return o === undefined ? missing() : met(at(o));
    }
    case 'format': {
      const ok =
        r.format === 'json'
          ? state.firstLine === 'json' || state.languages.has('json')
          : r.format === 'table'
            ? state.tableSeparator && state.tableRows >= 2
            : state.listItems >= 2;
      return ok ? met({}) : missing('missing_format', `Expected ${r.text}`);
    }
    case 'language': {
      for (const [language, where] of state.languages) {
        if (
          language === r.language ||
          EQUIVALENT[language] === r.language ||
          EQUIVALENT[r.language] === language
        ) {
          return met(where);
        }
      }
      return missing('missing_format', `Expected ${r.text}`);
    }
    case 'limit': {
      const count = r.unit === 'words' ? state.words : r.unit === 'sentences' ? state.sentences : state.lines;
      if (count <= r.max) return met({}, `${r.text} (${count} ${r.unit})`);
      return {
        value: 0,
        finding: finding('over_limit', 'warning', `${count} ${r.unit}, over the limit: ${r.text}`),
      };
    }
    case 'body':
      return state.body === undefined
        ? missing('missing_implementation', 'No implementation: the code is empty or placeholders only')
        : met(state.body);
    case 'returns':
      return state.returns === undefined
        ? missing('missing_return', 'The code never returns a value')
        : met(state.returns);
    default:
      return assertNever(r, 'requirement');
  }
}
