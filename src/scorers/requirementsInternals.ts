/**
 * What a prompt asks for, extracted once per prompt for the completeness scorer. Not public.
 *
 * Heuristics, in the order they run (each documented at its regex):
 * - numbered / bulleted items of the prompt, and sentences with "must", "should", "include",
 *   "make sure", "ensure", "need(s) to", "required" → key terms (stemmed content words) that the
 *   answer should mention; negated clauses ("must not", "without", "avoid") are skipped, because the
 *   presence of their terms would mean the opposite;
 * - functions to define: `def f(`, `function f(` in the prompt, `` `f(a, b)` `` and snake/camel
 *   `f(a, b)` in prose, "function called f", and the context's `entryPoint`, each with its
 *   parameter range when the prompt gives one;
 * - identifiers in backticks, file names with a known extension, quoted literals (`"YES"`);
 * - formats: JSON, a table, a (bulleted / numbered) list, code in a named language;
 * - limits: at most N words / sentences / lines;
 * - for code tasks: a non-empty body, and a `return` when a Python prompt says "return(s)".
 */
import { createLineLexer, lexFamily } from './codeLexInternals.js';
import { findClosing, matchDefinition, type ParamRange, parseParams } from './definitionsInternals.js';
import type { ScoreContext } from './scorer.js';
import { identifierParts, parseCount, stem } from './scoringInternals.js';

interface Base {
  readonly id: number;
  /** What the prompt said, shortened, for findings. */
  readonly text: string;
  readonly weight: number;
}

/** One requirement. */
export type Requirement =
  | (Base & { readonly kind: 'terms'; readonly source: 'item' | 'clause'; readonly terms: readonly string[] })
  | (Base & {
      readonly kind: 'function';
      readonly name: string;
      readonly params: ParamRange | undefined;
      /** `entry` for the context's entry point (missing it is an error). */
      readonly source: 'entry' | 'prompt';
    })
  | (Base & { readonly kind: 'identifier'; readonly name: string })
  | (Base & { readonly kind: 'needle'; readonly source: 'file' | 'literal'; readonly needle: string })
  | (Base & { readonly kind: 'format'; readonly format: 'json' | 'table' | 'list' })
  | (Base & { readonly kind: 'language'; readonly language: string })
  | (Base & { readonly kind: 'limit'; readonly unit: 'words' | 'sentences' | 'lines'; readonly max: number })
  | (Base & { readonly kind: 'body' })
  | (Base & { readonly kind: 'returns' });

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** Requirements of a prompt, with the lookup tables the scorer matches against. */
export interface Requirements {
  readonly list: readonly Requirement[];
  /** Stem → ids of `terms` requirements containing it. */
  readonly termIndex: ReadonlyMap<string, readonly number[]>;
  /** Exact identifier → ids of `identifier` / `function` requirements. */
  readonly nameIndex: ReadonlyMap<string, readonly number[]>;
  /** Longest needle, for the rolling window. */
  readonly maxNeedle: number;
  /** Whether a word, sentence or line limit is asked for (the counts then matter). */
  readonly hasLimit: boolean;
}

const MAX_REQUIREMENTS = 40;
const MAX_TERMS = 8;

const STOPWORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing down during each either else etc few for from further ' +
    'get gets given has have having he her here hers him his how however i if in into is it its itself ' +
    'just let like make makes me more most my need needs no nor not now of off on once one only or other ' +
    'our out over own please same she should so some such than that the their them then there these they ' +
    'this those through to too under until up upon us use used using very want was we were what when where ' +
    'which while who whom why will with would you your yours must shall ensure include includes including ' +
    'sure required require requires requirement also always able well way ways thing things write written ' +
    'create implement implementation provide show give following below above example e.g i.e each every ' +
    'new may might must make sure code function program answer return returns result task question'
  )
    .split(' ')
    .map(stem),
);

const KEYWORDS = new Set(
  (
    'int str float bool list dict set tuple None True False true false null undefined void string number ' +
    'boolean any unknown object self this def function return const let var if else for while import from ' +
    'class new print len range'
  ).split(' '),
);

