/**
 * Runs Python candidates in a `python3` subprocess with limits, for execution agreement. Opt-in:
 * running model-written code is a decision the user makes explicitly.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Candidate, ExecutionResult } from './candidate.js';
import type { ExecutionTask, Executor } from './executor.js';

/** Options of {@link createPythonExecutor}. */
export interface PythonExecutorOptions {
  /**
   * Must be `true`: this executor runs code a model wrote on this machine. The limits below guard
   * against accidents (endless loops, memory blow-ups, stray network use, child processes), not
   * against code written to escape; use a container or VM for untrusted workloads.
   */
  readonly allowCodeExecution: boolean;
  /** The interpreter. @defaultValue 'python3' */
  readonly python?: string;
  /** Time limit per test (and for loading the program), in ms. @defaultValue 2000 */
  readonly timeoutMs?: number;
  /** Address-space limit of the subprocess, in MiB. @defaultValue 512 */
  readonly memoryMb?: number;
  /**
   * `'deny'`: run inside a new network namespace (`unshare -rn`, no interfaces but a down
   * loopback); creation throws if this system does not allow it. `'deny-if-possible'`: the same
   * when available, else run without it (sockets are still disabled inside Python, which stops
   * ordinary library use but not determined code).
   * @defaultValue 'deny'
   */
  readonly network?: 'deny' | 'deny-if-possible';
}

// The runner: limits first, then the program, then each test in the program's namespace, each
// under a timer. Results go to a file so the program's own output cannot be mistaken for them.
const RUNNER = `
import io, json, resource, signal, sys, contextlib
mem, per_test, out_path = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
with open('program.py', encoding='utf-8') as f: src = f.read()
with open('tests.json', encoding='utf-8') as f: tests = json.load(f)
out = open(out_path, 'w', encoding='utf-8')
cpu = int(per_test * (len(tests) + 1)) + 1
for limit, value in ((resource.RLIMIT_AS, mem), (resource.RLIMIT_CPU, cpu), (resource.RLIMIT_FSIZE, 1 << 20),
                     (resource.RLIMIT_CORE, 0), (resource.RLIMIT_NPROC, 0)):
    try: resource.setrlimit(limit, (value, value))
    except (ValueError, OSError): pass
import socket
def _no_network(*args, **kwargs): raise OSError('network access is disabled in this sandbox')
socket.socket = _no_network; socket.create_connection = _no_network; socket.socketpair = _no_network
import os, subprocess
def _no_process(*args, **kwargs): raise OSError('starting processes is disabled in this sandbox')
for _name in ('fork', 'forkpty', 'system', 'popen', 'execv', 'execve', 'execvp', 'execvpe', 'execl', 'execle',
              'execlp', 'execlpe', 'spawnv', 'spawnve', 'spawnvp', 'spawnvpe', 'posix_spawn', 'posix_spawnp'):
    if hasattr(os, _name): setattr(os, _name, _no_process)
subprocess.Popen = _no_process
class _Timeout(BaseException): pass
def _alarm(signum, frame): raise _Timeout()
signal.signal(signal.SIGALRM, _alarm)
namespace = {'__name__': '__main__'}
def run(code, name):
    signal.setitimer(signal.ITIMER_REAL, per_test)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            exec(compile(code, name, 'exec'), namespace)
        return [True, 'ok']
    except _Timeout: return [False, 'Timeout']
    except BaseException as e: return [False, type(e).__name__]
    finally: signal.setitimer(signal.ITIMER_REAL, 0)
loaded = run(src, 'program.py')
results = [run(t, 'test_%d' % i) if loaded[0] else [False, 'load:' + loaded[1]] for i, t in enumerate(tests)]
out.write(json.dumps(results)); out.close()
`;

let unshareWorks: boolean | undefined;

