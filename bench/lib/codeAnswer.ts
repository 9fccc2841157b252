/**
 * A realistic long code answer, cut into real BPE tokens (gpt-tokenizer, ~4 characters each), for
 * the throughput, CPU and memory benchmarks: prose, fenced Python blocks with functions, classes and
 * comments, a bullet list, repeated with fresh names (`_{n}`) until it is long enough, so that
 * scorers tracking names or blocks see new definitions rather than one block repeated verbatim.
 */
import { decode, encode } from 'gpt-tokenizer';

/** The prompt the answer answers (for scorers that compare the two). */
export const CODE_PROMPT =
  'Write Python functions to parse CSV records, validate them, and summarize totals per account. ' +
  'Return the summary as a dictionary and handle malformed rows.';

function section(n: number, variant: number): string {
  const id = `${variant}_${n}`;
  return `Step ${n + 1}: we read the records, validate each row, and keep a running total per account.
This keeps memory bounded, because only the totals are held while the file streams.

\`\`\`python
import csv
from dataclasses import dataclass


@dataclass
class Record_${id}:
    account: str
    amount: float
    memo: str = ""


def parse_records_${id}(lines):
    """Parse CSV lines into records, skipping malformed rows."""
    records = []
    for row in csv.reader(lines):
        if len(row) < 2:
            continue  # malformed: not enough fields
        try:
            amount = float(row[1])
        except ValueError:
            continue
        records.append(Record_${id}(row[0].strip(), amount, row[2] if len(row) > 2 else ""))
    return records


def summarize_${id}(records):
    totals = {}
    for record in records:
        totals[record.account] = totals.get(record.account, 0.0) + record.amount
    return dict(sorted(totals.items()))
\`\`\`

- \`parse_records_${id}\` skips rows with fewer than two fields or a non-numeric amount.
- \`summarize_${id}\` returns the totals sorted by account, e.g. \`{"acme": 12.5}\`.

`;
}

const cache = new Map<string, readonly string[]>();

/**
 * The first `tokens` BPE tokens of variant `variant`'s answer, each decoded to its text (the deltas
 * a provider would stream). Cached per variant; the answer ends with a closed fence whenever it
 * ends on a section boundary.
 *
 * @example
 * codeAnswerTokens(1000).join('').length; // ≈ 4000 characters
 */
export function codeAnswerTokens(tokens: number, variant = 0): readonly string[] {
  const key = `${variant}`;
  let pieces = cache.get(key) ?? [];
  if (pieces.length < tokens) {
    const grown = [...pieces];
    for (let n = countSections(grown.length, variant); grown.length < tokens; n++) {
      for (const token of encode(section(n, variant))) grown.push(decode([token]));
    }
    pieces = grown;
    cache.set(key, pieces);
  }
  return pieces.slice(0, tokens);
}

// Sections already encoded: their token counts are all alike, so recount from the start.
function countSections(have: number, variant: number): number {
  let n = 0;
  for (let total = 0; total < have; n++) total += encode(section(n, variant)).length;
  return n;
}
