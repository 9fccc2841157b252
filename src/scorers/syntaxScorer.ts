/**
 * The syntax validity scorer: does the code in an answer parse?
 *
 * What is checked:
 * - **Fenced blocks** (the usual case): each block is parsed as its fence's language, or as the
 *   language `detectLanguage` recognizes for an unlabeled fence (the task's language breaks ties).
 *   The indentation all its lines share is removed first (fences in list items keep the item's
 *   indentation; a method may be shown out of its class).
 *   A block is parsed once, when its closing fence arrives; a block left open when the answer
 *   ends is parsed at the end.
 * - **Continuations** (`task: 'code'` with `codePrefix`, e.g. HumanEval): when the answer has no
 *   fence, `codePrefix + answer` is parsed at the end, as `context.language` (else as detected).
 *   Completions usually run on past the function (a test, a `__main__` block, a new function, text
 *   cut mid-line by the token limit), so the answer is first cut at the earliest of the
 *   language's `stopSequences` — for Python, HumanEval's own: `\ndef `, `\nclass `, `\nif `,
 *   `\nprint`, `\n#` — exactly as the HumanEval harness cuts completions before running them. The
 *   cut is reported as an `info` finding `syntax_truncated`.
 * - **Bare code** (no fence, `context.language` set, `task` `code` or unset): the whole answer is
 *   parsed as that language at the end.
 *
 * Score: each checked unit (block or program) scores `errorFactor ** errors` (1 when it parses;
 * with the default factor 0.5: one error 0.5, two 0.25 …; errors counted up to `maxErrors`), and
 * the answer scores the mean over its units. With nothing checkable (no code, or only blocks in
 * languages without a parser) the score is `neutral`. Each error is a finding `syntax_error`
 * (severity `error`) with the line and column in the whole answer (and the offset, except in
 * fenced blocks of CRLF text, where the fence tracker's line-ending normalization makes it
 * inexact); blocks that could not be checked give an `info` finding `syntax_unchecked` saying why.
 *
 * While streaming (`score(state, false)`), only the fenced blocks closed so far count; a
 * continuation or bare answer scores `neutral` until the end.
 *
 * Costs: `feed` is O(delta) plus, when a delta closes a fence, one parse of that block; nothing is
 * ever parsed twice. Continuations and bare code are parsed once, at `score(state, true)` (parsing
 * at every delta with tree-sitter's incremental mode costs more in total, see
 * bench/README.syntax.md). Results are cached in the state.
 *
 * Parsers load asynchronously (wasm grammars, native oxc), but scorers are synchronous: use
 * {@link createSyntaxScorer}, which resolves once the parsers of `options.languages` are loaded.
 * {@link syntaxScorer} returns at once and starts loading in the background; until a language
 * has loaded, its blocks are scored neutral with a `syntax_unchecked` info finding.
 */
import type { Finding } from '../events.js';
import { type CodeBlock, createFenceTracker, type FenceTracker } from './codeBlocks.js';
import { blockLanguage } from './parsers/blockLanguage.js';
import {
  checkSyntax,
  DEFAULT_MAX_ERRORS,
  isLanguageLoaded,
  NOT_CODE,
  prepareParsers,
  SYNTAX_LANGUAGES,
  syntaxLanguage,
} from './parsers/checkSyntax.js';
import { dedentCode } from './parsers/dedentCode.js';
import { detectLanguage } from './parsers/detectLanguage.js';
import { createLineIndex } from './parsers/positions.js';
import type { SyntaxIssue } from './parsers/syntaxCheck.js';
import type { ScoreContext, ScoreReport, Scorer } from './scorer.js';

/** HumanEval's stop sequences: where the harness cuts a Python completion. */
export const HUMANEVAL_STOP_SEQUENCES: readonly string[] = ['\ndef ', '\nclass ', '\nif ', '\nprint', '\n#'];

