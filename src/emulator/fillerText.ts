const PATTERN = 'lorem ipsum dolor sit amet ';

/**
 * The text of the `huge_chunk` fault: exactly `bytes` ASCII bytes (so also `bytes` characters) of
 * a repeated phrase. The emulator sends it as the first chunk, before the scripted text, so a
 * client receives `fillerText(bytes) + text`.
 *
 * @example
 * fillerText(11); // 'lorem ipsum'
 */
export function fillerText(bytes: number): string {
  const n = Math.max(0, Math.floor(bytes));
  return PATTERN.repeat(Math.ceil(n / PATTERN.length)).slice(0, n);
}
