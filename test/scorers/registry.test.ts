// The default scorers inside the real pipeline: events → snapshots() → scoreIncrementally().
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { VariantEvent } from '../../src/events.js';
import { scoreIncrementally } from '../../src/operators/scoreIncrementally.js';
import { snapshots } from '../../src/operators/snapshots.js';
import { createQualityScorer } from '../../src/scorers/qualityScorer.js';
import { defaultScorers } from '../../src/scorers/registry.js';

function events(variant: string, text: string, size = 4): VariantEvent[] {
  const out: VariantEvent[] = [{ type: 'start', variant, at: 0 }];
  for (let i = 0; i < text.length; i += size)
    out.push({ type: 'delta', variant, text: text.slice(i, i + size), at: i });
  out.push({ type: 'end', variant, finish: 'stop', at: text.length });
  return out;
}

describe('default scorers in scoreIncrementally', () => {
  it('score math answers as they stream and rank the consistent one higher', async () => {
    const good = 'Each pair costs $5 + $3 = $8, and 8 * $8 = $64.\nThe answer is 64.';
    const bad = 'Each pair costs $5 + $3 = $9, and 8 * $9 = $72.\nThe answer is 72.';
    const scored = await lastValueFrom(
      from([...events('good', good), ...events('bad', bad)]).pipe(
        snapshots(),
        scoreIncrementally(defaultScorers('math'), {
          context: { prompt: 'How much for 16 glasses?', task: 'math' },
        }),
        toArray(),
      ),
    );
    const final = (variant: string) => scored.filter((s) => s.variant === variant && s.done).at(-1)!;
    expect(final('good').scores['consistency']).toBe(1);
    expect(final('bad').scores['consistency']).toBe(0.5);
    expect(final('bad').findings['consistency']?.map((f) => f.code)).toEqual(['arithmetic_error']);
    expect(final('good').score).toBeGreaterThan(final('bad').score);
    expect(Object.keys(final('bad').scoreErrors)).toEqual([]);
    // every intermediate snapshot is scored within [0, 1]
    for (const s of scored) expect(s.score >= 0 && s.score <= 1).toBe(true);
  });

  it('accepts the combined quality scorer as one scorer', async () => {
    const quality = createQualityScorer({ task: 'code' });
    const answer =
      '```python\ndef f(xs):\n    try:\n        return sorted(xs)\n    except:\n        return []\n```\n';
    const scored = await lastValueFrom(
      from(events('a', answer)).pipe(
        snapshots(),
        scoreIncrementally([quality], {
          context: { prompt: 'Write f(xs) in Python.', task: 'code' },
          emit: 'done',
        }),
        toArray(),
      ),
    );
    expect(scored).toHaveLength(1);
    expect(scored[0]?.findings['quality']?.map((f) => f.code)).toContain('bestPractices:bare_except');
    expect(scored[0]?.scores['quality']).toBeLessThan(1);
  });
});