/** Whether `unshare -rn` (a user + network namespace) works here; checked once. */
function canUnshare(): boolean {
  if (unshareWorks === undefined) {
    try {
      unshareWorks = spawnSync('unshare', ['-rn', 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0;
    } catch {
      unshareWorks = false;
    }
  }
  return unshareWorks;
}

/**
 * Creates an executor that runs `task.prefix + candidate.text` with `python3 -I -S` (isolated
 * mode: no user site, no `PYTHON*` variables) in a fresh temporary directory that is removed
 * afterwards, with a scrubbed environment (`PATH`, `LANG`, `HOME`/`TMPDIR` = that directory),
 * an address-space limit, a CPU-time limit, a 1 MiB file-size limit, no child processes
 * (`RLIMIT_NPROC` 0, which the kernel does not enforce for root, so `os.fork`, `os.system`,
 * `subprocess.Popen` and friends are also replaced by functions that raise), sockets disabled, and
 * no network (see `network`). Each test
 * runs in the program's namespace under its own timer; the whole run also has a wall-clock limit
 * after which the process group is killed. A test passes when its code runs without raising.
 *
 * The result's `outputs` say why each test failed (`AssertionError`, `Timeout`,
 * `load:SyntaxError`, …) or `ok`.
 *
 * @example
 * const executor = createPythonExecutor({ allowCodeExecution: true, timeoutMs: 3000 });
 * await executor.execute({ id: 'a', text: '    return x + 1\n' },
 *   { prefix: 'def inc(x):\n', tests: [{ code: 'assert inc(1) == 2' }] }); // → { passed: [true], … }
 */
export function createPythonExecutor(options: PythonExecutorOptions): Executor {
  if (typeof options !== 'object' || options === null || options.allowCodeExecution !== true) {
    throw new TypeError(
      'createPythonExecutor: pass `allowCodeExecution: true` to run model-written code on this machine (off by default)',
    );
  }
  const { python = 'python3', timeoutMs = 2000, memoryMb = 512, network = 'deny' } = options;
  if (typeof python !== 'string' || python === '')
    throw new TypeError('createPythonExecutor: `python` must be a command name');
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new TypeError(
      `createPythonExecutor: \`timeoutMs\` must be a positive number, got ${String(timeoutMs)}`,
    );
  }
  if (!(Number.isFinite(memoryMb) && memoryMb >= 64)) {
    throw new TypeError(`createPythonExecutor: \`memoryMb\` must be at least 64, got ${String(memoryMb)}`);
  }
  if (network !== 'deny' && network !== 'deny-if-possible') {
    throw new TypeError(
      `createPythonExecutor: \`network\` must be 'deny' or 'deny-if-possible', got ${String(network)}`,
    );
  }
  const isolate = canUnshare();
  if (network === 'deny' && !isolate) {
    throw new TypeError(
      "createPythonExecutor: `network: 'deny'` needs `unshare -rn` (user namespaces), which fails here; pass `network: 'deny-if-possible'` to run without a network namespace",
    );
  }

  return {
    async execute(candidate: Candidate, task: ExecutionTask, run = {}): Promise<ExecutionResult> {
      if (!Array.isArray(task?.tests) || !task.tests.every((t) => typeof t?.code === 'string')) {
        throw new TypeError('pythonExecutor: `task.tests` must be an array of { code: string }');
      }
      run.signal?.throwIfAborted();
      const dir = await mkdtemp(join(tmpdir(), 'chorus-py-'));
      try {
        await writeFile(join(dir, 'program.py'), (task.prefix ?? '') + candidate.text);
        await writeFile(join(dir, 'tests.json'), JSON.stringify(task.tests.map((t) => t.code)));
        await writeFile(join(dir, 'runner.py'), RUNNER);
        const args = [
          python,
          '-I',
          '-S',
          'runner.py',
          String(memoryMb * 1024 * 1024),
          String(timeoutMs / 1000),
          'results.json',
        ];
        const [command, ...rest] = isolate ? ['unshare', '-rn', ...args] : args;
        const wallMs = timeoutMs * (task.tests.length + 1) + 5000;
        await new Promise<void>((resolve, reject) => {
          const child = spawn(command!, rest, {
            cwd: dir,
            env: { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', HOME: dir, TMPDIR: dir },
            stdio: 'ignore',
            detached: true, // its own process group, so a kill reaches anything it started
          });
          const kill = (): void => {
            try {
              if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
            } catch {
              // already gone
            }
          };
          const timer = setTimeout(kill, wallMs);
          const onAbort = (): void => kill();
          run.signal?.addEventListener('abort', onAbort, { once: true });
          child.once('error', (error) => {
            clearTimeout(timer);
            run.signal?.removeEventListener('abort', onAbort);
            reject(error);
          });
          child.once('close', () => {
            clearTimeout(timer);
            run.signal?.removeEventListener('abort', onAbort);
            resolve();
          });
        });
        run.signal?.throwIfAborted();
        let parsed: unknown;
        try {
          parsed = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
        } catch {
          parsed = undefined; // killed, crashed or exited before writing: every test failed
        }
        if (!Array.isArray(parsed) || parsed.length !== task.tests.length) {
          return { passed: task.tests.map(() => false), outputs: task.tests.map(() => 'crashed') };
        }
        return {
          passed: parsed.map((r) => Array.isArray(r) && r[0] === true),
          outputs: parsed.map((r) => (Array.isArray(r) && typeof r[1] === 'string' ? r[1] : 'crashed')),
        };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