const ITEM = /^\s*(?:\d{1,2}[.)]|[-*+•]|\(?[a-z][.)])\s+(.+)$/;
const CLAUSE =
  /\b(must|should|shall|needs? to|has to|have to|make sure|be sure to|ensure|include|includes|including|required|remember to|don't forget to)\b/i;
const NEGATED = /\b(not|never|no|without|avoid|don't|do not|doesn't|shouldn't|mustn't|cannot|can't)\b/i;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const BACKTICKED = /`([^`\n]{1,80})`/g;
const CALL_SIGNATURE = /^([A-Za-z_$][\w$]*)\s*\(([^()]*)\)$/;
const PROSE_FUNCTION =
  /\b(?:function|method|def)\s+(?:called\s+|named\s+)?([A-Za-z_$][\w$]*)\s*\(([^()]*)\)|\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+)\(([^()]*)\)/g;
const CALLED =
  /\b(function|method|class|variable|field|property|file)?\s*(?:called|named)\s+[`'"]?([A-Za-z_$][\w$.]*)/g;
const FILE =
  /(?<![\w/.-])((?:[\w-]+\/)*[\w-]+\.(?:tsx?|jsx?|mjs|cjs|py|json|toml|ya?ml|md|txt|csv|html|css|scss|sql|sh|go|rs|java|cpp|hpp|c|h|rb|php|xml|ini|cfg|conf|env|lock|kt|swift|ipynb))(?![\w-])/g;
const FRAMEWORK =
  /^(?:node|vue|next|nuxt|react|express|three|chart|d3|p5|ember|angular|backbone|socket\.io)\.js$/i;
const QUOTED = /(?<=^|[\s([{,=:])(["'])([^"'\n]{2,40})\1(?=$|[\s)\]},.;:!?])/g;
const JSON_FORMAT =
  /\b(?:in|as|return(?:s|ing)?|output|respond with|formatted as|valid)\s+(?:a\s+|an\s+|the\s+)?JSON\b|\bJSON\s+(?:format|object|output|response|array)\b/i;
const TABLE_FORMAT =
  /\b(?:in|as|into|with)\s+(?:a\s+)?(?:markdown\s+|comparison\s+)?table\b|\btabular\b|\btable format\b/i;
const LIST_FORMAT =
  /\bbullet(?:ed)?[\s-]*(?:points?|list)\b|\bnumbered list\b|\b(?:as|in) a list\b|\blist (?:of )?(?:the )?(?:\w+ )?(?:steps|reasons|ways|tips|ideas|examples|pros|cons)\b/i;
const LANGUAGES: Readonly<Record<string, string>> = {
  python: 'python',
  javascript: 'javascript',
  typescript: 'typescript',
  rust: 'rust',
  go: 'go',
  golang: 'go',
  java: 'java',
  'c++': 'cpp',
  'c#': 'csharp',
  c: 'c',
  ruby: 'ruby',
  bash: 'bash',
  sql: 'sql',
  kotlin: 'kotlin',
  swift: 'swift',
  php: 'php',
};
const LANGUAGE_ASK =
  /\b(?:in|using|with)\s+(Python|JavaScript|TypeScript|Rust|Golang|Go|Java|C\+\+|C#|C|Ruby|Bash|SQL|Kotlin|Swift|PHP)(?![\w+#])|\b(Python|JavaScript|TypeScript|Rust|Golang|Java|C\+\+|C#|Ruby|Bash|SQL|Kotlin|Swift|PHP)\s+(?:function|script|code|program|class|snippet|module|implementation|solution)\b/;
const LIMIT =
  /\b(?:in|under|within|at most|no more than|not more than|fewer than|less than|maximum(?: of)?|max(?:imum)?|up to|limit(?:ed)? to|not exceed(?:ing)?)\s+(\d+|[a-z]+)\s+(words?|sentences?|lines?)\b|\b(\d+|[a-z]+)\s+(words?|sentences?|lines?)\s+or\s+(?:less|fewer)\b|\b(one|a single)[\s-](sentence|line)\s+(?:answer|summary|response|description)\b/i;
const RETURNS = /\breturns?\b/i;

/** Content words of a text, stemmed, without stopwords, deduplicated, in order. */
export function keyTerms(text: string, limit = MAX_TERMS): string[] {
  const out: string[] = [];
  for (const word of text.match(/[\p{L}\p{N}_]+/gu) ?? []) {
    for (const part of identifierParts(word)) {
      if (part.length < 3 || (/^\d+$/.test(part) && part.length < 2)) continue;
      const s = stem(part);
      if (STOPWORDS.has(s) || out.includes(s)) continue;
      out.push(s);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

function shorten(text: string, max = 80): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

/**
 * Extracts the requirements of a prompt (see the module comment for the rules).
 *
 * @example
 * extractRequirements({ prompt: 'Write `is_prime(n)` in Python. It must handle negative numbers.', variant: 'v' })
 * // → function is_prime (1 parameter), language python, clause [handl, negat, numb]
 */
export function extractRequirements(context: ScoreContext): Requirements {
  const list: Requirement[] = [];
  const functions = new Map<string, Requirement & { kind: 'function' }>();
  const seenText = new Set<string>();
  let nextId = 0;
  const add = (r: WithoutId<Requirement>): void => {
    if (list.length >= MAX_REQUIREMENTS) return;
    list.push({ ...r, id: nextId++ } as Requirement);
  };
  const addFunction = (
    name: string,
    params: ParamRange | undefined,
    text: string,
    source: 'entry' | 'prompt',
  ) => {
    const existing = functions.get(name);
    if (existing !== undefined) {
      // the entry point outranks a mention; a known parameter list outranks an unknown one
      if ((source === 'entry' && existing.source !== 'entry') || (existing.params === undefined && params)) {
        const upgraded = {
          ...existing,
          source: source === 'entry' ? 'entry' : existing.source,
          params: params ?? existing.params,
          weight: source === 'entry' ? 3 : existing.weight,
        } as Requirement & { kind: 'function' };
        list[list.indexOf(existing)] = upgraded;
        functions.set(name, upgraded);
      }
      return;
    }
    if (list.length >= MAX_REQUIREMENTS) return;
    const r = {
      id: nextId++,
      kind: 'function',
      name,
      params,
      text,
      source,
      weight: source === 'entry' ? 3 : 2,
    } as const;
    list.push(r);
    functions.set(name, r);
  };

  const prompt = context.prompt;
  const promptIsCode = context.codePrefix !== undefined;
  const codeFamily = lexFamily(context.language ?? (promptIsCode ? 'python' : undefined));

  // signatures in code (the whole prompt when it is a program, else its fenced blocks)
  const proseLines: string[] = [];
  let inFence = false;
  const lines = prompt.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = FENCE.test(line);
    if (fence) inFence = !inFence;
    if (promptIsCode || inFence) {
      if (fence) continue;
      for (const family of promptIsCode ? [codeFamily] : (['python', 'js', 'c'] as const)) {
        const def = matchDefinition(line, family);
        if (def?.kind !== 'function') continue;
        let params: ParamRange | undefined;
        if (def.paren !== -1) {
          const joined = lines.slice(i, i + 20).join('\n');
          const close = findClosing(joined, def.paren);
          if (close !== -1) params = parseParams(joined.slice(def.paren + 1, close), family);
        } else if (def.singleParam !== undefined) params = { min: 1, max: 1, names: [def.singleParam] };
        addFunction(def.name, params, shorten(line), 'prompt');
        break;
      }
      if (!promptIsCode) continue;
    }
    if (!fence && !inFence) proseLines.push(line);
  }

  if (context.entryPoint !== undefined && context.entryPoint !== '') {
    addFunction(
      context.entryPoint,
      functions.get(context.entryPoint)?.params,
      `define \`${context.entryPoint}\``,
      'entry',
    );
  }

  const prose = proseLines.join('\n');
  if (!promptIsCode) {
    // items and clauses
    for (const line of proseLines) {
      const item = ITEM.exec(line);
      if (item) {
        const terms = keyTerms(item[1]!);
        if (terms.length > 0 && !NEGATED.test(item[1]!)) {
          seenText.add(item[1]!.trim());
          add({ kind: 'terms', source: 'item', terms, text: shorten(item[1]!), weight: 1 });
        }
        continue;
      }
      for (const sentence of line.split(/(?<=[.!?])\s+/)) {
        const m = CLAUSE.exec(sentence);
        if (!m || NEGATED.test(sentence) || seenText.has(sentence.trim())) continue;
        const after = sentence.slice(m.index + m[0].length);
        const terms = keyTerms(after).length > 0 ? keyTerms(after) : keyTerms(sentence);
        if (terms.length === 0) continue;
        seenText.add(sentence.trim());
        add({ kind: 'terms', source: 'clause', terms, text: shorten(sentence), weight: 1 });
      }
    }

    // functions and identifiers named in prose
    const asksForCode =
      context.task === 'code' || /\b(?:write|implement|define|create|build|code|function)\b/i.test(prose);
    for (const m of prose.matchAll(BACKTICKED)) {
      const inner = m[1]!.trim();
      const call = CALL_SIGNATURE.exec(inner);
      if (call && asksForCode && !KEYWORDS.has(call[1]!)) {
        addFunction(call[1]!, parseParams(call[2]!, 'js'), `\`${inner}\``, 'prompt');
      } else if (/^[A-Za-z_$][\w$]*$/.test(inner) && inner.length >= 3 && !KEYWORDS.has(inner)) {
        if (!functions.has(inner)) add({ kind: 'identifier', name: inner, text: `\`${inner}\``, weight: 1 });
      }
    }
    for (const m of prose.matchAll(PROSE_FUNCTION)) {
      const name = m[1] ?? m[3];
      const params = m[2] ?? m[4];
      if (name === undefined || params === undefined || KEYWORDS.has(name) || !asksForCode) continue;
      addFunction(name, parseParams(params, 'js'), shorten(m[0]), 'prompt');
    }
    for (const m of prose.matchAll(CALLED)) {
      const name = m[2]!.replace(/\.$/, '');
      if (name.length < 3 || KEYWORDS.has(name) || functions.has(name)) continue;
      // plain words after "called" ("a dog called Rex") are names too, but only code-like ones are checked
      if (!/[_$A-Z0-9]/.test(name.slice(1)) && m[1] === undefined) continue;
      if (m[1] === 'function' || m[1] === 'method') addFunction(name, undefined, shorten(m[0]), 'prompt');
      else if (!list.some((r) => r.kind === 'identifier' && r.name === name)) {
        add({ kind: 'identifier', name, text: shorten(m[0]), weight: 1 });
      }
    }

    // formats, language, limits
    if (JSON_FORMAT.test(prose)) add({ kind: 'format', format: 'json', text: 'JSON output', weight: 1 });
    if (TABLE_FORMAT.test(prose)) add({ kind: 'format', format: 'table', text: 'a table', weight: 1 });
    if (LIST_FORMAT.test(prose)) add({ kind: 'format', format: 'list', text: 'a list', weight: 1 });
    const lang = LANGUAGE_ASK.exec(prose);
    if (lang) {
      const word = (lang[1] ?? lang[2])!;
      const language = LANGUAGES[word.toLowerCase()];
      if (language !== undefined) add({ kind: 'language', language, text: `code in ${word}`, weight: 1 });
    }
    const limit = LIMIT.exec(prose);
    if (limit) {
      const count = parseCount((limit[1] ?? limit[3] ?? limit[5])!);
      const unitWord = (limit[2] ?? limit[4] ?? limit[6])!.toLowerCase();
      const unit = unitWord.startsWith('word')
        ? 'words'
        : unitWord.startsWith('sentence')
          ? 'sentences'
          : 'lines';
      if (count !== undefined && count > 0)
        add({ kind: 'limit', unit, max: count, text: shorten(limit[0]), weight: 1 });
    }
  }

  // files and quoted literals (in code prompts: from docstrings and comments, not signatures)
  const literalSource = promptIsCode ? commentsAndStrings(prompt, codeFamily) : prose;
  const needles = new Set<string>();
  for (const m of literalSource.matchAll(FILE)) {
    if (FRAMEWORK.test(m[1]!) || needles.has(m[1]!)) continue;
    needles.add(m[1]!);
    add({ kind: 'needle', source: 'file', needle: m[1]!, text: m[1]!, weight: 1 });
  }
  const paramNames = new Set([...functions.values()].flatMap((f) => f.params?.names ?? []));
  for (const m of literalSource.matchAll(QUOTED)) {
    const needle = m[2]!;
    if (
      needles.has(needle) ||
      paramNames.has(needle) ||
      needle.trim() !== needle ||
      needle.split(/\s+/).length > 4
    )
      continue;
    needles.add(needle);
    add({ kind: 'needle', source: 'literal', needle, text: `${m[1]}${needle}${m[1]}`, weight: 0.5 });
  }

  const isCodeTask = context.task === 'code' || context.entryPoint !== undefined;
  if (isCodeTask) {
    add({ kind: 'body', text: 'an implementation (code beyond placeholders)', weight: 1 });
    if ((codeFamily === 'python' || context.language === undefined) && promptIsCode && RETURNS.test(prompt)) {
      add({ kind: 'returns', text: 'a `return` (the prompt says what to return)', weight: 1 });
    }
  }

  const termIndex = new Map<string, number[]>();
  const nameIndex = new Map<string, number[]>();
  let maxNeedle = 0;
  for (const r of list) {
    if (r.kind === 'terms') {
      for (const t of r.terms) termIndex.set(t, [...(termIndex.get(t) ?? []), r.id]);
    } else if (r.kind === 'identifier' || r.kind === 'function') {
      nameIndex.set(r.name, [...(nameIndex.get(r.name) ?? []), r.id]);
    } else if (r.kind === 'needle') {
      maxNeedle = Math.max(maxNeedle, r.needle.length);
    }
  }
  return { list, termIndex, nameIndex, maxNeedle, hasLimit: list.some((r) => r.kind === 'limit') };
}

/** The comment and string text of a program (where a code prompt states its requirements). */
function commentsAndStrings(program: string, family: ReturnType<typeof lexFamily>): string {
  const lexer = createLineLexer(family);
  const out: string[] = [];
  for (const line of program.split('\n')) {
    const wasOpen = lexer.open;
    const { code, comment } = lexer.lex(line);
    if (comment !== '') out.push(comment);
    // characters blanked in `code` but not in the comment are string contents (docstrings)
    if (wasOpen || code !== line) {
      let s = '';
      for (let i = 0; i < line.length; i++) s += code[i] === line[i] ? ' ' : line[i];
      out.push(s.replace(comment, ''));
    }
  }
  return out.join('\n');
}
