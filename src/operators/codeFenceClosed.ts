/**
 * A boundary for `scoreIncrementally`'s `emit: { boundary }`: fires on the delta that completes the
 * closing line of a fenced code block (```` ``` ```` or `~~~`, as in CommonMark), so code scorers
 * run once per finished block instead of once per token.
 *
 * It is a factory: `scoreIncrementally` calls it once per variant, and the detector it returns keeps
 * that variant's state (inside a block or not, the start of the current line). It never looks at
 * the whole text, so its cost per delta is proportional to the delta: it keeps at most the first
 * 64 characters of the current line, which is all a fence line needs.
 *
 * A closing fence is a line of at least as many of the opening fence's characters, indented by at
 * most three spaces, followed only by whitespace. A block still open when the variant ends is
 * scored anyway, since the final snapshot always emits.
 *
 * @example
 * ```ts
 * snapshots$.pipe(scoreIncrementally([syntaxScorer()], { emit: { boundary: codeFenceClosed } }));
 * ```
 */
export function codeFenceClosed(): (delta: string) => boolean {
  let line = '';
  let overflow = false;
  let open: string | undefined;
  return (delta) => {
    let closed = false;
    let from = 0;
    for (;;) {
      const newline = delta.indexOf('\n', from);
      if (!overflow) {
        const piece = newline === -1 ? delta.slice(from) : delta.slice(from, newline);
        line += piece;
        if (line.length > KEEP) {
          line = line.slice(0, KEEP);
          overflow = true;
        }
      }
      if (newline === -1) return closed;
      const fence = FENCE.exec(line);
      if (fence) {
        const marker = fence[1]!;
        if (open === undefined) {
          // CommonMark: a backtick fence's info string has no backticks (else it is inline code).
          if (marker[0] !== '`' || !fence[2]!.includes('`')) open = marker;
        } else if (
          marker[0] === open[0] &&
          marker.length >= open.length &&
          !overflow &&
          fence[2]!.trim() === ''
        ) {
          open = undefined;
          closed = true;
        }
      }
      line = '';
      overflow = false;
      from = newline + 1;
    }
  };
}

/** How much of a line is kept: enough for any sensible fence line and its info string's start. */
const KEEP = 64;
const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/s;
