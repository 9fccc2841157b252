/**
 * Removing the indentation every line of a code block shares, so that code fenced inside a
 * Markdown list item (`1. Run:\n   ```py\n   import x\n   ```` — the fence tracker keeps the
 * item's indentation in the code) or a method shown out of its class parses as written.
 */
import type { SyntaxIssue } from './syntaxCheck.js';

/** Dedented code, and how to map positions in it back to the original. */
export interface Dedented {
  readonly code: string;
  /** Maps an issue found in `code` to the original code's line, column and offset. */
  restore(issue: SyntaxIssue): SyntaxIssue;
}

function sharedPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

/**
 * Strips the whitespace prefix (spaces and tabs) that all non-blank lines share. Returns the code
 * unchanged (and an identity `restore`) when there is none.
 *
 * @example
 * dedentCode('   import x\n   x.y()').code; // → 'import x\nx.y()'
 */
export function dedentCode(code: string): Dedented {
  const lines = code.split('\n');
  let indent: string | undefined;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const lead = /^[ \t]*/.exec(line)![0];
    indent = indent === undefined ? lead : sharedPrefix(indent, lead);
    if (indent === '') break;
  }
  if (indent === undefined || indent === '') return { code, restore: (issue) => issue };
  const removed = lines.map((line) =>
    line.startsWith(indent) ? indent.length : /^[ \t]*/.exec(line)![0].length,
  );
  const dedented = lines.map((line, i) => line.slice(removed[i])).join('\n');
  const starts: number[] = [];
  let at = 0;
  for (const line of lines) {
    starts.push(at);
    at += line.length + 1;
  }
  return {
    code: dedented,
    restore(issue) {
      const i = Math.min(Math.max(issue.line, 1), lines.length) - 1;
      const column = issue.column + removed[i]!;
      return { ...issue, column, offset: Math.min(starts[i]! + column - 1, code.length) };
    },
  };
}
