import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { executeCandidates } from '../../src/consensus/executeCandidates.js';
import { executionAgreement } from '../../src/consensus/executionAgreement.js';
import { createPythonExecutor } from '../../src/consensus/pythonExecutor.js';

// These tests run python3; the project's CI image has it (HumanEval needs it). If it is missing,
// the first test fails with the reason rather than skipping silently.
const hasPython = spawnSync('python3', ['--version']).status === 0;

describe('createPythonExecutor', () => {
  it('is off unless explicitly allowed', () => {
    // @ts-expect-error missing the opt-in on purpose
    expect(() => createPythonExecutor({})).toThrow(/allowCodeExecution/);
    expect(() => createPythonExecutor({ allowCodeExecution: true, timeoutMs: 0 })).toThrow(/`timeoutMs`/);
    expect(() => createPythonExecutor({ allowCodeExecution: true, memoryMb: 1 })).toThrow(/`memoryMb`/);
  });

  it('runs tests against prefix + candidate and contains failures', async () => {
    expect(hasPython, 'python3 is needed for this test').toBe(true);
    const executor = createPythonExecutor({
      allowCodeExecution: true,
      timeoutMs: 1000,
      network: 'deny-if-possible',
    });
    const task = {
      prefix: 'def inc(x):\n',
      tests: [{ code: 'assert inc(1) == 2' }, { code: 'assert inc(2) == 4' }],
    };
    const [ok, loop, syntax, exits, spawns, sockets] = await Promise.all([
      executor.execute({ id: 'ok', text: '    print("noise")\n    return x + 1\n' }, task),
      executor.execute({ id: 'loop', text: '    while True:\n        pass\n' }, task),
      executor.execute({ id: 'syntax', text: '    return (\n' }, task),
      executor.execute({ id: 'exits', text: '    raise SystemExit(0)\n' }, task),
      executor.execute({ id: 'spawns', text: '    import os\n    return os.system("true")\n' }, task),
      executor.execute(
        {
          id: 'sockets',
          text: '    import socket\n    socket.create_connection(("127.0.0.1", 9))\n    return 2\n',
        },
        task,
      ),
    ]);
    expect(ok).toEqual({ passed: [true, false], outputs: ['ok', 'AssertionError'] });
    expect(loop.outputs).toEqual(['Timeout', 'Timeout']);
    expect(syntax.outputs![0]).toMatch(/^load:/);
    expect(exits.passed).toEqual([false, false]);
    expect(spawns.outputs).toEqual(['OSError', 'OSError']);
    expect(sockets.passed).toEqual([false, false]);
  });

  it('scrubs the environment and runs in a temporary directory', async () => {
    const executor = createPythonExecutor({ allowCodeExecution: true, network: 'deny-if-possible' });
    process.env['CHORUS_SECRET_FOR_TEST'] = 'leak';
    try {
      const r = await executor.execute(
        {
          id: 'env',
          text: '    import os\n    return os.environ.get("CHORUS_SECRET_FOR_TEST"), os.getcwd()\n',
        },
        {
          prefix: 'def probe():\n',
          tests: [{ code: 'v, d = probe()\nassert v is None and "chorus-py-" in d' }],
        },
      );
      expect(r.passed).toEqual([true]);
    } finally {
      delete process.env['CHORUS_SECRET_FOR_TEST'];
    }
  });

  it('reproduces the official HumanEval results of the sample candidates, and feeds execution agreement', async () => {
    interface Row {
      id: string;
      prompt: string;
      entry_point: string;
      test: string;
      candidates: { completion: string; passed: boolean; index: number }[];
    }
    const rows = readFileSync(
      new URL('../fixtures/humaneval-selection-sample.jsonl', import.meta.url),
      'utf8',
    )
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Row)
      .slice(0, 3);
    const executor = createPythonExecutor({
      allowCodeExecution: true,
      timeoutMs: 3000,
      network: 'deny-if-possible',
    });
    for (const row of rows) {
      const candidates = row.candidates.map((c) => ({ id: `c${c.index}`, text: c.completion }));
      const task = { prefix: row.prompt, tests: [{ code: `${row.test}\ncheck(${row.entry_point})` }] };
      const executed = await executeCandidates(candidates, executor, task, { concurrency: 2 });
      expect(
        executed.map((c) => c.execution!.passed[0]),
        row.id,
      ).toEqual(row.candidates.map((c) => c.passed));
      // With the official test as the only test, agreement picks a passing program.
      const s = executionAgreement(executed);
      expect(row.candidates.find((c) => `c${c.index}` === s.winner)!.passed).toBe(true);
    }
  });
});
