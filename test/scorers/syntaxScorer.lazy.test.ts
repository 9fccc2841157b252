import { describe, expect, it } from 'vitest';
import { prepareParsers } from '../../src/scorers/parsers/checkSyntax.js';
import type { ScoreContext } from '../../src/scorers/scorer.js';
import { syntaxScorer } from '../../src/scorers/syntaxScorer.js';

const context: ScoreContext = { prompt: 'p', variant: 'v' };

// Its own test file, so that no parser is loaded when it starts (vitest isolates module state).
describe('syntaxScorer (synchronous factory)', () => {
  it('scores neutral with an info finding until the language has loaded, then checks it', async () => {
    const scorer = syntaxScorer({ languages: ['python'] });
    const text = '```py\nx = (1 +)\n```\n';
    const early = scorer.scoreText(text, context);
    expect(early.value).toBe(1);
    expect(early.findings).toMatchObject([
      { code: 'syntax_unchecked', severity: 'info', message: expect.stringMatching(/not loaded yet/) },
    ]);
    await prepareParsers(['python']); // resolves once the background load the factory started is done
    expect(scorer.scoreText(text, context).value).toBe(0.5);
  });
});
