import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ResponsePlan } from './planResponse.js';
import type { ParsedChat, ProtocolWire, WireMeta, WireTimings } from './protocols/wire.js';
import type { Fault } from './scenario.js';
import type { LiveRecord, RequestOutcome, StatsBook } from './stats.js';

/**
 * Milliseconds between the two halves of a split UTF-8 character. Not scaled by `timeScale`: it
 * exists only so the halves leave in separate TCP writes and arrive in separate reads.
 */
export const SPLIT_GAP_MS = 2;

/** One running response, as the server tracks it for `close()`. */
export interface ChatJob {
  /** Stops the schedule now (timers cleared) and destroys the socket; records `closed`. */
  close(): void;
}

/** What {@link serveChat} needs to run one response. */
export interface ChatContext {
  readonly res: ServerResponse;
  readonly wire: ProtocolWire;
  readonly meta: WireMeta;
  readonly chat: ParsedChat;
  readonly plan: ResponsePlan;
  readonly record: LiveRecord;
  readonly stats: StatsBook;
  /** Called once when the request reaches a final outcome. */
  readonly onFinish: (record: LiveRecord) => void;
}

type AfterTokensFault = Extract<Fault, { afterTokens: number }>;

/**
 * Replays a {@link ResponsePlan} on a response with real timers: headers, chunks, end marker, and
 * the planned fault. The moment the client goes away (`res` closes before it finished) every timer
 * is cleared and nothing more is written; a write attempted anyway is counted in `tokensAfterGone`.
 */
