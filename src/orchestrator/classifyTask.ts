import type { TaskKind } from '../scorers/scorer.js';

// Lettered options on their own lines: "A) …", "(b) …", "C. …", "D: …".
const OPTION_LINE = /^\s*(?:\(?([A-Ja-j])\)|([A-J])[.:])\s+\S/gm;
const CHOICE_WORDS =
  /\b(?:which of the following|multiple[- ]choice|choose (?:the|one|an?) |select (?:the|one|an?) |pick (?:the|one|an?) |answer with (?:the|a) letter|options?:)/i;

const CODE_FENCE = /```|~~~/;
const CODE_WORDS =
  /\b(?:function|method|class|implement|implementation|code|program|script|compile[sd]?|refactor|debug|bug|regex|regular expression|unit tests?|algorithm|api|endpoint|sql|query|snippet|stack ?trace|exception|typescript|javascript|python|java|rust|golang|kotlin|swift|c\+\+|c#|ruby|php|bash|shell|html|css|json|yaml|dockerfile|npm|pip)\b/gi;
// Things only code has: calls, definitions, operators, declarations.
const CODE_SYNTAX =
  /(?:\bdef \w+\(|\bfunction\s*\w*\(|=>|\bconst \w+\s*=|\blet \w+\s*=|\bimport \w|#include|\bpublic (?:static )?\w+|\b[A-Za-z_]\w*\((?:[A-Za-z_][\w, ]*)?\)|;\s*$|\{\s*$)/gm;

// A line that opens a definition or an import: code, whatever the prose around it says.
const DEFINITION =
  /^[ \t]*(?:def|class|function|fn|func|interface|struct|impl|package|import|from [\w.]+ import|#include|(?:public|private|protected|static|export)\s+\w)\b/gm;

const MATH_WORDS =
  /\b(?:how (?:many|much|long|far|old|fast)|calculate|compute|solve|sum|total|average|mean|product|percent(?:age)?|ratio|probability|equation|integral|derivative|remainder|divisible|prime|fraction|multiply|divide|minus|plus|times|per (?:hour|day|week|month|year|minute)|cost|costs|spent|earn(?:s|ed)?|profit|half|twice|double|triple|altogether|in all|remaining|left over|distance|speed|miles|hours|minutes|dollars|cents|feet|inches|pounds|liters|kilograms)\b/gi;
const ARITHMETIC = /\d\s*[-+*/×÷^=<>]\s*\d|\$\s?\d|\d\s?%|\\frac|\\sqrt/g;
const NUMBER = /\d+(?:[.,]\d+)?/g;
const NUMBER_WORDS =
  /\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|dozen|half|third|quarter)\b/gi;

const count = (re: RegExp, text: string): number => text.match(re)?.length ?? 0;

/**
 * A cheap classifier of a prompt's task kind, for `task = "auto"`: a few regular expressions,
 * linear in the prompt, no model.
 *
 * 1. `choice` when the prompt lists at least two lettered options on their own lines
 *    (`A) …`, `(b) …`, `C. …`), or at least one such line and a phrase such as "which of the
 *    following" or "choose the".
 * 2. Otherwise two scores are compared. Code: a fenced block counts 3; each line opening a
 *    definition or an import (`def`, `class`, `function`, `fn`, `import`, `#include`, …) 2; each code word (function,
 *    implement, python, sql, …) 1; each line with code syntax (`def f(`, `=>`, `const x =`, a call
 *    such as `isPrime(n)`, a line ending in `;` or `{`) 1. Math: each math word (how many, calculate, total, percent,
 *    per hour, half, altogether, miles, dollars, …) 1; each arithmetic pattern (`3 * 4`, `$12`,
 *    `25%`, `\frac`) 1.5; and, when the prompt has at least two numbers (digits or number words
 *    such as "three", "half", "dozen"), 1 more.
 * 3. `code` when its score is at least 2 and at least the math score; `math` when its score is at
 *    least 2 (and above the code score) and the prompt has a number; else `text`.
 *
 * Wrong guesses cost little: the kind picks the default scorers and how answers are compared, and
 * an explicit `task` (per call or in the config) always wins.
 *
 * @example
 * ```ts
 * classifyTask('Write isPrime(n) in TypeScript'); // 'code'
 * classifyTask('A shop sells 3 pens for $4. How much do 12 pens cost?'); // 'math'
 * classifyTask('Which planet is largest?\nA) Mars\nB) Jupiter\nC) Venus'); // 'choice'
 * classifyTask('Summarize the plot of Hamlet in two sentences.'); // 'text'
 * ```
 */
export function classifyTask(prompt: string): TaskKind {
  if (typeof prompt !== 'string') throw new TypeError('`prompt` must be a string');
  const options = count(OPTION_LINE, prompt);
  if (options >= 2 || (options >= 1 && CHOICE_WORDS.test(prompt))) return 'choice';

  const code =
    (CODE_FENCE.test(prompt) ? 3 : 0) +
    2 * count(DEFINITION, prompt) +
    count(CODE_WORDS, prompt) +
    count(CODE_SYNTAX, prompt);
  const numbers = count(NUMBER, prompt) + count(NUMBER_WORDS, prompt);
  const math = count(MATH_WORDS, prompt) + 1.5 * count(ARITHMETIC, prompt) + (numbers >= 2 ? 1 : 0);
  if (code >= 2 && code >= math) return 'code';
  if (math >= 2 && math > code && numbers > 0) return 'math';
  return 'text';
}
