/** Marble helpers for the pool's pure pieces: event values tagged by which source sent them. */
import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import type { VariantEvent } from '../../src/events.js';

const at = 0;
/** Primary's events: s, a (delta), e; backup's (or the second candidate's): S, A, E. */
export const V: Record<string, VariantEvent> = {
  s: { type: 'start', variant: 'v', at, provider: 'p' },
  a: { type: 'delta', variant: 'v', text: 'primary', at },
  e: { type: 'end', variant: 'v', finish: 'stop', at },
  u: { type: 'usage', variant: 'v', input: 1, output: 2, estimated: false },
  S: { type: 'start', variant: 'v', at, provider: 'q' },
  A: { type: 'delta', variant: 'v', text: 'backup', at },
  E: { type: 'end', variant: 'v', finish: 'length', at },
};

export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}
