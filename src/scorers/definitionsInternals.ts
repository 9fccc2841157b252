/**
 * Function and class definitions found by regular expressions over (masked) code lines, with their
 * parameter counts. An approximation shared by the completeness and consistency scorers; the forms
 * recognised are listed on `matchDefinition`. Not public.
 */
import type { LexFamily } from './codeLexInternals.js';

/** How many arguments a definition accepts: `min` required, `max` in all (Infinity if variadic). */
export interface ParamRange {
  readonly min: number;
  readonly max: number;
  /** Parameter names, in order (destructured parameters give their inner names). */
  readonly names: readonly string[];
}

/** The start of a definition on a line. */
export interface DefinitionStart {
  readonly name: string;
  readonly kind: 'function' | 'class';
  /** Index in the line of the `(` that opens the parameter list, or -1 (classes, `x => …`). */
  readonly paren: number;
  /** For `name = x => …`: the single parameter. */
  readonly singleParam?: string;
}

const NOT_NAMES = new Set([
  'if',
  'for',
  'while',
  'switch',
  'catch',
  'return',
  'function',
  'new',
  'else',
  'do',
  'try',
  'with',
  'typeof',
  'await',
  'throw',
  'case',
  'sizeof',
  'elif',
  'print',
  'super',
  'this',
  'constructor',
]);

