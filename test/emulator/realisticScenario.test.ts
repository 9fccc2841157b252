import { describe, expect, it } from 'vitest';
import { createRandom, realisticScenario, sample } from '../../src/emulator/index.js';
import { validateScenario } from '../../src/emulator/validateScenario.js';

describe('realisticScenario', () => {
  it('is a valid scenario with a fallback model, seed and time scale', () => {
    const scenario = realisticScenario({ seed: 7, timeScale: 0.5, text: 'hi' });
    expect(() => validateScenario(scenario)).not.toThrow();
    expect(scenario).toMatchObject({ seed: 7, timeScale: 0.5 });
    expect(scenario.models['*']).toBeDefined();
    expect(scenario.models['gpt-4o']?.text).toBe('hi');
  });

  it('gives a faster first token to gpt-4o-mini than to claude-opus, as published', () => {
    const { models } = realisticScenario();
    const median = (name: string) => {
      const random = createRandom(1);
      const values = Array.from({ length: 2001 }, () => sample(models[name]!.ttft!, random)).sort(
        (a, b) => a - b,
      );
      return values[1000]!;
    };
    expect(median('gpt-4o-mini')).toBeGreaterThan(120);
    expect(median('gpt-4o-mini')).toBeLessThan(180);
    expect(median('claude-opus-4-1')).toBeGreaterThan(median('gpt-4o-mini') * 2);
  });
});
