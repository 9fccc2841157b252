import type { Chunking, Distribution, Fault, ModelScript, Scenario } from './scenario.js';

/**
 * Checks a scenario when it is given (not when a request hits it), throwing a `TypeError` that
 * names the offending key path in backticks and says what is allowed.
 *
 * @example
 * validateScenario({ models: { m: { ttft: -1 } } });
 * // TypeError: `models.m.ttft` must be a finite number ≥ 0 (milliseconds), got -1
 */
export function validateScenario(scenario: Scenario): void {
  if (typeof scenario !== 'object' || scenario === null)
    fail('scenario', 'an object with `models`', scenario);
  if (scenario.seed !== undefined && !Number.isFinite(scenario.seed))
    fail('seed', 'a finite number', scenario.seed);
  if (scenario.timeScale !== undefined && !(Number.isFinite(scenario.timeScale) && scenario.timeScale >= 0)) {
    fail('timeScale', 'a finite number ≥ 0', scenario.timeScale);
  }
  if (typeof scenario.models !== 'object' || scenario.models === null) {
    fail('models', 'an object of scripts by model name', scenario.models);
  }
  for (const [name, script] of Object.entries(scenario.models)) validateScript(`models.${name}`, script);
}

function validateScript(path: string, script: ModelScript): void {
  if (typeof script !== 'object' || script === null) fail(path, 'a model script object', script);
  const { text } = script;
  if (
    text !== undefined &&
    typeof text !== 'string' &&
    typeof text !== 'function' &&
    !(Array.isArray(text) && text.length > 0 && text.every((t) => typeof t === 'string'))
  ) {
    fail(`${path}.text`, 'a string, a non-empty array of strings, or a function', text);
  }
  if (script.chunking !== undefined) validateChunking(`${path}.chunking`, script.chunking);
  for (const key of ['headersDelay', 'ttft', 'interToken'] as const) {
    const distribution = script[key];
    if (distribution !== undefined) validateDistribution(`${path}.${key}`, distribution);
  }
  if (script.usage !== undefined) {
    for (const key of ['input', 'output'] as const) {
      const n = script.usage[key];
      if (n !== undefined && !isCount(n)) fail(`${path}.usage.${key}`, 'an integer ≥ 0', n);
    }
  }
  const { fault } = script;
  if (fault === undefined || typeof fault === 'function') return;
  if (Array.isArray(fault)) {
    fault.forEach((f: Fault | null, i) => {
      if (f !== null && f !== undefined) validateFault(`${path}.fault.${i}`, f);
    });
  } else {
    validateFault(`${path}.fault`, fault as Fault);
  }
}

function validateChunking(path: string, chunking: Chunking): void {
  switch (chunking?.kind) {
    case 'tokens':
      if (chunking.max !== undefined && !isPositiveInt(chunking.max))
        fail(`${path}.max`, 'an integer ≥ 1', chunking.max);
      return;
    case 'chars':
      if (!isPositiveInt(chunking.size)) fail(`${path}.size`, 'an integer ≥ 1', chunking.size);
      return;
    case 'pieces':
      if (!Array.isArray(chunking.pieces) || !chunking.pieces.every((p) => typeof p === 'string')) {
        fail(`${path}.pieces`, 'an array of strings', chunking.pieces);
      }
      return;
    default:
      fail(`${path}.kind`, "'tokens', 'chars' or 'pieces'", (chunking as { kind?: unknown })?.kind);
  }
}

/** Validates one delay distribution (milliseconds). */
function validateDistribution(path: string, d: Distribution): void {
  if (typeof d === 'number') {
    if (!isDelay(d)) fail(path, 'a finite number ≥ 0 (milliseconds)', d);
    return;
  }
  switch (d?.kind) {
    case 'constant':
      if (!isDelay(d.ms)) fail(`${path}.ms`, 'a finite number ≥ 0', d.ms);
      return;
    case 'uniform':
      if (!isDelay(d.min)) fail(`${path}.min`, 'a finite number ≥ 0', d.min);
      if (!(isDelay(d.max) && d.max >= d.min)) fail(`${path}.max`, 'a finite number ≥ `min`', d.max);
      return;
    case 'lognormal':
      if (!isDelay(d.median)) fail(`${path}.median`, 'a finite number ≥ 0', d.median);
      if (!isDelay(d.sigma)) fail(`${path}.sigma`, 'a finite number ≥ 0', d.sigma);
      if (d.slowPath !== undefined) {
        const { p, factor } = d.slowPath;
        if (!(Number.isFinite(p) && p >= 0 && p <= 1))
          fail(`${path}.slowPath.p`, 'a probability in [0, 1]', p);
        if (!(Array.isArray(factor) && factor.length === 2 && isDelay(factor[0]) && factor[1] >= factor[0])) {
          fail(`${path}.slowPath.factor`, 'a pair [low, high] with 0 ≤ low ≤ high', factor);
        }
      }
      return;
    default:
      fail(path, "a number or `{ kind: 'constant' | 'uniform' | 'lognormal', … }`", d);
  }
}

function validateFault(path: string, fault: Fault): void {
  switch (fault?.kind) {
    case 'status':
      if (!(Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599)) {
        fail(`${path}.status`, 'an HTTP error status (400–599)', fault.status);
      }
      if (fault.retryAfter !== undefined && !isDelay(fault.retryAfter)) {
        fail(`${path}.retryAfter`, 'a number of seconds ≥ 0', fault.retryAfter);
      }
      return;
    case 'reset_before_headers':
    case 'split_utf8':
      return;
    case 'reset':
    case 'stall':
    case 'close_without_end':
    case 'malformed_chunk':
    case 'inband_error':
      if (!isCount(fault.afterTokens)) fail(`${path}.afterTokens`, 'an integer ≥ 0', fault.afterTokens);
      return;
    case 'huge_chunk':
      if (!isPositiveInt(fault.bytes)) fail(`${path}.bytes`, 'an integer ≥ 1', fault.bytes);
      return;
    default:
      fail(
        `${path}.kind`,
        'a fault kind (status, reset_before_headers, reset, stall, …)',
        (fault as { kind?: unknown })?.kind,
      );
  }
}

const isDelay = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
const isPositiveInt = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1;

function fail(path: string, allowed: string, got: unknown): never {
  let shown: string;
  try {
    shown = typeof got === 'function' ? 'a function' : (JSON.stringify(got) ?? String(got));
  } catch {
    shown = String(got);
  }
  throw new TypeError(`\`${path}\` must be ${allowed}, got ${shown}`);
}
