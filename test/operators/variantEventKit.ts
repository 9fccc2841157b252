/**
 * Test helpers for the operators over `VariantEvent` (timeouts, retry): event factories, a
 * `TestScheduler` that asserts with vitest, and the marble value map most tests share.
 */

import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import type { DeltaEvent, EndEvent, StartEvent, UsageEvent, VariantEvent } from '../../src/events.js';

export const start = (variant = 'v1', provider: string | null = 'openai'): StartEvent => ({
  type: 'start',
  variant,
  at: 0,
  ...(provider !== null && { provider }),
});
export const delta = (text: string, variant = 'v1'): DeltaEvent => ({ type: 'delta', variant, text, at: 0 });
export const usage = (variant = 'v1'): UsageEvent => ({
  type: 'usage',
  variant,
  input: 3,
  output: 5,
  estimated: false,
});
export const end = (variant = 'v1'): EndEvent => ({ type: 'end', variant, finish: 'stop', at: 0 });

/** The marble values: s = start, a/b/c = deltas, u = usage, e = end. */
export const V: Record<string, VariantEvent> = {
  s: start(),
  a: delta('Hel'),
  b: delta('lo'),
  c: delta('!'),
  u: usage(),
  e: end(),
};

export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}