/** Options of {@link createSyntaxScorer} and {@link syntaxScorer}. */
export interface SyntaxScorerOptions {
  /**
   * Languages to check (canonical names or aliases; see `SYNTAX_LANGUAGES`). Blocks in other
   * languages are scored neutral with a `syntax_unchecked` info finding.
   * @defaultValue every supported language
   */
  readonly languages?: readonly string[];
  /**
   * Per language, where to cut a continuation answer (`task: 'code'` with `codePrefix`) before
   * parsing it; the earliest match wins. `{}` disables cutting.
   * @defaultValue `{ python: HUMANEVAL_STOP_SEQUENCES }`
   */
  readonly stopSequences?: Readonly<Record<string, readonly string[]>>;
  /**
   * The score when there is nothing to check (no code, or no parser for it), in [0, 1].
   * @defaultValue 1
   */
  readonly neutral?: number;
  /**
   * A unit's score is multiplied by this for each syntax error, in [0, 1).
   * @defaultValue 0.5
   */
  readonly errorFactor?: number;
  /**
   * Errors reported (and counted) per unit, a positive integer.
   * @defaultValue 20
   */
  readonly maxErrors?: number;
  /**
   * Guess the language of unlabeled fences (see `detectLanguage`); when false they are not checked.
   * @defaultValue true
   */
  readonly detect?: boolean;
  /**
   * Longest code (in characters) parsed; longer units are left unchecked.
   * @defaultValue 1_000_000
   */
  readonly maxCodeLength?: number;
}

/** One block or program, once checked (or found uncheckable). */
type Unit =
  | {
      readonly kind: 'checked';
      readonly language: string;
      /** True for a fenced block (whose offsets are inexact in CRLF text). */
      readonly fenced: boolean;
      /** Errors with positions already mapped to the whole answer (offset unset when unknown). */
      readonly errors: readonly Finding[];
      /** Informational findings that go with the unit (e.g. a truncation). */
      readonly notes: readonly Finding[];
    }
  | { readonly kind: 'unchecked'; readonly notes: readonly Finding[] };

/** The scorer's per-variant state; private, but exported for typing. */
export interface SyntaxState {
  readonly context: ScoreContext;
  readonly tracker: FenceTracker;
  /** The answer's deltas, kept only when the answer may have to be parsed whole. */
  readonly chunks: string[] | undefined;
  /** Results of the blocks closed so far (fences), in order. */
  readonly units: Unit[];
  /** How many of `tracker.blocks` have been checked. */
  blocksSeen: number;
  /** Whether the text has a `\r` (fenced-block offsets are then left out, see above). */
  sawCR: boolean;
  /** Cached report of the units so far (cleared when a unit is added). */
  partial: ScoreReport | undefined;
  /** The final report, once `score(state, true)` has run; later feeds are ignored. */
  final: ScoreReport | undefined;
}

/** A syntax scorer, plus a one-shot check of a finished answer. */
export interface SyntaxScorer extends Scorer<SyntaxState> {
  /**
   * Scores a finished answer in one call (the same as `init`, one `feed` and `score(…, true)`).
   * @example
   * scorer.scoreText('```py\ndef f(:\n```', { prompt: '', variant: 'a' }).value; // → 0.5
   */
  scoreText(text: string, context: ScoreContext): ScoreReport;
}

interface Resolved {
  readonly languages: ReadonlySet<string>;
  readonly stopSequences: Readonly<Record<string, readonly string[]>>;
  readonly neutral: number;
  readonly errorFactor: number;
  readonly maxErrors: number;
  readonly detect: boolean;
  readonly maxCodeLength: number;
}

function fail(option: string, allowed: string): never {
  throw new TypeError(`\`${option}\` must be ${allowed}`);
}

