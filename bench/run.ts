/**
 * `npm run bench`: the performance benchmarks, each in a fresh process, one after another:
 * cpu, throughput, cancel, memory, latency (quick versions: about two minutes in all on a 2-core
 * machine). `npm run bench -- --long` runs the long ones (the latency run is then in real time and
 * takes about half an hour). `--json`, `--seed N` are passed on; `--only a,b` picks benchmarks.
 *
 *   npm run bench [-- --long] [-- --json] [-- --seed N] [-- --only cpu,latency]
 *
 * Other benchmarks in bench/ (selection, syntax, scorers, scoreIncrementally) are run on their own.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './lib/args.js';
import { machineLine } from './lib/report.js';

const BENCHES = ['cpu', 'throughput', 'cancel', 'memory', 'latency'] as const;
const args = parseArgs({ values: ['only'] });
const only = args.string('only', BENCHES.join(',')).split(',');
for (const name of only) {
  if (!(BENCHES as readonly string[]).includes(name)) {
    throw new TypeError(`\`--only\` takes names from ${BENCHES.join(', ')}, got ${JSON.stringify(name)}`);
  }
}
const passOn = [
  ...(args.long ? ['--long'] : []),
  ...(args.json ? ['--json'] : []),
  '--seed',
  String(args.seed),
];
const TSX = import.meta.resolve('tsx');

if (!args.json) {
  console.log(`chorus performance benchmarks (${args.long ? 'long' : 'quick'}): ${only.join(', ')}`);
  console.log(`machine: ${machineLine()}; seed ${args.seed}`);
}
const times: string[] = [];
const started = performance.now();
let failed = 0;
for (const name of BENCHES.filter((b) => only.includes(b))) {
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  const t0 = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, file, ...passOn], { stdio: 'inherit' });
    child.once('exit', resolve);
  });
  if (code !== 0) failed++;
  times.push(
    `${name} ${((performance.now() - t0) / 1000).toFixed(1)} s${code === 0 ? '' : ` (exit ${code})`}`,
  );
}
if (!args.json) {
  console.log(`\ndone in ${((performance.now() - started) / 1000).toFixed(1)} s: ${times.join(', ')}`);
}
process.exitCode = failed > 0 ? 1 : 0;
