/**
 * Guessing the language of code in an unlabeled fence, with simple line patterns.
 *
 * Conservative on purpose: a wrong guess turns program output or prose into "syntax errors", so a
 * block is only given a language when the evidence is clear, and otherwise left unchecked.
 *
 * How it decides:
 * 1. Unmistakable first lines: `<?php` → php; a shebang naming python/node/bash/sh; `<!DOCTYPE`
 *    or `<html` → html; `package x` (Go's first statement) → go.
 * 2. Otherwise each language collects points from patterns that are typical of it (below, each
 *    with its weight). The best language wins if it has at least {@link MIN_SCORE} points and
 *    more than the runner-up; a tie with the caller's `hint` (the task's language) goes to the
 *    hint, and the hint gets one extra point when it has any evidence at all.
 * 3. TypeScript scores JavaScript's points plus its own (annotations, `interface`, `type X`),
 *    but only when it has some of its own, so plain JavaScript stays JavaScript.
 *
 * Only the first {@link SCAN_CHARS} characters are looked at, so detection costs O(1) per block.
 */

/** Points a language needs before it is chosen. */
export const MIN_SCORE = 3;

/** How much of a block is scanned. */
export const SCAN_CHARS = 4000;

type Signals = readonly (readonly [RegExp, number])[];

