/**
 * Fenced code blocks in Markdown answers, found incrementally as the text streams.
 *
 * The tracker only ever looks at complete lines, and each line once, so feeding a text in any
 * chunking costs O(text) in total and yields the same blocks.
 */

/** A fenced code block. */
export interface CodeBlock {
  /** Normalized language (see `normalizeLanguage`), or undefined when the fence names none. */
  readonly language: string | undefined;
  /** The fence's info string as written (e.g. `ts title="x.ts"`). */
  readonly info: string;
  /** The code between the fences, without the fence lines: exactly `text.slice(offset, offset + code.length)`. */
  readonly code: string;
  /** Offset in the whole text where the code starts. */
  readonly offset: number;
  /** 1-based line in the whole text of the code's first line. */
  readonly line: number;
  /** False for a block still open when the text ended. */
  readonly closed: boolean;
  /**
   * Spaces before the opening fence. Fences inside list items are indented, and so are their code
   * lines: `code` keeps that indentation (it is the exact text); dedent it before parsing.
   */
  readonly indent: number;
}

/** An incremental fence tracker: feed deltas, get blocks as their closing fence arrives. */
export interface FenceTracker {
  /** Feeds a delta; returns the blocks that this delta closed (usually none). */
  feed(delta: string): readonly CodeBlock[];
  /** Ends the text: returns the block left open (its `closed` is false), if any. */
  finish(): CodeBlock | undefined;
  /** Every block closed so far, in order. */
  readonly blocks: readonly CodeBlock[];
  /** True while inside an open fence. */
  readonly inBlock: boolean;
}

// Any indentation: LLM answers put fences inside (nested) list items, indented 4 spaces or more,
// where CommonMark would see them as fences relative to the item. An indented code block that
// starts with three backticks is far rarer in answers than a fence in a list.
const FENCE = /^([ \t]*)(`{3,}|~{3,})[ \t]*([^\n]*?)[ \t]*$/;

interface OpenBlock {
  readonly indent: number;
  readonly marker: string;
  readonly info: string;
  readonly offset: number;
  readonly line: number;
  readonly lines: string[];
}

/**
 * Creates a fence tracker.
 *
 * @example
 * const t = createFenceTracker();
 * t.feed('Here:\n```py\nprint(1)\n');
 * t.feed('```\n'); // → [{ language: 'python', code: 'print(1)', closed: true, … }]
 */
export function createFenceTracker(): FenceTracker {
  const blocks: CodeBlock[] = [];
  let partial = '';
  let offset = 0; // offset of the start of `partial` in the whole text
  let lineNo = 1; // line number of `partial`
  let open: OpenBlock | undefined;

  const close = (block: OpenBlock, closed: boolean): CodeBlock => ({
    language: normalizeLanguage(block.info),
    info: block.info,
    code: block.lines.join('\n'),
    offset: block.offset,
    line: block.line,
    closed,
    indent: block.indent,
  });

  const onLine = (line: string, closedNow: CodeBlock[], last = false): void => {
    // Fences are matched without a CR, but code lines keep theirs so that `code` is exactly the
    // slice of the text at `offset` (CRLF answers included).
    const body = line.endsWith('\r') ? line.slice(0, -1) : line;
    const fence = FENCE.exec(body);
    if (open === undefined) {
      // An opening fence of backticks may not have backticks in its info string (CommonMark).
      if (fence && !(fence[2]!.startsWith('`') && fence[3]!.includes('`'))) {
        // An opener on the text's last line (no newline yet): the empty code starts at the end.
        const next = last ? 0 : 1;
        open = {
          indent: fence[1]!.length,
          marker: fence[2]!,
          info: fence[3]!,
          offset: offset + line.length + next,
          line: lineNo + next,
          lines: [],
        };
      }
      return;
    }
    if (
      fence &&
      fence[3] === '' &&
      fence[2]![0] === open.marker[0] &&
      fence[2]!.length >= open.marker.length
    ) {
      const block = close(open, true);
      blocks.push(block);
      closedNow.push(block);
      open = undefined;
      return;
    }
    open.lines.push(line);
  };

  return {
    feed(delta) {
      const closedNow: CodeBlock[] = [];
      let start = 0;
      let nl = delta.indexOf('\n');
      while (nl !== -1) {
        const line = partial + delta.slice(start, nl);
        onLine(line, closedNow);
        offset += line.length + 1;
        lineNo += 1;
        partial = '';
        start = nl + 1;
        nl = delta.indexOf('\n', start);
      }
      partial += delta.slice(start);
      return closedNow;
    },
    finish() {
      if (partial !== '') {
        const closedNow: CodeBlock[] = [];
        onLine(partial, closedNow, true);
        offset += partial.length;
        partial = '';
        if (closedNow.length > 0) return undefined;
      }
      if (open === undefined) return undefined;
      const block = close(open, false);
      open = undefined;
      return block;
    },
    get blocks() {
      return blocks;
    },
    get inBlock() {
      return open !== undefined;
    },
  };
}

/** Every fenced block of a whole text, the unclosed last one included (with `closed: false`). */
export function extractCodeBlocks(text: string): CodeBlock[] {
  const tracker = createFenceTracker();
  tracker.feed(text);
  const last = tracker.finish();
  return last ? [...tracker.blocks, last] : [...tracker.blocks];
}

const ALIASES: Readonly<Record<string, string>> = {
  py: 'python',
  py3: 'python',
  python3: 'python',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  node: 'javascript',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  rs: 'rust',
  golang: 'go',
  'c++': 'cpp',
  cc: 'cpp',
  cxx: 'cpp',
  hpp: 'cpp',
  h: 'c',
  sh: 'bash',
  shell: 'bash',
  zsh: 'bash',
  console: 'bash',
  yml: 'yaml',
  jsonc: 'json',
  json5: 'json',
  htm: 'html',
  'c#': 'csharp',
  cs: 'csharp',
  rb: 'ruby',
  ps1: 'powershell',
  postgresql: 'sql',
  mysql: 'sql',
};

/**
 * The canonical name of a fence's language: the first word of the info string, lowercased, with
 * common aliases folded (`py` → `python`, `ts` → `typescript`, `c++` → `cpp`, `yml` → `yaml`…).
 */
export function normalizeLanguage(info: string): string | undefined {
  const word =
    info
      .trim()
      .split(/[\s{,]/, 1)[0]
      ?.toLowerCase()
      .replace(/^\./, '') ?? '';
  if (word === '') return undefined;
  return ALIASES[word] ?? word;
}
