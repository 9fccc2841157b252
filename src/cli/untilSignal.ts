/**
 * Resolves with the signal's name on the first SIGINT or SIGTERM, and stops listening then, so a
 * long-running command (`serve`, `emulate`) can shut down cleanly and let the process exit.
 *
 * @example
 * const signal = await untilSignal();
 * await server.close();
 */
export function untilSignal(): Promise<'SIGINT' | 'SIGTERM'> {
  return new Promise((resolve) => {
    const on = (name: 'SIGINT' | 'SIGTERM') => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(name);
    };
    const onInt = on('SIGINT');
    const onTerm = on('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}