const PY_DEF = /^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/;
const PY_CLASS = /^\s*class\s+([A-Za-z_]\w*)/;
const JS_FUNCTION = /\bfunction\s*\*?\s*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\(/;
const JS_BOUND =
  /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b\s*\*?\s*[\w$]*\s*(\()|(\()|([A-Za-z_$][\w$]*)\s*=>)/d;
const JS_METHOD =
  /^\s*(?:(?:public|private|protected|static|async|readonly|override|abstract|get|set|export|default)\s+)*\*?\s*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\((.*?)\)\s*(?::\s*[^{=]+)?\{/;
const CLASS = /\b(?:class|interface|struct|enum|trait)\s+([A-Za-z_$][\w$]*)/;
const C_FUNC = /\b(?:func|fn|fun|def)\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*(?:<[^>]*>)?\s*\(/;
const C_TYPED = /^\s*(?:[\w<>[\],.?*&:]+\s+)+[*&]*([A-Za-z_]\w*)\s*\(/;

/**
 * Finds a definition on a masked code line. Forms: Python `def f(` / `class C`; JS/TS
 * `function f(`, `const f = (…) =>`, `const f = x =>`, `const f = function (`, class methods
 * `f(…) {`, `class C`; C-like `func`/`fn`/`fun` (Go, Rust, Kotlin, Swift), typed definitions
 * `int f(` (C, C++, Java, C#), `class`/`struct`/`interface`/`enum`/`trait`.
 */
export function matchDefinition(code: string, family: LexFamily): DefinitionStart | undefined {
  if (family === 'python') {
    const def = PY_DEF.exec(code);
    if (def) return { name: def[1]!, kind: 'function', paren: def[0].length - 1 };
    const cls = PY_CLASS.exec(code);
    if (cls) return { name: cls[1]!, kind: 'class', paren: -1 };
    return undefined;
  }
  if (family === 'js') {
    const fn = JS_FUNCTION.exec(code);
    if (fn) return { name: fn[1]!, kind: 'function', paren: fn.index + fn[0].length - 1 };
    const bound = JS_BOUND.exec(code);
    if (bound) {
      if (bound[4] !== undefined)
        return { name: bound[1]!, kind: 'function', paren: -1, singleParam: bound[4] };
      const group = bound[2] !== undefined ? 2 : 3;
      const at = bound.indices?.[group]?.[0];
      if (at !== undefined) return { name: bound[1]!, kind: 'function', paren: at };
    }
    const cls = CLASS.exec(code);
    if (cls) return { name: cls[1]!, kind: 'class', paren: -1 };
    const method = JS_METHOD.exec(code);
    if (method && !NOT_NAMES.has(method[1]!)) {
      return {
        name: method[1]!,
        kind: 'function',
        paren: code.indexOf('(', method.index + method[0].indexOf(method[1]!)),
      };
    }
    return undefined;
  }
  if (family === 'c') {
    const fn = C_FUNC.exec(code);
    if (fn) return { name: fn[1]!, kind: 'function', paren: fn.index + fn[0].length - 1 };
    const cls = CLASS.exec(code);
    if (cls) return { name: cls[1]!, kind: 'class', paren: -1 };
    const typed = C_TYPED.exec(code);
    if (typed && !NOT_NAMES.has(typed[1]!)) {
      const first = code.trim().split(/\s+/, 1)[0]!;
      if (!NOT_NAMES.has(first))
        return { name: typed[1]!, kind: 'function', paren: typed.index + typed[0].length - 1 };
    }
  }
  return undefined;
}

/** Index of the bracket closing the one at `open`, or -1 when the text ends first. */
export function findClosing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth += 1;
    else if (c === ')' || c === ']' || c === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Splits on commas outside brackets (and outside TS generics `<…>`, but not at `=>`). */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{' || c === '<') depth += 1;
    else if (
      c === ')' ||
      c === ']' ||
      c === '}' ||
      (c === '>' && text[i - 1] !== '=' && text[i - 1] !== '-')
    ) {
      depth = Math.max(0, depth - 1);
    } else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** The parameter range of a parameter list's inner text (what is between the parentheses). */
export function parseParams(inner: string, family: LexFamily): ParamRange {
  let parts = splitTopLevel(inner);
  if (family === 'c' && parts.length === 1 && parts[0] === 'void') parts = [];
  let min = 0;
  let max = 0;
  const names: string[] = [];
  parts.forEach((raw, index) => {
    const p = raw.replace(/^(?:public|private|protected|readonly|final|const|mut)\s+/, '');
    if (index === 0 && /^(?:self|cls|&\s*(?:mut\s+)?self|this\b.*)$/.test(p)) return;
    if (p === '*' || p === '/') return;
    if (/^\*{1,2}\w|^\.\.\.|\w\.\.\.|\.\.\.\w/.test(p) || /^\*\*?$/.test(p)) {
      max = Number.POSITIVE_INFINITY;
      names.push(p.replace(/^[*.]+/, '').split(/[:=\s]/, 1)[0]!);
      return;
    }
    const optional = /=/.test(p.replace(/=>/g, '')) || /^[\w$]+\?\s*:/.test(p);
    max += 1;
    if (!optional) min += 1;
    names.push(...paramNames(p, family));
  });
  return { min, max, names };
}

function paramNames(p: string, family: LexFamily): string[] {
  const head = p.split(/=(?!>)/, 1)[0]!.trim();
  if (head.startsWith('{') || head.startsWith('[')) {
    const inner = head.slice(1, findClosing(head, 0) === -1 ? undefined : findClosing(head, 0));
    return (inner.match(/[A-Za-z_$][\w$]*(?=\s*(?:[,}\]=]|$))/g) ?? []).filter((n) => n !== '');
  }
  if (family === 'python' || family === 'js') {
    const name = /^[A-Za-z_$][\w$]*/.exec(head);
    return name ? [name[0]] : [];
  }
  // C-like: `int x`, `x int` (Go), `x: i32` (Rust): the identifier before `:` or the last one
  const colon = head.indexOf(':');
  if (colon !== -1) {
    const name = /[A-Za-z_]\w*\s*$/.exec(head.slice(0, colon));
    return name ? [name[0].trim()] : [];
  }
  const words = head.match(/[A-Za-z_]\w*/g) ?? [];
  return words.length > 0
    ? [
        family === 'c' &&
        words.length === 2 &&
        /^[a-z]/.test(words[0]!) &&
        !/^(?:int|char|long|short|float|double|bool|void|byte|string|unsigned|signed|auto|var|const)$/.test(
          words[0]!,
        )
          ? words[0]!
          : words[words.length - 1]!,
      ]
    : [];
}

/** Whether two parameter ranges can accept the same number of arguments. */
export function rangesOverlap(a: ParamRange, b: ParamRange): boolean {
  return a.min <= b.max && b.min <= a.max;
}

/** A readable parameter count: `2`, `1–2`, `2+`. */
export function describeRange(r: ParamRange): string {
  if (r.max === Number.POSITIVE_INFINITY) return `${r.min}+`;
  return r.min === r.max ? String(r.min) : `${r.min}–${r.max}`;
}
