/**
 * The provider emulator in a process of its own, so that a benchmark's measurements (CPU time,
 * RSS) count only the client. Started by `spawnEmulator` (IPC), or by hand:
 *
 *   npx tsx bench/lib/emulatorChild.ts scenario.json     # prints `EMULATOR http://127.0.0.1:PORT`
 *
 * IPC messages: `{ type: 'start', scenario }` → `{ type: 'ready', url }`;
 * `{ type: 'stats' }` → `{ type: 'stats', totals, log, cpu }` (the emulator's own CPU time);
 * `{ type: 'scenario', scenario }` → `{ type: 'ok' }`; `{ type: 'close' }` closes and exits.
 * The child also exits when its parent goes away.
 */
import { readFileSync } from 'node:fs';
import { type Emulator, type Scenario, startEmulator } from '../../src/emulator/index.js';

type Message =
  | { readonly type: 'start'; readonly scenario: Scenario }
  | { readonly type: 'stats'; readonly log?: boolean }
  | { readonly type: 'reset' }
  | { readonly type: 'scenario'; readonly scenario: Scenario }
  | { readonly type: 'close' };

let emulator: Emulator | undefined;

async function start(scenario: Scenario): Promise<string> {
  emulator = await startEmulator(scenario);
  return emulator.url;
}

async function handle(message: Message): Promise<void> {
  const send = (reply: unknown) => process.send?.(reply);
  switch (message.type) {
    case 'start':
      send({ type: 'ready', url: await start(message.scenario) });
      return;
    case 'stats': {
      const stats = emulator?.stats();
      const cpu = process.cpuUsage();
      send({
        type: 'stats',
        totals: stats?.totals,
        log: message.log ? stats?.log : [],
        cpuMs: (cpu.user + cpu.system) / 1000,
      });
      return;
    }
    case 'reset':
      emulator?.resetStats();
      send({ type: 'ok' });
      return;
    case 'scenario':
      emulator?.setScenario(message.scenario);
      send({ type: 'ok' });
      return;
    case 'close':
      await emulator?.close();
      send({ type: 'ok' });
      process.exit(0);
  }
}

if (process.send) {
  process.on('message', (message: Message) => {
    handle(message).catch((error: unknown) => {
      process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    });
  });
  process.on('disconnect', () => process.exit(0));
} else {
  const file = process.argv[2];
  if (file === undefined) throw new TypeError('usage: npx tsx bench/lib/emulatorChild.ts scenario.json');
  console.log(`EMULATOR ${await start(JSON.parse(readFileSync(file, 'utf8')) as Scenario)}`);
}
