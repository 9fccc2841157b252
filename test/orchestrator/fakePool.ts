/**
 * A scripted stand-in for the provider pool, for orchestrator tests that are about the engine's
 * own logic (cascade, quality threshold, progress) rather than HTTP. Each provider streams its
 * script with real (small) timers; usage is reported on completion and at teardown, as the real
 * adapters do.
 */
import { Observable } from 'rxjs';
import type { UsageRecord } from '../../src/cost/costLedger.js';
import { ProviderError, type ProviderErrorType } from '../../src/errors.js';
import type { VariantEvent } from '../../src/events.js';
import type { OrchestratorPool } from '../../src/orchestrator/poolContract.js';
import type { VariantSpec } from '../../src/variation.js';

export interface FakeScript {
  readonly text: string;
  /** Delay before the first chunk. @defaultValue 5 */
  readonly ttftMs?: number;
  /** Delay between chunks. @defaultValue 2 */
  readonly everyMs?: number;
  /** Characters per chunk. @defaultValue 8 */
  readonly chunk?: number;
  /** Fail after this many chunks. */
  readonly failAfter?: number;
  readonly failType?: ProviderErrorType;
}

export interface FakePool extends OrchestratorPool {
  /** Variant ids in the order they were subscribed. */
  readonly launched: string[];
  /** Variant ids unsubscribed before they ended. */
  readonly cancelled: string[];
  readonly usage: UsageRecord[];
}

export function fakePool(
  scripts: Readonly<Record<string, FakeScript>>,
  fallbacks: Readonly<Record<string, readonly string[]>> = {},
): FakePool {
  const launched: string[] = [];
  const cancelled: string[] = [];
  const usage: UsageRecord[] = [];
  return {
    launched,
    cancelled,
    usage,
    variant(spec, _request, hooks = {}) {
      const script = scripts[spec.provider] ?? scripts['*'];
      if (!script) throw new TypeError(`no script for ${spec.provider}`);
      return new Observable<VariantEvent>((subscriber) => {
        launched.push(spec.id);
        const { text, ttftMs = 5, everyMs = 2, chunk = 8 } = script;
        const chunks: string[] = [];
        for (let i = 0; i < text.length; i += chunk) chunks.push(text.slice(i, i + chunk));
        let sent = 0;
        let ended = false;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const report = (estimated: boolean) => {
          const record: UsageRecord = {
            variant: spec.id,
            provider: spec.provider,
            model: spec.model,
            kind: spec.kind,
            input: 10,
            output: sent,
            estimated,
          };
          usage.push(record);
          hooks.onUsage?.(record);
        };
        const step = () => {
          if (script.failAfter !== undefined && sent >= script.failAfter) {
            ended = true;
            report(true);
            subscriber.error(
              new ProviderError({
                type: script.failType ?? 'connection',
                provider: spec.provider,
                message: 'scripted failure',
              }),
            );
            return;
          }
          if (sent < chunks.length) {
            subscriber.next({
              type: 'delta',
              variant: spec.id,
              text: chunks[sent++]!,
              at: performance.now(),
            });
            timer = setTimeout(step, everyMs);
            return;
          }
          ended = true;
          report(false);
          subscriber.next({ type: 'usage', variant: spec.id, input: 10, output: sent, estimated: false });
          subscriber.next({ type: 'end', variant: spec.id, finish: 'stop', at: performance.now() });
          subscriber.complete();
        };
        subscriber.next({
          type: 'start',
          variant: spec.id,
          at: performance.now(),
          provider: spec.provider,
          model: spec.model,
        });
        timer = setTimeout(step, ttftMs);
        return () => {
          clearTimeout(timer);
          if (!ended) {
            cancelled.push(spec.id);
            // Like the adapters: usage of a cancelled request on the next turn of the event loop.
            setImmediate(() => report(true));
          }
        };
      });
    },
    fallbackSpec(spec: VariantSpec, tried: readonly string[]) {
      const next = (fallbacks[spec.provider] ?? []).find((p) => !tried.includes(p));
      if (next === undefined) return undefined;
      return { ...spec, provider: next, model: `${next}-model`, id: `${spec.id}>${next}` };
    },
  };
}
