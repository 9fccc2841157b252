/**
 * Offset ↔ line/column conversion for checkers whose parser reports only one of them.
 */

/** Maps UTF-16 offsets in a text to 1-based lines and columns; built once per text, O(n). */
export interface LineIndex {
  position(offset: number): { line: number; column: number };
  /** The offset of a 1-based line and column (clamped to the text). */
  offsetOf(line: number, column: number): number;
}

/**
 * Builds a line index over `text` (lines end at `\n`).
 *
 * @example
 * createLineIndex('a\nbc').position(3); // → { line: 2, column: 2 }
 */
export function createLineIndex(text: string): LineIndex {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return {
    position(offset) {
      const at = Math.max(0, Math.min(offset, text.length));
      // Binary search for the last line start ≤ at.
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= at) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo + 1, column: at - starts[lo]! + 1 };
    },
    offsetOf(line, column) {
      const l = Math.max(1, Math.min(line, starts.length));
      return Math.max(0, Math.min(starts[l - 1]! + column - 1, text.length));
    },
  };
}