const JS_SIGNALS: Signals = [
  [/\bfunction\b\s*\*?\s*\w*\s*\([^)]*\)\s*\{/, 3],
  [/^\s*(const|let|var)\s+[\w$]+\s*=/m, 2],
  [/^\s*(const|let|var)\s+[{[]/m, 2],
  [/\)\s*=>\s*[{(]?|\b\w+\s*=>/, 2],
  [/\bconsole\.(log|error|warn)\(/, 2],
  [/\brequire\(\s*['"]/, 2],
  [/^\s*import\s+.*\bfrom\s+['"]/m, 2],
  [/^\s*export\s+(default|const|function|class|async)\b/m, 2],
  [/;\s*$/m, 1],
  [/\b(document|window)\.\w+/, 1],
];

const SIGNALS: Readonly<Record<string, Signals>> = {
  python: [
    [/^\s*def \w+\s*\(.*\)\s*(->\s*[^:]+)?:\s*(#.*)?$/m, 3],
    [/^\s*class \w+(\([^)]*\))?:\s*$/m, 3],
    [/^\s*(from [\w.]+ import [\w*(]|import [\w.]+(\s+as \w+)?\s*$)/m, 2],
    [/^\s*(elif\b.*|else|try|finally|except\b.*):\s*$/m, 2],
    [/^\s*(for\b.+\bin\b.+|while\b.+|if\b.+|with\b.+):\s*$/m, 2],
    [/^\s*return\b[^;{]*$/m, 1],
    [/\b(self\.|None\b|True\b|False\b|print\()/, 1],
    [/^\s*@\w+(\.\w+)*(\(.*\))?\s*$/m, 1],
  ],
  javascript: JS_SIGNALS,
  typescript: [
    [/^\s*(export\s+)?(interface|type|enum)\s+\w+/m, 3],
    [/\b(const|let|var)\s+\w+\s*:\s*[\w<>[\]|]+\s*=/, 3],
    [/\(\s*\w+\??\s*:\s*(string|number|boolean|any|unknown|\w+\[\])\b/, 3],
    [/\)\s*:\s*(string|number|boolean|void|Promise<|unknown|never)\b/, 3],
    [/\bas\s+(const|string|number|unknown)\b/, 2],
  ],
  rust: [
    [/^\s*(pub(\([^)]*\))?\s+)?(async\s+)?fn\s+\w+/m, 3],
    [/\blet\s+mut\b/, 3],
    [/^\s*(use\s+(std|crate|super)::|impl\b|mod\s+\w+;|#\[derive)/m, 3],
    [/\b(println|vec|format|panic)!\(/, 3],
    [/&(mut\s+)?self\b|->\s*(Self|Result<|Option<|Vec<|String\b|i32|u32|usize|bool)/, 2],
  ],
  go: [
    [/^\s*func\s+(\([^)]*\)\s*)?\w+\s*\(/m, 3],
    [/\w+\s*:=\s*/, 2],
    [/\bfmt\.(Println|Printf|Sprintf|Errorf)\(/, 3],
    [/^\s*import\s*\(\s*$/m, 2],
    [/\bif\s+err\s*!=\s*nil\b/, 3],
  ],
  java: [
    [/\bpublic\s+static\s+void\s+main\s*\(\s*String/, 5],
    [/^\s*(public|private|protected)\s+(static\s+)?(final\s+)?(class|interface|enum|record)\s+\w+/m, 3],
    [/\bSystem\.out\.print(ln)?\(/, 4],
    [/^\s*import\s+java\.[\w.*]+;/m, 4],
    [/^\s*(public|private|protected)\s+[\w<>[\], ]+\s+\w+\s*\([^)]*\)\s*(throws [\w, ]+)?\{/m, 2],
  ],
  c: [
    [/^\s*#include\s*<(stdio|stdlib|string|math|stdint|stdbool|unistd)\.h>/m, 4],
    [/\b(printf|scanf|malloc|free|fprintf)\s*\(/, 2],
    [/^\s*(int|void|char|double|float|long|unsigned|static)\s+\**\w+\s*\([^)]*\)\s*\{?\s*$/m, 2],
    [/^\s*typedef\s+struct\b/m, 2],
  ],
  cpp: [
    [/^\s*#include\s*<(iostream|vector|string|map|unordered_map|algorithm|memory|set|queue)>/m, 5],
    [/\bstd::\w+/, 3],
    [/^\s*using\s+namespace\s+std\s*;/m, 4],
    [/\b(cout|cin|cerr)\s*(<<|>>)/, 3],
    [/^\s*template\s*</m, 3],
  ],
  csharp: [
    [/^\s*using\s+System(\.[\w.]+)?\s*;/m, 5],
    [/\bConsole\.(WriteLine|Write|ReadLine)\(/, 4],
    [/^\s*namespace\s+[\w.]+\s*[{;]?\s*$/m, 2],
    [/\b(public|private|internal)\s+(static\s+)?(async\s+)?[\w<>[\]]+\s+\w+\s*\([^)]*\)\s*(=>|\{|$)/m, 1],
    [/\{\s*get;\s*(set;)?\s*\}/, 4],
  ],
  ruby: [
    [/^\s*def\s+[\w?!]+(\(.*\))?\s*$/m, 2],
    [/^\s*end\s*$/m, 2],
    [/^\s*(puts|require|require_relative|attr_accessor|attr_reader)\s+/m, 3],
    [/\.each(_with_index)?\s+do\s*\|/, 3],
    [/^\s*class\s+\w+(\s*<\s*\w+)?\s*$/m, 1],
  ],
  bash: [
    [
      /^\s*(sudo\s+)?(apt(-get)?|brew|npm|npx|yarn|pnpm|pip3?|git|docker|kubectl|curl|wget|cd|mkdir|chmod|export|source|echo)\s+\S/m,
      3,
    ],
    [/^\s*(if|while)\s+\[\[?\s.*\]\]?\s*;?\s*(then|do)?\s*$/m, 3],
    [/^\s*(fi|done|esac)\s*$/m, 3],
    [/\$\{?\w+\}?/, 1],
    [/^\s*\w+=\S*\s*$/m, 1],
  ],
  css: [
    [
      /^\s*(?!(export|interface|function|class|if|for|while|else|switch|type|enum|struct|impl|fn|pub|public|private|def|const|let|var)\b)[.#]?[\w-]+([\s>+~.#:[\]="\w-]*)\{\s*$/m,
      2,
    ],
    [/^\s*[\w-]+\s*:\s*[^;{}]+;\s*$/m, 2],
    [/^\s*@(media|import|keyframes|font-face)\b/m, 3],
    [/^\s*\}\s*$/m, 1],
  ],
  json: [
    [/^\s*[{[]/, 1],
    [/^\s*"[^"\n]*"\s*:\s*/m, 3],
    [/[}\]]\s*$/, 1],
  ],
  yaml: [
    [/^[\w-]+:\s*$/m, 2],
    [/^\s+[\w-]+:\s+\S/m, 1],
    [/^\s*-\s+[\w-]+:\s/m, 2],
    [/^---\s*$/m, 2],
  ],
  toml: [
    [/^\s*\[\[?[\w.-]+\]\]?\s*$/m, 3],
    [/^\s*[\w.-]+\s*=\s*("[^"]*"|\d+|true|false|\[)/m, 1],
  ],
  sql: [
    [
      /^\s*(SELECT\s+.+\s+FROM|INSERT\s+INTO|CREATE\s+(TABLE|INDEX|VIEW)|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b/im,
      5,
    ],
  ],
};

function firstLineLanguage(code: string): string | undefined {
  const first = code.trimStart().split('\n', 1)[0]!.trim();
  if (first.startsWith('<?php')) return 'php';
  const shebang = /^#!.*\b(python3?|node|bash|sh|zsh)\b/.exec(first);
  if (shebang) return { python: 'python', python3: 'python', node: 'javascript' }[shebang[1]!] ?? 'bash';
  if (/^<!doctype html|^<html\b/i.test(first)) return 'html';
  if (/^package\s+\w+\s*$/.test(first)) return 'go';
  return undefined;
}

/**
 * The likely language of `code` (a canonical name as `normalizeLanguage` gives), or undefined when
 * unsure. `hint` (e.g. the task's language) breaks ties.
 *
 * @example
 * detectLanguage('def f(x):\n    return x + 1'); // → 'python'
 * detectLanguage('Hello, world!');                 // → undefined
 */
export function detectLanguage(code: string, hint?: string): string | undefined {
  const text = code.length > SCAN_CHARS ? code.slice(0, SCAN_CHARS) : code;
  if (text.trim() === '') return undefined;
  const first = firstLineLanguage(text);
  if (first !== undefined) return first;
  const scores = new Map<string, number>();
  for (const [language, signals] of Object.entries(SIGNALS)) {
    let score = 0;
    for (const [pattern, weight] of signals) if (pattern.test(text)) score += weight;
    scores.set(language, score);
  }
  // TypeScript is JavaScript plus its own evidence; without that evidence it does not compete.
  const typescript = scores.get('typescript')!;
  scores.set('typescript', typescript === 0 ? 0 : typescript + scores.get('javascript')!);
  let best: string | undefined;
  let bestScore = 0;
  let runnerUp = 0;
  for (const [language, raw] of scores) {
    const score = raw > 0 && language === hint ? raw + 1 : raw;
    if (score > bestScore || (score === bestScore && language === hint)) {
      runnerUp = bestScore;
      best = language;
      bestScore = score;
    } else if (score > runnerUp) {
      runnerUp = score;
    }
  }
  if (best === undefined || bestScore < MIN_SCORE || (bestScore === runnerUp && best !== hint))
    return undefined;
  return best;
}
