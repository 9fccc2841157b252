/**
 * Runs the provider emulator in a child process (bench/lib/emulatorChild.ts) and talks to it over
 * IPC, so that the benchmark process measures only the client's CPU time and memory.
 */
import type { ChildProcess } from 'node:child_process';
import type { RequestRecord, Scenario } from '../../src/emulator/index.js';
import { forkTs } from './forkTs.js';

/** A running child emulator. */
export interface ChildEmulator {
  readonly url: string;
  readonly baseURLs: { readonly openai: string; readonly anthropic: string; readonly ollama: string };
  /** The emulator's counters, its request log when `log`, and the child's CPU time so far. */
  stats(log?: boolean): Promise<{
    readonly totals: {
      readonly tokensWritten: number;
      readonly bytesWritten: number;
      readonly completed: number;
      readonly clientsGone: number;
      readonly tokensAfterGone: number;
    };
    readonly log: readonly RequestRecord[];
    readonly cpuMs: number;
  }>;
  resetStats(): Promise<void>;
  setScenario(scenario: Scenario): Promise<void>;
  close(): Promise<void>;
}

/**
 * Forks the emulator child with `scenario` and resolves once it listens.
 *
 * @example
 * const emulator = await spawnEmulator({ models: { '*': { text: 'hi' } } });
 * // … new OpenAI({ baseURL: emulator.baseURLs.openai }) …
 * await emulator.close();
 */
export async function spawnEmulator(scenario: Scenario): Promise<ChildEmulator> {
  const child: ChildProcess = forkTs(new URL('./emulatorChild.ts', import.meta.url));
  // One request at a time: replies come back in order.
  let chain: Promise<unknown> = Promise.resolve();
  const ask = <T>(message: unknown): Promise<T> => {
    const next = chain.then(
      () =>
        new Promise<T>((resolve, reject) => {
          const onMessage = (reply: { type: string; message?: string }) => {
            child.off('exit', onExit);
            if (reply.type === 'error') reject(new Error(`emulator child: ${reply.message}`));
            else resolve(reply as T);
          };
          const onExit = (code: number | null) => {
            child.off('message', onMessage);
            reject(new Error(`emulator child exited (${code})`));
          };
          child.once('message', onMessage);
          child.once('exit', onExit);
          child.send(message as object);
        }),
    );
    chain = next.catch(() => {});
    return next;
  };
  const { url } = await ask<{ url: string }>({ type: 'start', scenario });
  return {
    url,
    baseURLs: { openai: `${url}/v1`, anthropic: url, ollama: url },
    stats: (log = false) => ask({ type: 'stats', log }),
    resetStats: async () => {
      await ask({ type: 'reset' });
    },
    setScenario: async (next) => {
      await ask({ type: 'scenario', scenario: next });
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await ask({ type: 'close' }).catch(() => {});
      await exited;
    },
  };
}
