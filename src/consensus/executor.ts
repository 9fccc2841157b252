/**
 * The execution contract for code consensus: run a candidate program against tests and say which
 * it passed. Implementations: `precomputedExecutor` (results known in advance) and
 * `createPythonExecutor` (a sandboxed `python3` subprocess, opt-in).
 */
import type { Candidate, ExecutionResult } from './candidate.js';

/** One test: source code that raises (fails) or returns normally (passes), e.g. an `assert`. */
export interface TestCase {
  readonly code: string;
}

/** What to run a candidate against. */
export interface ExecutionTask {
  /**
   * Code that precedes the candidate's text, when the answer continues it (a signature and
   * docstring): the program is `prefix + candidate.text`. @defaultValue ''
   */
  readonly prefix?: string;
  /** The tests, in order; results come back in the same order. */
  readonly tests: readonly TestCase[];
}

/** Runs candidates. Must not throw for a failing program: failures are `false` results. */
export interface Executor {
  /** Resolves to one result per test of `task.tests`; rejects only when the executor itself fails. */
  execute(
    candidate: Candidate,
    task: ExecutionTask,
    options?: { readonly signal?: AbortSignal },
  ): Promise<ExecutionResult>;
}
