/**
 * Arithmetic claims in a text (`12 + 24 = 36`, `\frac{200}{40} = 5`, `180 * 30% = 54`) and
 * whether they hold: cheap evidence about a reasoning chain that voting alone does not see.
 *
 * The checking itself is the consistency scorer's (`src/scorers/arithmeticInternals.ts`), so the
 * scorer's `arithmetic_error` findings and this report never disagree; this file runs it over
 * every line of a text and places each claim in the text.
 */
import { type ArithmeticClaim, findArithmeticClaims } from '../scorers/arithmeticInternals.js';

export type { ArithmeticClaim };

/** What {@link arithmeticClaims} found. */
export interface ArithmeticReport {
  /** Every evaluable claim, in order; `offset` is where it starts in the whole text. */
  readonly claims: readonly ArithmeticClaim[];
  /** How many claims do not hold. */
  readonly wrong: number;
}

/**
 * Finds the `a op b = c` claims of a text, line by line (chained `a = b = c` as consecutive
 * pairs), and checks each. A side counts only if it is arithmetic (numbers with `$`, `%`,
 * thousands separators and decimals; `+ - * / ^ × ÷ x`, `times`, `plus`, `minus`, `of` after a
 * percentage; brackets; LaTeX `\times \cdot \div \frac`), with up to three unit words after a
 * number (`8 pairs × $8 per pair`); the left side must contain an operator, so `x = 5`, a date or
 * a label (`Day 2 = 100 + 20`) is never a claim, nor is algebra (`2x + 3 = 7`), a range
 * (`days 1-8 = 8`) or a conversion between units. A written result may be rounded or truncated to
 * the decimals it shows (`10 / 3 = 3.33` holds), operands with decimals are taken as rounded, and
 * a percentage may be read as hundredths, as a plain number, or as an increase (`50 + 30% = 65`).
 * GSM8K calculator notes (`<<3*4=12>>`) are skipped: they restate the prose.
 *
 * Pure, linear in the text; no `eval`. Lines longer than 4,000 characters are skipped.
 *
 * @example
 * arithmeticClaims('So 3 * 60 = 170 downloads.').wrong; // → 1
 * arithmeticClaims('\\frac{200}{40} = 5').claims[0].holds; // → true
 */
export function arithmeticClaims(text: string): ArithmeticReport {
  if (typeof text !== 'string') throw new TypeError('`text` must be a string');
  const claims: ArithmeticClaim[] = [];
  let wrong = 0;
  let start = 0;
  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    for (const claim of findArithmeticClaims(text.slice(start, end))) {
      claims.push({ ...claim, offset: start + claim.offset });
      if (!claim.holds) wrong++;
    }
    if (newline === -1) break;
    start = newline + 1;
  }
  return { claims, wrong };
}
