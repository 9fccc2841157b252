import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { postChat, readAll } from './rawClient.js';

/** Resource counts by type, e.g. { TCPSocketWrap: 2, Timeout: 1 }. */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** Whether `after` holds no resource type more often than `before`. */
function noneAdded(before: Record<string, number>, after: Record<string, number>): boolean {
  return Object.entries(after).every(([type, n]) => n <= (before[type] ?? 0));
}

describe('close()', () => {
  it('destroys open responses, clears timers and leaves no handle behind', async () => {
    const before = resources();
    const emulator = await startEmulator({
      models: { stall: { fault: { kind: 'stall', afterTokens: 1 } }, slow: { ttft: 60_000 } },
    });
    const clientClosed: Promise<void>[] = [];
    for (const model of ['stall', 'slow']) {
      clientClosed.push(
        new Promise<void>((resolve) => {
          const req = httpRequest(`${emulator.url}/api/chat`, { method: 'POST', agent: false }, (res) => {
            res.on('data', () => {});
            res.on('error', () => {});
            res.on('close', () => resolve());
          });
          req.on('error', () => resolve());
          req.end(JSON.stringify({ model, messages: [] }));
        }),
      );
    }
    while (emulator.stats().totals.requests < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await emulator.close();
    await Promise.all(clientClosed);
    const outcomes = emulator.stats().log.map((r) => r.outcome);
    expect(outcomes).toEqual(['closed', 'closed']);
    let after = resources();
    for (let i = 0; i < 50 && !noneAdded(before, after); i++) {
      await new Promise((resolve) => setImmediate(resolve));
      after = resources();
    }
    expect(after).toEqual(before);
    // Idempotent.
    await emulator.close();
  });

  it('idle() waits for open requests', async () => {
    const emulator = await startEmulator({ models: { '*': { text: 'a b c', interToken: 20 } } });
    const response = postChat(emulator, 'openai', 'm').then(readAll);
    while (emulator.stats().totals.open === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    await emulator.idle();
    expect(emulator.stats().totals).toMatchObject({ open: 0, completed: 1 });
    await response;
    await emulator.close();
  });
});
