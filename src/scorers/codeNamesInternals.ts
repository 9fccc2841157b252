/**
 * Names defined and used in code, by a lexical approximation over masked lines (Python and
 * JavaScript/TypeScript), for the consistency scorer. Not public.
 *
 * Scope is flat: one table per language across all the answer's blocks (and the code prefix), so
 * a name counts as defined if it is defined anywhere, before or after its use. That is coarser
 * than real scoping but catches the mistakes that matter in generated code: a helper that was
 * never written, a module never imported (`math.sqrt` without `import math`), a typo, a
 * parameter the body never looks at.
 *
 * Definitions: Python `def`/`class` (and their parameters), `import`/`from … import` (a star
 * import turns undefined-name checks off), assignment targets (also tuple, annotated, augmented
 * and chained), `for … in` targets (also in comprehensions), `as` targets, `lambda` parameters,
 * `:=`, `global`/`nonlocal`. JS/TS: `function`/`class`/`interface`/`type`/`enum`, `const`/`let`/
 * `var` (with destructuring), function, arrow and method parameters, generic parameters, `catch`
 * bindings, `import` clauses.
 * Uses: every other identifier that is not after a `.`, not a keyword or a well-known builtin or
 * global, not a keyword argument (`f(x=1)`), not an object key (`{ a: 1 }`) or JSX tag.
 */
import { findClosing, matchDefinition, parseParams, splitTopLevel } from './definitionsInternals.js';

/** What kind of definition a name has. */
export type DefinitionKind = 'import' | 'function' | 'class' | 'method' | 'parameter' | 'variable';

/** Where something is, in the answer (undefined for code prefix lines). */
export interface Site {
  readonly offset: number | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
}

/** The first definition of a name. */
export interface NameDefinition extends Site {
  readonly kind: DefinitionKind;
  /** True for definitions in the code prefix (not the answer's doing). */
  readonly prefix: boolean;
}

/** The first use of a name. */
export interface NameUse extends Site {
  /** Called (`f(`) or used as a module/object (`m.x`): a missing definition fails at run time. */
  readonly hard: boolean;
  /** True for uses in the code prefix. */
  readonly prefix: boolean;
}

/** The names of one language family, kept up to date line by line. */
export interface NameTable {
  readonly definitions: ReadonlyMap<string, NameDefinition>;
  readonly uses: ReadonlyMap<string, NameUse>;
  /** Used and not defined (so far). */
  readonly unresolved: ReadonlySet<string>;
  /** Defined and not used (so far). */
  readonly unused: ReadonlySet<string>;
  /** A `from x import *` was seen: undefined names cannot be known. */
  readonly starImport: boolean;
}

/** A name tracker for one family. */
export interface NameTracker extends NameTable {
  /** Feeds one masked code line. `site` is where the line starts. */
  line(code: string, site: Omit<Site, 'column'>, prefix: boolean): void;
  /** A block ended: multi-line constructs still open are dropped. */
  endBlock(): void;
}

const PY_KEYWORDS =
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case print self cls _ __name__ __file__ __doc__ __main__ __init__ __class__ __dict__ NotImplemented Ellipsis';
const PY_BUILTINS =
  'abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex copyright credits delattr dict dir divmod enumerate eval exec exit filter float format frozenset getattr globals hasattr hash help hex id input int isinstance issubclass iter len license list locals map max memoryview min next object oct open ord pow property quit range repr reversed round set setattr slice sorted staticmethod str sum super tuple type vars zip __import__ ' +
  'BaseException Exception ArithmeticError AssertionError AttributeError BlockingIOError BrokenPipeError BufferError ConnectionError EOFError EnvironmentError FileExistsError FileNotFoundError FloatingPointError GeneratorExit IOError ImportError IndentationError IndexError InterruptedError IsADirectoryError KeyError KeyboardInterrupt LookupError MemoryError ModuleNotFoundError NameError NotADirectoryError NotImplementedError OSError OverflowError PermissionError ProcessLookupError RecursionError ReferenceError RuntimeError StopAsyncIteration StopIteration SyntaxError SystemError SystemExit TabError TimeoutError TypeError UnboundLocalError UnicodeDecodeError UnicodeEncodeError UnicodeError ValueError ZeroDivisionError Warning UserWarning DeprecationWarning RuntimeWarning';
