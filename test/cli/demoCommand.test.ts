/**
 * `chorus demo` in this process (the child-process tests cover the command line): the TTY path
 * draws frames, and the command leaves no socket or timer behind.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/cliIo.js';
import { demoCommand } from '../../src/cli/demoCommand.js';

function fakeIo(tty: boolean): CliIo & { text: () => string } {
  let text = '';
  const stream = { isTTY: tty, columns: 100, write: (s: string) => (text += s) };
  return {
    stdout: stream,
    stderr: stream,
    stdin: Readable.from([]),
    env: {},
    cwd: process.cwd(),
    text: () => text,
  };
}

const handles = () =>
  process
    .getActiveResourcesInfo()
    .filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap' || r === 'Timeout');

describe('demoCommand', () => {
  it('draws the race in place in a terminal, then the decision', async () => {
    const io = fakeIo(true);
    expect(await demoCommand({ seed: 11, timeScale: 0.05 }, io)).toBe(0);
    const out = io.text();
    expect(out).toContain('\x1b[?25l'); // cursor hidden while drawing
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the redraw escape is what is checked
    expect(out).toMatch(/\x1b\[\d+F\x1b\[J/); // redrawn in place
    expect(out).toContain('\x1b[?25h'); // and restored
    expect(out).toContain('★ won');
    expect(out).toMatch(/quorum ●● 2\/2 agree on \S+ · reached/);
    expect(out).toContain('decision');
  });

  it('leaves no socket, server or timer behind', async () => {
    // Sockets of the test before may still be closing: start from a quiet process.
    await settle(() => handles().length === 0);
    const io = fakeIo(false);
    expect(await demoCommand({ seed: 12, timeScale: 0.05 }, io)).toBe(0);
    expect(io.text()).toContain('The providers are emulated');
    await settle(() => handles().length === 0);
    expect(handles()).toEqual([]);
  });
});

/** Waits (up to 3 s) for a condition; the assertion after it says what was expected. */
async function settle(check: () => boolean): Promise<void> {
  for (let waited = 0; waited < 3000 && !check(); waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