export function serveChat(ctx: ChatContext): ChatJob {
  const { res, wire, meta, chat, plan, record, stats } = ctx;
  const wakers = new Set<() => void>();
  let stopped = false;
  let lastFlush: Promise<void> = Promise.resolve();
  let onStopped: () => void = () => {};
  const stoppedPromise = new Promise<void>((resolve) => {
    onStopped = resolve;
  });

  const stop = () => {
    stopped = true;
    onStopped();
    for (const wake of [...wakers]) wake();
  };
  const finish = (outcome: Exclude<RequestOutcome, 'open'>) => {
    if (record.outcome !== 'open') return;
    stats.finish(record, outcome);
    ctx.onFinish(record);
  };

  res.on('close', () => {
    // `req` closing only means the body was read; `res` closing unfinished means the client left.
    if (!res.writableFinished) finish('gone');
    stop();
  });

  /** Waits `ms`; false when the response was stopped meanwhile. 0 ms continues without yielding. */
  const sleep = (ms: number) =>
    new Promise<boolean>((resolve) => {
      if (stopped) return resolve(false);
      if (ms <= 0) return resolve(true);
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve(!stopped);
      };
      const timer = setTimeout(wake, ms);
      wakers.add(wake);
    });

  /**
   * Waits until `offsetMs` after the request started. The schedule is absolute, so timer lateness
   * does not add up over a long answer: a late chunk is followed by the next one on time.
   */
  const sleepUntil = (offsetMs: number) => sleep(record.startedAt + offsetMs - performance.now());

  /** Writes one piece of body; waits for `drain` under backpressure. False once stopped. */
  const put = async (data: string | Buffer, tokens: number): Promise<boolean> => {
    if (stopped || res.destroyed) {
      stats.wroteAfterGone(record, tokens);
      return false;
    }
    if (data.length === 0) return true;
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    let flushed: () => void = () => {};
    lastFlush = new Promise<void>((resolve) => {
      flushed = resolve;
    });
    const more = res.write(data, () => flushed());
    stats.wrote(record, bytes, tokens);
    if (!more) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          wakers.delete(done);
          resolve();
        };
        res.on('drain', done);
        wakers.add(done);
      });
    }
    return !stopped;
  };

  /** Writes `text` so that every multi-byte UTF-8 character is cut between two socket writes. */
  const putSplit = async (text: string, tokens: number): Promise<boolean> => {
    const bytes = Buffer.from(text, 'utf8');
    let from = 0;
    for (let i = 0; i < bytes.length; i++) {
      // A lead byte of a 2–4 byte sequence: cut right after it.
      if ((bytes[i] ?? 0) >= 0xc0) {
        if (!(await put(bytes.subarray(from, i + 1), from === 0 ? tokens : 0))) return false;
        from = i + 1;
        if (!(await sleep(SPLIT_GAP_MS))) return false;
      }
    }
    return put(bytes.subarray(from), from === 0 ? tokens : 0);
  };

  const putBody = (text: string, tokens: number) =>
    plan.fault?.kind === 'split_utf8' ? putSplit(text, tokens) : put(text, tokens);

  const timings = (firstChunkAt: number | undefined): WireTimings => {
    const now = performance.now();
    const first = firstChunkAt ?? now;
    return { totalMs: now - record.startedAt, promptEvalMs: first - record.startedAt, evalMs: now - first };
  };

  const writeHead = (status: number, contentType: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': contentType,
      'cache-control': 'no-cache',
      ...wire.headers(meta),
      ...extra,
    });
    res.flushHeaders();
    stats.headers(record, status);
  };

  const sendStatus = (status: number, message: string | undefined, retryAfter?: number) => {
    const extra: Record<string, string> =
      retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
    writeHead(status, 'application/json', extra);
    const body = wire.errorBody(status, message, meta);
    stats.wrote(record, Buffer.byteLength(body), 0);
    stats.faulted(record);
    finish('fault');
    res.end(body);
  };

  const reset = async () => {
    // Let what was written reach the kernel first, so "reset after N" really delivers N chunks.
    await Promise.race([lastFlush, stoppedPromise]);
    stats.faulted(record);
    finish('fault');
    res.socket?.destroy();
    res.destroy();
  };

  /** Before-headers faults; true when one was applied. */
  const earlyFault = async (): Promise<boolean> => {
    const fault = plan.fault;
    if (fault?.kind === 'status') {
      sendStatus(fault.status, fault.message, fault.retryAfter);
      return true;
    }
    if (fault?.kind === 'reset_before_headers') {
      await reset();
      return true;
    }
    return false;
  };

  /** Applies a fault that strikes after N chunks; false when the stream must not go on. */
  const midStreamFault = async (fault: AfterTokensFault): Promise<boolean> => {
    switch (fault.kind) {
      case 'reset':
        await reset();
        return false;
      case 'stall':
        // Headers and N chunks are out; now nothing, until the client leaves or close().
        stats.faulted(record);
        return false;
      case 'close_without_end':
        stats.faulted(record);
        finish('fault');
        res.end();
        return false;
      case 'malformed_chunk':
        stats.faulted(record);
        return put(wire.streamMalformed(meta, Date.now()), 0);
      case 'inband_error':
        stats.faulted(record);
        if (!(await put(wire.streamError(meta, fault.message), 0))) return false;
        finish('fault');
        res.end();
        return false;
    }
  };

  const runStream = async () => {
    if (!(await sleepUntil(plan.headersDelayMs)) || (await earlyFault())) return;
    writeHead(200, wire.streamContentType);
    const fault = plan.fault;
    if (fault?.kind === 'split_utf8' || fault?.kind === 'huge_chunk') stats.faulted(record);
    if (!(await put(wire.streamStart(meta, plan.usage), 0))) return;
    const strikeAt =
      fault !== null && 'afterTokens' in fault ? Math.min(fault.afterTokens, plan.chunks.length) : -1;
    let due = plan.ttftMs;
    for (let i = 0; ; i++) {
      if (i === strikeAt && !(await midStreamFault(fault as AfterTokensFault))) return;
      if (i === plan.chunks.length) break;
      if (i > 0) due += plan.interTokenMs[i - 1] ?? 0;
      if (!(await sleepUntil(due))) return;
      if (!(await putBody(wire.streamDelta(meta, plan.chunks[i] ?? '', Date.now()), 1))) return;
    }
    const end = wire.streamEnd(meta, plan.finishReason, plan.usage, timings(record.firstChunkAt), Date.now());
    if (!(await put(end, 0))) return;
    finish('completed');
    res.end();
  };

  const runOnce = async () => {
    if (!(await sleepUntil(plan.headersDelayMs)) || (await earlyFault())) return;
    const fault = plan.fault;
    const readyAt = (n: number) =>
      plan.ttftMs + plan.interTokenMs.slice(0, Math.max(0, n - 1)).reduce((a, b) => a + b, 0);
    if (fault?.kind === 'reset') {
      if (await sleepUntil(readyAt(Math.min(fault.afterTokens, plan.chunks.length)))) await reset();
      return;
    }
    if (fault?.kind === 'stall') {
      stats.faulted(record);
      return;
    }
    if (!(await sleepUntil(readyAt(plan.chunks.length)))) return;
    if (fault?.kind === 'inband_error') {
      // A non-streamed response has no "in band": the same failure arrives as an HTTP error.
      sendStatus(wire.protocol === 'anthropic' ? 529 : 500, fault.message);
      return;
    }
    const body = wire.completion(
      meta,
      plan.chunks.join(''),
      plan.finishReason,
      plan.usage,
      timings(record.startedAt + plan.ttftMs),
      Date.now(),
    );
    writeHead(200, wire.protocol === 'ollama' ? 'application/json; charset=utf-8' : 'application/json');
    if (fault !== null && fault.kind !== 'split_utf8' && fault.kind !== 'huge_chunk') {
      stats.faulted(record);
      // close_without_end: half a body, cleanly ended; malformed_chunk: a body that is not JSON.
      const broken =
        fault.kind === 'close_without_end'
          ? body.slice(0, Math.floor(body.length / 2))
          : `${body.slice(0, -1)}]`;
      if (!(await put(broken, plan.chunks.length))) return;
      finish('fault');
      res.end();
      return;
    }
    if (fault !== null) stats.faulted(record);
    if (!(await putBody(body, plan.chunks.length))) return;
    finish('completed');
    res.end();
  };

  const run = chat.stream ? runStream : runOnce;
  run().catch((error: unknown) => {
    // A bug here must not take the server down: end this response visibly instead.
    if (!res.headersSent && !res.destroyed) {
      sendStatus(500, `emulator error: ${error instanceof Error ? error.message : String(error)}`);
    } else {
      finish('fault');
      res.destroy();
    }
  });

  return {
    close() {
      finish('closed');
      stop();
      res.socket?.destroy();
      res.destroy();
    },
  };
}