const JS_KEYWORDS =
  'break case catch class const continue debugger default delete do else export extends finally for function if import in instanceof let new return static super switch this throw try typeof var void while with yield async await of get set from as type interface enum implements private public protected readonly abstract declare namespace module keyof infer is satisfies override constructor arguments true false null undefined NaN Infinity';
const JS_GLOBALS =
  'console Math JSON Object Array String Number Boolean Symbol BigInt Date RegExp Error TypeError RangeError SyntaxError ReferenceError EvalError URIError AggregateError Promise Map Set WeakMap WeakSet WeakRef Proxy Reflect Intl ArrayBuffer DataView Uint8Array Int8Array Uint16Array Int16Array Uint32Array Int32Array Float32Array Float64Array BigInt64Array BigUint64Array Uint8ClampedArray parseInt parseFloat isNaN isFinite encodeURIComponent decodeURIComponent encodeURI decodeURI globalThis window document navigator location history fetch setTimeout clearTimeout setInterval clearInterval setImmediate clearImmediate queueMicrotask structuredClone requestAnimationFrame cancelAnimationFrame require module exports process Buffer __dirname __filename URL URLSearchParams TextEncoder TextDecoder AbortController AbortSignal Headers Request Response FormData Blob File FileReader Event EventTarget CustomEvent alert confirm prompt localStorage sessionStorage crypto performance atob btoa HTMLElement Element Node Worker WebSocket XMLHttpRequest Image Audio ' +
  'string number boolean any unknown never object bigint symbol Record Partial Required Readonly Pick Omit Exclude Extract ReturnType Parameters NonNullable Awaited InstanceType ThisType Uppercase Lowercase Capitalize Uncapitalize ReadonlyArray PromiseLike Iterable Iterator AsyncIterable IterableIterator Generator AsyncGenerator PropertyKey ArrayLike Function ' +
  'describe it test expect jest vi beforeEach afterEach beforeAll afterAll';

const PY_SKIP = new Set(`${PY_KEYWORDS} ${PY_BUILTINS}`.split(/\s+/));
const JS_SKIP = new Set(`${JS_KEYWORDS} ${JS_GLOBALS}`.split(/\s+/));

const PY_IDENT = /[A-Za-z_][A-Za-z0-9_]*/g;
const JS_IDENT = /[A-Za-z_$][\w$]*/g;

interface PendingParams {
  text: string;
  readonly paren: number;
  lines: number;
  readonly site: Omit<Site, 'column'>;
  readonly prefix: boolean;
  /** Parameters of a method: not reported as unused (the signature is fixed by the class). */
  readonly method: boolean;
}

/**
 * Creates a name tracker for `python` or `js`.
 *
 * @example
 * const names = createNameTracker('python');
 * names.line('import os', site, false);
 * names.line('print(math.pi)', site, false);
 * names.unresolved; // → Set { 'math' };  names.unused → Set { 'os' }
 */
