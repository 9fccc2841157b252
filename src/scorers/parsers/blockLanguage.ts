/**
 * The language a fenced block is checked as: the fence's label when it names one, else a guess.
 */
import { normalizeLanguage } from '../codeBlocks.js';
import { NOT_CODE, syntaxLanguage } from './checkSyntax.js';
import { detectLanguage } from './detectLanguage.js';

/**
 * The canonical language of a block with fence info string `info`, or undefined when the fence has
 * no label and the code's language cannot be recognized (see `detectLanguage`; `hint` is the
 * task's language). A label no parser supports (e.g. `sql`) is returned as written, normalized.
 *
 * @example
 * blockLanguage('py', 'print(1)');         // → 'python'
 * blockLanguage('', 'fn main() {}');      // → 'rust'
 * blockLanguage('console', '$ npm test'); // → 'console' (not checked)
 */
export function blockLanguage(info: string, code: string, hint?: string): string | undefined {
  const word = info
    .trim()
    .split(/[\s{,]/, 1)[0]!
    .toLowerCase()
    .replace(/^\./, '');
  if (word === '') return detectLanguage(code, hint);
  if (NOT_CODE.has(word)) return word;
  return syntaxLanguage(word) ?? normalizeLanguage(word);
}
