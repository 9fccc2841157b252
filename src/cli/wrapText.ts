/**
 * Greedy word wrap to `width` columns (counted in code points), keeping the text's own line
 * breaks; a word longer than a line is cut. Every line after the first starts with `indent`, so a
 * label can hang: `wrapText('question  …', 80, ' '.repeat(10))`.
 *
 * @example
 * wrapText('one two three', 10); // ['one two', 'three']
 */
export function wrapText(text: string, width: number, indent = ''): string[] {
  const full = Math.max(1, Math.floor(width));
  const lines: string[] = [];
  let limit = full;
  const flush = (line: string) => {
    lines.push(line);
    limit = Math.max(1, full - length(indent));
  };
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      let rest = word;
      while (length(rest) > limit) {
        if (line !== '') flush(line);
        line = '';
        const points = Array.from(rest);
        flush(points.slice(0, limit).join(''));
        rest = points.slice(limit).join('');
      }
      if (line === '') line = rest;
      else if (length(line) + 1 + length(rest) <= limit) line += ` ${rest}`;
      else {
        flush(line);
        line = rest;
      }
    }
    flush(line);
  }
  return lines.map((line, i) => (i === 0 || line === '' ? line : indent + line));
}

function length(text: string): number {
  return Array.from(text).length;
}