export function createNameTracker(family: 'python' | 'js'): NameTracker {
  const definitions = new Map<string, NameDefinition>();
  const uses = new Map<string, NameUse>();
  const unresolved = new Set<string>();
  const unused = new Set<string>();
  let starImport = false;
  let pending: PendingParams | undefined;
  let importOpen = false; // inside `from x import (` … `)` or `import {` … `}`
  let typeBody = 0; // brace depth inside a TS interface or object type
  const classIndents: number[] = [];
  const skip = family === 'python' ? PY_SKIP : JS_SKIP;
  const identifier = family === 'python' ? PY_IDENT : JS_IDENT;

  const define = (name: string, kind: DefinitionKind, site: Site, prefix: boolean): void => {
    if (skip.has(name)) return;
    if (!definitions.has(name)) {
      definitions.set(name, { kind, prefix, ...site });
      if (!uses.has(name)) unused.add(name);
    }
    unresolved.delete(name);
  };
  const use = (name: string, hard: boolean, site: Site, prefix: boolean): void => {
    if (skip.has(name)) return;
    const first = uses.get(name);
    if (first === undefined) uses.set(name, { hard, prefix, ...site });
    else if (hard && !first.hard) uses.set(name, { ...first, hard });
    unused.delete(name);
    if (!definitions.has(name)) unresolved.add(name);
  };
  const at = (site: Omit<Site, 'column'>, column: number): Site => ({
    offset: site.offset === undefined ? undefined : site.offset + column,
    line: site.line,
    column: column + 1,
  });

  /** Identifiers of `text` (a slice of the line starting at `base`) as definitions. */
  const defineAll = (
    text: string,
    base: number,
    kind: DefinitionKind,
    site: Omit<Site, 'column'>,
    prefix: boolean,
    sites: Set<number>,
  ) => {
    for (const m of text.matchAll(identifier)) {
      if (text[m.index - 1] === '.' || sites.has(base + m.index)) continue;
      sites.add(base + m.index);
      define(m[0], kind, at(site, base + m.index), prefix);
    }
  };

  /** Parameter names as definitions; annotation and default identifiers stay uses. */
  const defineParams = (
    inner: string,
    base: number,
    site: Omit<Site, 'column'>,
    prefix: boolean,
    sites: Set<number>,
    method: boolean,
  ) => {
    const names = new Set(parseParams(inner, family).names);
    for (const m of inner.matchAll(identifier)) {
      if (!names.has(m[0]) || sites.has(base + m.index)) continue;
      // only the first occurrence in its comma part is the parameter (`x: int = x0`)
      const before = inner.slice(0, m.index);
      const partStart = Math.max(
        before.lastIndexOf(','),
        before.lastIndexOf('('),
        before.lastIndexOf('{'),
        before.lastIndexOf('['),
      );
      const head = inner.slice(partStart + 1, m.index);
      // (inside a destructuring pattern `{ key: name }`, the name after `:` is the binding)
      if (/[:=]/.test(head) && !(depthAt(inner, m.index) > 0 && /^\s*[A-Za-z_$][\w$]*\s*:\s*$/.test(head)))
        continue;
      sites.add(base + m.index);
      define(m[0], method ? 'method' : 'parameter', at(site, base + m.index), prefix);
    }
  };

  const pythonLine = (
    code: string,
    site: Omit<Site, 'column'>,
    prefix: boolean,
    sites: Set<number>,
  ): boolean => {
    const indent = /^\s*/.exec(code)![0].length;
    if (code.trim() !== '')
      while (classIndents.length > 0 && indent <= classIndents[classIndents.length - 1]!) classIndents.pop();
    if (importOpen) {
      defineImported(code, 0, site, prefix, sites);
      if (code.includes(')')) importOpen = false;
      return true;
    }
    const imp = /^\s*import\s+(.+)$/.exec(code);
    if (imp) {
      for (const part of splitTopLevel(imp[1]!)) {
        const alias = /\bas\s+([A-Za-z_]\w*)/.exec(part);
        const name = alias ? alias[1]! : /^[A-Za-z_]\w*/.exec(part)?.[0];
        if (name !== undefined) define(name, 'import', at(site, code.indexOf(part)), prefix);
      }
      return true;
    }
    const from = /^\s*from\s+[\w.]+\s+import\s+(.*)$/.exec(code);
    if (from) {
      if (/^\s*\*/.test(from[1]!)) starImport = true;
      const base = code.length - from[1]!.length;
      defineImported(from[1]!, base, site, prefix, sites);
      if (from[1]!.includes('(') && !from[1]!.includes(')')) importOpen = true;
      return true;
    }
    const def = matchDefinition(code, 'python');
    if (def?.kind === 'class') {
      classIndents.push(indent);
      const at0 = code.indexOf(def.name);
      sites.add(at0);
      define(def.name, 'class', at(site, at0), prefix);
    } else if (def?.kind === 'function') {
      const at0 = code.indexOf(def.name, code.indexOf('def'));
      sites.add(at0);
      const method = classIndents.length > 0 && indent > classIndents[classIndents.length - 1]!;
      define(def.name, method ? 'method' : 'function', at(site, at0), prefix);
      pending = { text: code, paren: def.paren, lines: 1, site, prefix, method };
      return closePending(sites, code);
    }
    // definition sites on an ordinary line
    for (const m of code.matchAll(/\bfor\s+(.+?)\s+in\b/dg))
      defineAll(m[1]!, m.indices![1]![0], 'variable', site, prefix, sites);
    for (const m of code.matchAll(/\bas\s+([A-Za-z_]\w*)/dg))
      defineAll(m[1]!, m.indices![1]![0], 'variable', site, prefix, sites);
    for (const m of code.matchAll(/\blambda\b([^:]*):/dg)) {
      defineParams(m[1]!, m.indices![1]![0], site, prefix, sites, false);
    }
    for (const m of code.matchAll(/([A-Za-z_]\w*)\s*:=/dg))
      defineAll(m[1]!, m.indices![1]![0], 'variable', site, prefix, sites);
    const glob = /^\s*(?:global|nonlocal)\s+(.*)$/d.exec(code);
    if (glob) defineAll(glob[1]!, glob.indices![1]![0], 'variable', site, prefix, sites);
    assignmentTargets(code, site, prefix, sites);
    return false;
  };

  const defineImported = (
    list: string,
    base: number,
    site: Omit<Site, 'column'>,
    prefix: boolean,
    sites: Set<number>,
  ) => {
    for (const m of list.matchAll(/([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?/g)) {
      const name = m[2] ?? m[1]!;
      if (
        name === 'import' ||
        (name === 'type' && m[2] === undefined && /\btype\s+[{A-Za-z_$]/.test(list.slice(m.index)))
      )
        continue;
      const column = base + m.index + (m[2] === undefined ? 0 : m[0].lastIndexOf(name));
      sites.add(base + m.index);
      if (m[2] !== undefined) sites.add(column);
      define(name, 'import', at(site, column), prefix);
    }
  };

  /** Python assignment targets: every `=`-separated part but the last, at bracket depth 0. */
  const assignmentTargets = (
    code: string,
    site: Omit<Site, 'column'>,
    prefix: boolean,
    sites: Set<number>,
  ) => {
    let depth = 0;
    let start = 0;
    const targets: [number, number][] = [];
    let augmented = -1;
    for (let i = 0; i < code.length; i++) {
      const c = code[i]!;
      if ('([{'.includes(c)) depth += 1;
      else if (')]}'.includes(c)) depth = Math.max(0, depth - 1);
      else if (c === '=' && depth === 0) {
        const prev = code[i - 1] ?? '';
        if (code[i + 1] === '=' || '=!<>:'.includes(prev)) {
          if (code[i + 1] === '=') i += 1;
          continue;
        }
        if ('+-*/%&|^@'.includes(prev)) {
          augmented = i;
          targets.push([start, i - (code[i - 2] === prev ? 2 : 1)]);
          break;
        }
        targets.push([start, i]);
        start = i + 1;
      }
    }
    if (targets.length === 0) {
      // an annotation without a value: `x: int`
      const ann = /^\s*([A-Za-z_]\w*)\s*:\s*[A-Za-z_][\w.[\], ]*$/.exec(code);
      if (
        ann &&
        !/^\s*(?:else|try|finally|except|if|elif|while|for|with|class|def|match|case)\b/.test(code)
      ) {
        const col = code.indexOf(ann[1]!);
        sites.add(col);
        define(ann[1]!, 'variable', at(site, col), prefix);
      }
      return;
    }
    for (const [from, to] of targets) {
      const text = code.slice(from, to);
      for (const m of text.matchAll(PY_IDENT)) {
        const col = from + m.index;
        const next = text.slice(m.index + m[0].length).trimStart()[0];
        if (text[m.index - 1] === '.' || next === '[' || next === '.' || next === '(') continue;
        // `x: int = …`: the annotation is a use
        if (/:\s*[\w.[\], ]*$/.test(text.slice(0, m.index))) continue;
        sites.add(col);
        define(m[0], 'variable', at(site, col), prefix);
        if (augmented !== -1) use(m[0], false, at(site, col), prefix);
      }
    }
  };

  const jsLine = (code: string, site: Omit<Site, 'column'>, prefix: boolean, sites: Set<number>): boolean => {
    // interface and object-type bodies declare members, not uses
    if (typeBody > 0) {
      typeBody += count(code, '{') - count(code, '}');
      return true;
    }
    if (/\b(?:interface\s+[\w$]+|type\s+[\w$]+(?:<[^>]*>)?\s*=)[^{]*\{[^}]*$/.test(code)) {
      typeBody = count(code, '{') - count(code, '}');
      const name = /\b(?:interface|type)\s+([\w$]+)/.exec(code)![1]!;
      define(name, 'class', at(site, code.indexOf(name, code.search(/\b(?:interface|type)\s/))), prefix);
      return true;
    }
    // `x = …` at the start of a statement: an assignment or a class field, which defines `x`
    const assigned =
      /^\s*(?:(?:public|private|protected|static|readonly|declare|override)\s+)*([A-Za-z_$][\w$]*)\s*[?!]?\s*(?::[^=]+)?=(?![=>])/.exec(
        code,
      );
    if (assigned) {
      const col = code.indexOf(assigned[1]!);
      sites.add(col);
      define(assigned[1]!, 'variable', at(site, col), prefix);
    }
    if (importOpen) {
      const close = code.indexOf('}');
      defineImported(close === -1 ? code : code.slice(0, close), 0, site, prefix, sites);
      if (close !== -1) importOpen = false;
      return true;
    }
    const imp = /^\s*import\s+(?:type\s+)?(.*?)(?:\s+from\s+["'`].*)?$/.exec(code);
    if (imp && !/^\s*import\s*\(/.test(code)) {
      const clause = imp[1]!.replace(/["'`].*$/, '');
      defineImported(clause.replace(/\*\s*as\s+/, ''), code.indexOf(clause), site, prefix, sites);
      if (clause.includes('{') && !clause.includes('}')) importOpen = true;
      return true;
    }
    if (/^\s*export\s+(?:\*|\{)[^;]*\bfrom\b/.test(code)) return true;
    let handled = false;
    const def = matchDefinition(code, 'js');
    if (def !== undefined) {
      const at0 = code.search(new RegExp(`(?<![\\w$.])${escapeRegExp(def.name)}(?![\\w$])`));
      const isMethod =
        def.kind === 'function' && !/\b(?:function|const|let|var)\b/.test(code.slice(0, Math.max(0, at0)));
      if (at0 !== -1) {
        sites.add(at0);
        define(
          def.name,
          def.kind === 'class' ? 'class' : isMethod ? 'method' : 'function',
          at(site, at0),
          prefix,
        );
        // exported: used by whoever imports it
        if (/^\s*export\b/.test(code)) use(def.name, false, at(site, at0), prefix);
      }
      if (def.singleParam !== undefined) {
        const p = code.indexOf(def.singleParam, at0 + def.name.length);
        if (p !== -1) {
          sites.add(p);
          define(def.singleParam, 'parameter', at(site, p), prefix);
        }
      }
      if (def.paren !== -1) {
        pending = { text: code, paren: def.paren, lines: 1, site, prefix, method: isMethod };
        handled = closePending(sites, code);
      }
    }
    // declarations, parameters of anonymous functions and arrows, generics, catch bindings
    for (const m of code.matchAll(/\b(?:const|let|var)\s+/g))
      declarators(code, m.index + m[0].length, site, prefix, sites);
    for (const m of code.matchAll(/\b(?:interface|type|enum|class|namespace)\s+([A-Za-z_$][\w$]*)/dg)) {
      const col = m.indices![1]![0];
      if (!sites.has(col)) {
        sites.add(col);
        define(m[1]!, 'class', at(site, col), prefix);
      }
    }
    for (const m of code.matchAll(
      /(?:\bfunction\s*\*?\s*[\w$]*|\b(?:class|interface|type)\s+[\w$]+|[\w$]+\s*=\s*(?:async\s*)?)\s*<([^<>()=]+)>/dg,
    )) {
      for (const part of m[1]!.matchAll(/(?:^|,)\s*([A-Za-z_$][\w$]*)/dg)) {
        const col = m.indices![1]![0] + part.indices![1]![0];
        sites.add(col);
        define(part[1]!, 'parameter', at(site, col), prefix);
      }
    }
    for (const m of code.matchAll(
      /(?:\bfunction\s*\*?\s*\(([^()]*)\)|\(([^()]*)\)\s*(?::\s*[^=()]+)?=>|(?<![\w$.])([A-Za-z_$][\w$]*)\s*=>)/dg,
    )) {
      const group = m[1] !== undefined ? 1 : m[2] !== undefined ? 2 : 3;
      defineParams(m[group]!, m.indices![group]![0], site, prefix, sites, false);
    }
    const caught = /\bcatch\s*\(\s*([A-Za-z_$][\w$]*)/d.exec(code);
    if (caught) {
      sites.add(caught.indices![1]![0]);
      define(caught[1]!, 'variable', at(site, caught.indices![1]![0]), prefix);
    }
    return handled;
  };

  /** `const a = 1, { b, c: d } = x, [e] = y`: the names bound. */
  const declarators = (
    code: string,
    from: number,
    site: Omit<Site, 'column'>,
    prefix: boolean,
    sites: Set<number>,
  ) => {
    let i = from;
    for (let n = 0; n < 8 && i < code.length; n++) {
      while (code[i] === ' ') i += 1;
      const c = code[i];
      if (c === '{' || c === '[') {
        const close = findClosing(code, i);
        const end = close === -1 ? code.length : close;
        const inner = code.slice(i + 1, end);
        for (const m of inner.matchAll(JS_IDENT)) {
          const after = inner.slice(m.index + m[0].length).trimStart()[0];
          const before = inner.slice(0, m.index).trimEnd().slice(-1);
          if (after === ':' || before === '=' || inner[m.index - 1] === '.') continue;
          sites.add(i + 1 + m.index);
          define(m[0], 'variable', at(site, i + 1 + m.index), prefix);
        }
        i = end + 1;
      } else {
        const m = /^[A-Za-z_$][\w$]*/.exec(code.slice(i));
        if (!m) return;
        sites.add(i);
        define(m[0], 'variable', at(site, i), prefix);
        i += m[0].length;
      }
      // skip a type annotation and the initializer, up to a top-level comma
      let depth = 0;
      for (; i < code.length; i++) {
        const ch = code[i]!;
        if ('([{'.includes(ch)) depth += 1;
        else if (')]}'.includes(ch)) {
          if (depth === 0) return;
          depth -= 1;
        } else if (ch === ';' && depth === 0) return;
        else if (ch === ',' && depth === 0) break;
      }
      if (code[i] !== ',') return;
      i += 1;
    }
  };

  /** Completes a pending parameter list if its `)` has arrived. Returns true if the line is consumed. */
  const closePending = (sites: Set<number>, code: string): boolean => {
    const p = pending;
    if (p === undefined) return false;
    const close = findClosing(p.text, p.paren);
    if (close === -1) {
      if (p.lines >= 30) pending = undefined;
      return true;
    }
    pending = undefined;
    const inner = p.text.slice(p.paren + 1, close);
    // offsets of the parameter list relative to the current line (only exact on one-line lists)
    const lineStart = p.text.length - code.length;
    const base = p.lines === 1 ? p.paren + 1 : p.paren + 1 - lineStart;
    const paramSites = new Set<number>();
    defineParams(
      inner,
      base,
      p.lines === 1 ? p.site : { offset: undefined, line: undefined },
      p.prefix,
      paramSites,
      p.method,
    );
    if (p.lines === 1) for (const s of paramSites) sites.add(s);
    // uses inside the parameter list (annotations, defaults) and after it, on this line only
    if (p.lines === 1) return false;
    usesIn(
      code.slice(Math.max(0, close - lineStart + 1)),
      Math.max(0, close - lineStart + 1),
      p.site,
      p.prefix,
      sites,
    );
    return true;
  };

  const usesIn = (
    code: string,
    base: number,
    site: Omit<Site, 'column'>,
    prefix: boolean,
    sites: Set<number>,
  ) => {
    for (const m of code.matchAll(identifier)) {
      const col = base + m.index;
      if (sites.has(col)) continue;
      const name = m[0];
      const prev = code.slice(0, m.index).trimEnd();
      const prevChar = prev.slice(-1);
      if (prevChar === '.' && !prev.endsWith('...')) continue;
      if (/\d$/.test(code.slice(0, m.index))) continue; // `1e5`, `0x1F` tails
      const rest = code.slice(m.index + name.length);
      const next = rest.trimStart();
      if (family === 'python') {
        // keyword argument `f(x=1)` (depth > 0), not `x == 1`
        if (/^=(?!=)/.test(next) && depthAt(code, m.index) > 0) continue;
        // string prefixes (`f"…"` is masked to `f"   "`) and f-string conversions (`{x!r}`)
        if (/^["']/.test(rest) && /^[rRbBfFuU]{1,2}$/.test(name)) continue;
        if (prevChar === '!' && /^[rsa]$/.test(name)) continue;
      } else {
        // object keys `{ a: 1 }`, `{ a?: T }`; JSX attributes and lowercase tags
        if (/^\??:(?!:)/.test(next) && (prevChar === '{' || prevChar === ',' || prev === '')) continue;
        if (
          /^=(?![=>])/.test(next) &&
          prevChar !== '' &&
          /[\w"'}]/.test(prevChar) &&
          depthAt(code, m.index) === 0 &&
          /<\w/.test(code)
        )
          continue;
        if ((prevChar === '<' || prev.endsWith('</')) && /^[a-z]/.test(name)) continue;
      }
      const hard = next.startsWith('(') || (next.startsWith('.') && !next.startsWith('...'));
      use(name, hard, at(site, col), prefix);
    }
  };

  return {
    line(code, site, prefix) {
      if (code.trim() === '') return;
      const sites = new Set<number>();
      if (pending !== undefined) {
        pending.text += `\n${code}`;
        pending.lines += 1;
        if (closePending(sites, code)) return;
      }
      const consumed =
        family === 'python' ? pythonLine(code, site, prefix, sites) : jsLine(code, site, prefix, sites);
      if (consumed) return;
      usesIn(code, 0, site, prefix, sites);
    },
    endBlock() {
      pending = undefined;
      importOpen = false;
      typeBody = 0;
      classIndents.length = 0;
    },
    definitions,
    uses,
    unresolved,
    unused,
    get starImport() {
      return starImport;
    },
  };
}

function depthAt(code: string, index: number): number {
  let depth = 0;
  for (let i = 0; i < index; i++) {
    const c = code[i]!;
    if (c === '(' || c === '[' || c === '{') depth += 1;
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return depth;
}

function count(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n += 1;
  return n;
}

function escapeRegExp(text: string): string {
  return text.replace(/[$]/g, '\\$');
}