function resolveOptions(options: SyntaxScorerOptions): Resolved {
  if (typeof options !== 'object' || options === null) fail('options', 'an object');
  const { languages = SYNTAX_LANGUAGES, stopSequences = { python: HUMANEVAL_STOP_SEQUENCES } } = options;
  const { neutral = 1, errorFactor = 0.5, maxErrors = DEFAULT_MAX_ERRORS, detect = true } = options;
  const { maxCodeLength = 1_000_000 } = options;
  if (!Array.isArray(languages))
    fail('languages', `an array of language names (${SYNTAX_LANGUAGES.join(', ')})`);
  const canonical = new Set<string>();
  for (const language of languages as readonly unknown[]) {
    const name = typeof language === 'string' ? syntaxLanguage(language) : undefined;
    if (name === undefined) {
      fail(
        'languages',
        `an array of supported languages (${SYNTAX_LANGUAGES.join(', ')}); got ${JSON.stringify(language)}`,
      );
    }
    canonical.add(name);
  }
  if (typeof stopSequences !== 'object' || stopSequences === null || Array.isArray(stopSequences)) {
    fail('stopSequences', 'an object mapping a language to an array of non-empty strings');
  }
  const stops: Record<string, readonly string[]> = {};
  for (const [language, list] of Object.entries(stopSequences)) {
    if (!Array.isArray(list) || !list.every((s: unknown) => typeof s === 'string' && s !== '')) {
      fail(
        'stopSequences',
        `an object mapping a language to an array of non-empty strings (\`${language}\` is not)`,
      );
    }
    stops[syntaxLanguage(language) ?? language] = list;
  }
  const unit = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;
  if (!unit(neutral)) fail('neutral', 'a number in [0, 1]');
  if (!unit(errorFactor) || errorFactor === 1) fail('errorFactor', 'a number in [0, 1)');
  if (!Number.isInteger(maxErrors) || maxErrors < 1) fail('maxErrors', 'a positive integer');
  if (typeof detect !== 'boolean') fail('detect', 'a boolean');
  if (!Number.isInteger(maxCodeLength) || maxCodeLength < 1) fail('maxCodeLength', 'a positive integer');
  return {
    languages: canonical,
    stopSequences: stops,
    neutral,
    errorFactor,
    maxErrors,
    detect,
    maxCodeLength,
  };
}

function note(
  code: string,
  message: string,
  at?: { line: number; column: number; offset?: number },
): Finding {
  return at === undefined
    ? { code, message, severity: 'info' }
    : {
        code,
        message,
        severity: 'info',
        line: at.line,
        column: at.column,
        ...(at.offset === undefined ? {} : { offset: at.offset }),
      };
}

