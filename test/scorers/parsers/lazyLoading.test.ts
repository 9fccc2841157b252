import { describe, expect, it } from 'vitest';
import { checkSyntax, isLanguageLoaded, loadLanguage } from '../../../src/scorers/parsers/checkSyntax.js';
import { treeSitterStats } from '../../../src/scorers/parsers/treeSitterRuntime.js';

// Runs in its own module instance (vitest isolates test files), so nothing is loaded at the start.
describe('lazy loading', () => {
  it('checks nothing before a language is loaded, and only that language after', async () => {
    expect(checkSyntax('ruby', 'puts 1')).toBeUndefined();
    expect(isLanguageLoaded('ruby')).toBe(false);
    expect(treeSitterStats().parsers).toBe(0);
    await Promise.all([loadLanguage('rb'), loadLanguage('ruby')]); // concurrent loads share one
    expect(isLanguageLoaded('ruby')).toBe(true);
    expect(treeSitterStats().parsers).toBe(1);
    expect(checkSyntax('ruby', 'puts 1')?.errors).toEqual([]);
    expect(checkSyntax('go', 'package main')).toBeUndefined();
    expect(checkSyntax('yaml', 'a: 1')).toBeUndefined();
    await loadLanguage('yml');
    expect(checkSyntax('yaml', 'a: 1')?.errors).toEqual([]);
  });
});