function createScorer(options: Resolved): SyntaxScorer {
  /** Checks one piece of code, or says why it cannot be checked. */
  const check = (
    language: string | undefined,
    code: string,
    what: string,
  ): { errors: readonly SyntaxIssue[]; language: string } | { reason: string } => {
    if (language === undefined) {
      return {
        reason: `${what} not checked: ${options.detect ? 'language not recognized' : 'no label (detect: false)'}`,
      };
    }
    if (NOT_CODE.has(language))
      return { reason: `${what} not checked: \`${language}\` blocks are not parsed` };
    const canonical = syntaxLanguage(language);
    if (canonical === undefined) return { reason: `${what} not checked: no parser for ${language}` };
    if (!options.languages.has(canonical))
      return { reason: `${what} not checked: ${canonical} is not enabled` };
    if (!isLanguageLoaded(canonical)) {
      return {
        reason: `${what} not checked: the ${canonical} parser is not loaded yet (await createSyntaxScorer)`,
      };
    }
    if (code.length > options.maxCodeLength) {
      return {
        reason: `${what} not checked: ${code.length} characters (maxCodeLength ${options.maxCodeLength})`,
      };
    }
    try {
      const result = checkSyntax(canonical, code, options.maxErrors);
      if (result === undefined) return { reason: `${what} not checked: no ${canonical} parser` };
      return { errors: result.errors, language: canonical };
    } catch (error) {
      return { reason: `${what} not checked: the ${canonical} parser failed (${String(error)})` };
    }
  };

  const blockUnit = (state: SyntaxState, block: CodeBlock): Unit => {
    const hint = state.context.language === undefined ? undefined : syntaxLanguage(state.context.language);
    const language =
      block.info.trim() === '' && !options.detect ? undefined : blockLanguage(block.info, block.code, hint);
    const where = { line: block.line, column: 1, offset: block.offset };
    const label = `${language ?? 'unlabeled'} block at line ${block.line}`;
    // Fences inside list items keep the item's indentation in their code: parse it dedented.
    const dedented = dedentCode(block.code);
    const result = check(language, dedented.code, label);
    if ('reason' in result)
      return { kind: 'unchecked', notes: [note('syntax_unchecked', result.reason, where)] };
    const errors = result.errors.map(dedented.restore).map(
      (e): Finding => ({
        code: 'syntax_error',
        severity: 'error',
        message: `${result.language}: ${e.message}`,
        line: block.line + e.line - 1,
        column: e.column,
        offset: block.offset + e.offset,
      }),
    );
    return { kind: 'checked', language: result.language, fenced: true, errors, notes: [] };
  };

  const wholeUnit = (state: SyntaxState, answer: string): Unit | undefined => {
    const { context } = state;
    const continuation = context.task === 'code' && typeof context.codePrefix === 'string';
    const bare = !continuation && context.language !== undefined && (context.task ?? 'code') === 'code';
    if (!continuation && !bare) return undefined;
    if (answer.trim() === '' && !continuation) return undefined;
    const prefix = continuation ? context.codePrefix! : '';
    const named =
      context.language === undefined ? undefined : (syntaxLanguage(context.language) ?? context.language);
    const language = named ?? detectLanguage(prefix + answer);
    const answerLines = createLineIndex(answer);
    const notes: Finding[] = [];
    let code = answer;
    const stops = continuation && language !== undefined ? (options.stopSequences[language] ?? []) : [];
    let cut = -1;
    let cutBy = '';
    for (const stop of stops) {
      const at = answer.indexOf(stop);
      if (at !== -1 && (cut === -1 || at < cut)) {
        cut = at;
        cutBy = stop;
      }
    }
    if (cut !== -1) {
      code = answer.slice(0, cut);
      const after = answer[cut] === '\n' ? cut + 1 : cut; // point at the first line cut, not the newline before it
      notes.push(
        note(
          'syntax_truncated',
          `ignored ${answer.length - after} characters after the code, from line ${answerLines.position(after).line} (stop sequence ${JSON.stringify(cutBy)})`,
          { ...answerLines.position(after), offset: after },
        ),
      );
    }
    const what = continuation ? 'the prompt and answer' : 'the answer';
    const result = check(language, prefix + code, what);
    if ('reason' in result)
      return { kind: 'unchecked', notes: [...notes, note('syntax_unchecked', result.reason)] };
    const prefixLines = prefix === '' ? undefined : createLineIndex(prefix);
    const errors = result.errors.map((e): Finding => {
      const offset = e.offset - prefix.length;
      const inPrefix =
        offset < 0 ? ` (in the prompt's code, line ${prefixLines!.position(e.offset).line})` : '';
      const at = Math.max(0, offset);
      return {
        code: 'syntax_error',
        severity: 'error',
        message: `${result.language}: ${e.message}${inPrefix}`,
        offset: at,
        ...answerLines.position(at),
      };
    });
    return { kind: 'checked', language: result.language, fenced: false, errors, notes };
  };

  const report = (state: SyntaxState, units: readonly Unit[]): ScoreReport => {
    let sum = 0;
    let checked = 0;
    const findings: Finding[] = [];
    for (const unit of units) {
      if (unit.kind === 'checked') {
        checked += 1;
        sum += options.errorFactor ** unit.errors.length;
        for (const error of unit.errors) {
          if (state.sawCR && unit.fenced && error.offset !== undefined) {
            // Fenced code has its `\r`s dropped, so block-relative offsets drift: keep line/column only.
            const { offset: _dropped, ...rest } = error;
            findings.push(rest);
          } else findings.push(error);
        }
      }
      findings.push(...unit.notes);
    }
    return { value: checked === 0 ? options.neutral : sum / checked, findings };
  };

  const scorer: SyntaxScorer = {
    name: 'syntax',
    version: '1',
    init(context) {
      const wantsWhole =
        (context.task === 'code' && typeof context.codePrefix === 'string') ||
        (context.language !== undefined && (context.task ?? 'code') === 'code');
      return {
        context,
        tracker: createFenceTracker(),
        chunks: wantsWhole ? [] : undefined,
        units: [],
        blocksSeen: 0,
        sawCR: false,
        partial: undefined,
        final: undefined,
      };
    },
    feed(state, delta) {
      if (state.final !== undefined || delta === '') return state;
      if (!state.sawCR && delta.includes('\r')) state.sawCR = true;
      state.chunks?.push(delta);
      const closed = state.tracker.feed(delta);
      for (const block of closed) state.units.push(blockUnit(state, block));
      state.blocksSeen += closed.length;
      if (closed.length > 0) state.partial = undefined;
      return state;
    },
    score(state, done) {
      if (state.final !== undefined) return state.final;
      if (!done) {
        state.partial ??= report(state, state.units);
        return state.partial;
      }
      const open = state.tracker.finish();
      // A closing fence on the last line, without a newline after it, closes its block inside
      // `finish()`, which then returns nothing: pick such a block up from `blocks`.
      for (const block of state.tracker.blocks.slice(state.blocksSeen))
        state.units.push(blockUnit(state, block));
      if (open !== undefined) state.units.push(blockUnit(state, open));
      if (state.units.length === 0 && state.chunks !== undefined) {
        const whole = wholeUnit(state, state.chunks.join(''));
        if (whole !== undefined) state.units.push(whole);
      }
      state.chunks?.splice(0); // the text is no longer needed
      state.final = report(state, state.units);
      return state.final;
    },
    scoreText(text, context) {
      const state = scorer.init(context);
      scorer.feed(state, text);
      return scorer.score(state, true) as ScoreReport;
    },
  };
  return scorer;
}

/**
 * Creates a syntax scorer once the parsers of `options.languages` are loaded (the first call in a
 * process loads them: ~150 ms for all languages on a small machine, then cached; see
 * bench/README.syntax.md).
 * Rejects with a `TypeError` naming the option when an option is invalid.
 *
 * @example
 * const syntax = await createSyntaxScorer({ languages: ['python', 'typescript', 'json'] });
 * scoreIncrementally([{ scorer: syntax, weight: 2 }]);
 * syntax.scoreText('```py\nprint("hi")\n```', { prompt: 'Say hi in Python', variant: 'a' }).value; // → 1
 */
export async function createSyntaxScorer(options: SyntaxScorerOptions = {}): Promise<SyntaxScorer> {
  const resolved = resolveOptions(options);
  await prepareParsers([...resolved.languages]);
  return createScorer(resolved);
}

/**
 * Creates a syntax scorer at once, synchronously, and starts loading its parsers in the
 * background. Until a language's parser has loaded, its code is scored neutral with a
 * `syntax_unchecked` info finding, so results depend on timing: prefer {@link createSyntaxScorer},
 * or `await prepareParsers(languages)` first. Throws a `TypeError` naming the option when an
 * option is invalid.
 *
 * @example
 * await prepareParsers(['python']);
 * const syntax = syntaxScorer({ languages: ['python'] });
 */
export function syntaxScorer(options: SyntaxScorerOptions = {}): SyntaxScorer {
  const resolved = resolveOptions(options);
  prepareParsers([...resolved.languages]).catch(() => {
    // A language that fails to load stays unchecked; its blocks say so in their findings.
  });
  return createScorer(resolved);
}
