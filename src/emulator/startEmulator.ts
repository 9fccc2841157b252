import { timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isLoopbackHost } from './isLoopbackHost.js';
import { planResponse } from './planResponse.js';
import { anthropicWire } from './protocols/anthropicWire.js';
import { ollamaWire } from './protocols/ollamaWire.js';
import { openaiWire } from './protocols/openaiWire.js';
import { isRejection, type ProtocolWire, type WireMeta } from './protocols/wire.js';
import type { EmulatedRequest, ModelScript, Scenario } from './scenario.js';
import { type ChatJob, serveChat } from './serveChat.js';
import { createStatsBook, type EmulatorStats, type LiveRecord, type RequestRecord } from './stats.js';
import { validateScenario } from './validateScenario.js';

/** The largest request body accepted; larger ones get a 413 in the provider's shape. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /**
   * Interface to listen on; only loopback is allowed (127.0.0.0/8, `::1`, `localhost`).
   * @defaultValue `'127.0.0.1'`
   */
  readonly host?: string;
  /** Port; 0 picks a free one. @defaultValue `0` */
  readonly port?: number;
  /**
   * When set, requests must carry `Authorization: Bearer <key>` or `x-api-key: <key>`; others get a
   * 401 in the provider's shape. @defaultValue no check (any key, or none, is accepted)
   */
  readonly apiKey?: string;
}

/** Events of a running emulator; each listener receives a snapshot of the request's record. */
export interface EmulatorEvents {
  /** A chat request reached the scenario (its plan is made, nothing written yet). */
  request: [record: RequestRecord];
  /** The client went away before the response ended. Also followed by `end`. */
  gone: [record: RequestRecord];
  /** The request reached its final outcome (completed, fault, gone or closed). */
  end: [record: RequestRecord];
}

/** A running provider emulator. */
export interface Emulator {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly url: string;
  /** What to pass as each official SDK's base URL: OpenAI's includes `/v1`, the others do not. */
  readonly baseURLs: { readonly openai: string; readonly anthropic: string; readonly ollama: string };
  /** A snapshot of the counters and the request log (plain data). */
  stats(): EmulatorStats;
  /** Zeroes the counters and clears the log (requests still open stay in it). */
  resetStats(): void;
  /** Replaces the scenario for the next requests, and restarts every model's request `index` at 0. */
  setScenario(scenario: Scenario): void;
  /** Resolves when no HTTP request is open (all responses ended, or their clients gone). */
  idle(): Promise<void>;
  /** Destroys open sockets, clears every timer and stops listening; leaves no handle behind. */
  close(): Promise<void>;
  on<E extends keyof EmulatorEvents>(event: E, listener: (...args: EmulatorEvents[E]) => void): Emulator;
  once<E extends keyof EmulatorEvents>(event: E, listener: (...args: EmulatorEvents[E]) => void): Emulator;
  off<E extends keyof EmulatorEvents>(event: E, listener: (...args: EmulatorEvents[E]) => void): Emulator;
}

type Route =
  | { readonly kind: 'chat'; readonly wire: ProtocolWire }
  | { readonly kind: 'models'; readonly wire: ProtocolWire }
  | { readonly kind: 'ollama_version' }
  | { readonly kind: 'ollama_root' }
  | { readonly kind: 'not_found'; readonly wire: ProtocolWire };

function route(method: string, path: string, req: IncomingMessage): Route {
  const key = `${method} ${path.replace(/\/+$/, '') || '/'}`;
  switch (key) {
    case 'POST /v1/chat/completions':
      return { kind: 'chat', wire: openaiWire };
    case 'POST /v1/messages':
      return { kind: 'chat', wire: anthropicWire };
    case 'POST /api/chat':
      return { kind: 'chat', wire: ollamaWire };
    case 'GET /v1/models':
      return { kind: 'models', wire: openaiWire };
    case 'GET /api/tags':
      return { kind: 'models', wire: ollamaWire };
    case 'GET /api/version':
      return { kind: 'ollama_version' };
    case 'GET /':
    case 'HEAD /':
      return { kind: 'ollama_root' };
  }
  // An unknown path still answers in the shape its client expects.
  if (path.startsWith('/api/')) return { kind: 'not_found', wire: ollamaWire };
  if (req.headers['anthropic-version'] !== undefined || path.startsWith('/v1/messages')) {
    return { kind: 'not_found', wire: anthropicWire };
  }
  return { kind: 'not_found', wire: openaiWire };
}

/**
 * Starts the provider emulator: an HTTP server on loopback that speaks OpenAI chat.completions,
 * Anthropic Messages and Ollama `/api/chat` byte for byte as the real providers do (see
 * PROTOCOLS.md), streaming what the {@link Scenario} scripts, with seeded delays and injected faults.
 * It counts what it wrote and notices clients that go away, which is how tests prove cancellation.
 *
 * @example
 * const emulator = await startEmulator({ seed: 7, models: { '*': { text: 'Hi there', ttft: 50 } } });
 * const openai = new OpenAI({ apiKey: 'x', baseURL: emulator.baseURLs.openai, maxRetries: 0 });
 * // … stream from it …
 * emulator.stats().totals.tokensAfterGone; // 0: nothing written after a client left
 * await emulator.close();
 */
export async function startEmulator(scenario: Scenario, options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || !isLoopbackHost(host)) {
    throw new TypeError(
      `\`host\` must be a loopback address (127.0.0.0/8, ::1 or localhost), got ${JSON.stringify(host)}: the emulator never listens on a network interface`,
    );
  }
  const port = options.port ?? 0;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new TypeError(
      `\`port\` must be an integer from 0 to 65535 (0 picks a free port), got ${JSON.stringify(port)}`,
    );
  }
  const apiKey = options.apiKey;
  if (apiKey !== undefined && (typeof apiKey !== 'string' || apiKey === '')) {
    throw new TypeError('`apiKey` must be a non-empty string, or left out to accept any key');
  }
  validateScenario(scenario);

  let current = scenario;
  let indexes = new Map<string, number>();
  let sequence = 0;
  let openResponses = 0;
  let closing: Promise<void> | undefined;
  const idleWaiters: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const jobs = new Set<ChatJob>();
  const stats = createStatsBook();
  const events = new EventEmitter();

  const snapshot = (record: LiveRecord): RequestRecord => ({ ...record });
  const meta = (model: string, includeUsage: boolean): WireMeta => {
    const n = ++sequence;
    return { id: `${n}`, requestId: `req_emu${n}`, model, created: Date.now(), includeUsage };
  };
  const checkIdle = () => {
    if (openResponses > 0) return;
    for (const resolve of idleWaiters.splice(0)) resolve();
  };

  const sendJson = (
    res: ServerResponse,
    status: number,
    body: string,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };
  const reject = (
    res: ServerResponse,
    wire: ProtocolWire,
    status: number,
    message?: string,
    code?: string,
  ) => {
    stats.rejected();
    const m = meta('', false);
    sendJson(res, status, wire.errorBody(status, message, m, code), wire.headers(m));
  };

  const authorized = (req: IncomingMessage): boolean => {
    if (apiKey === undefined) return true;
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    const header = req.headers['x-api-key'];
    const given = [bearer, typeof header === 'string' ? header : undefined];
    const expected = Buffer.from(apiKey);
    return given.some((key) => {
      if (key === undefined) return false;
      const candidate = Buffer.from(key);
      return candidate.length === expected.length && timingSafeEqual(candidate, expected);
    });
  };

  const scriptFor = (wire: ProtocolWire, model: string): ModelScript | undefined => {
    const models = current.models;
    const own = (name: string) => (Object.hasOwn(models, name) ? models[name] : undefined);
    let script = own(model);
    if (script === undefined && wire.protocol === 'ollama') {
      // Ollama treats `name` and `name:latest` as the same model.
      script = model.endsWith(':latest') ? own(model.slice(0, -':latest'.length)) : own(`${model}:latest`);
    }
    return script ?? own('*');
  };

  const serveModels = (res: ServerResponse, wire: ProtocolWire) => {
    const names = Object.keys(current.models).filter((name) => name !== '*');
    sendJson(res, 200, wire.listModels?.(names, Date.now()) ?? '{}');
  };

  const handleChat = (res: ServerResponse, wire: ProtocolWire, raw: Buffer) => {
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      reject(res, wire, 400, `We could not parse the JSON body of your request: ${detail}`);
      return;
    }
    const chat = wire.parseChat(body);
    if (isRejection(chat)) {
      reject(res, wire, 400, chat.message);
      return;
    }
    const script = scriptFor(wire, chat.model);
    if (script === undefined) {
      const unknown = wire.unknownModel(chat.model);
      reject(res, wire, unknown.status, unknown.message, unknown.code);
      return;
    }
    const index = indexes.get(chat.model) ?? 0;
    indexes.set(chat.model, index + 1);
    const request: EmulatedRequest = {
      protocol: wire.protocol,
      model: chat.model,
      prompt: chat.messages.map((m) => m.content).join('\n'),
      messages: chat.messages,
      index,
      body: body as Record<string, unknown>,
      ...(chat.temperature !== undefined ? { temperature: chat.temperature } : {}),
      ...(chat.topP !== undefined ? { topP: chat.topP } : {}),
    };
    const m = meta(chat.model, chat.includeUsage);
    const wireMeta: WireMeta = {
      ...m,
      id: wire.protocol === 'anthropic' ? `msg_emu${m.id}` : `chatcmpl-emu${m.id}`,
    };
    let plan: ReturnType<typeof planResponse>;
    try {
      plan = planResponse({
        script,
        request,
        seed: current.seed ?? 1,
        timeScale: current.timeScale ?? 1,
        ...(chat.maxTokens !== undefined ? { maxTokens: chat.maxTokens } : {}),
      });
    } catch (error) {
      // A throwing `text` or `fault` function of the scenario: say so in a 500, do not crash.
      const detail = error instanceof Error ? error.message : String(error);
      reject(res, wire, 500, `emulator scenario error for model ${chat.model}: ${detail}`);
      return;
    }
    const record = stats.start({
      id: Number(m.id),
      protocol: wire.protocol,
      model: chat.model,
      index,
      stream: chat.stream,
      plannedTtftMs: plan.ttftMs,
      ...(plan.fault !== null ? { fault: plan.fault.kind } : {}),
    });
    events.emit('request', snapshot(record));
    const job = serveChat({
      res,
      wire,
      meta: wireMeta,
      chat,
      plan,
      record,
      stats,
      onFinish(done) {
        const copy = snapshot(done);
        if (done.outcome === 'gone') events.emit('gone', copy);
        events.emit('end', copy);
      },
    });
    jobs.add(job);
    res.on('close', () => jobs.delete(job));
  };

  const server = createServer((req, res) => {
    openResponses++;
    res.on('close', () => {
      openResponses--;
      checkIdle();
    });
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    const r = route(req.method ?? 'GET', path, req);
    if (r.kind === 'ollama_root') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Ollama is running');
      return;
    }
    if (r.kind === 'ollama_version') {
      sendJson(res, 200, JSON.stringify({ version: '0.6.4-chorus-emulator' }));
      return;
    }
    if (r.kind === 'not_found') {
      req.resume();
      reject(res, r.wire, 404, `Invalid URL (${req.method} ${path})`);
      return;
    }
    const { wire } = r;
    const kind = r.kind;
    // Read the whole body (bounded) before answering, so even a refusal leaves the connection clean.
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (part: Buffer) => {
      size += part.length;
      if (size <= MAX_BODY_BYTES) parts.push(part);
    });
    req.on('error', () => {});
    req.on('end', () => {
      // The client may have left while its body was still arriving: nobody to answer.
      if (closing !== undefined || res.destroyed) return;
      if (!authorized(req)) {
        reject(res, wire, 401);
        return;
      }
      if (size > MAX_BODY_BYTES) {
        reject(res, wire, 413, `Request body is ${size} bytes; the limit is ${MAX_BODY_BYTES}.`);
        return;
      }
      if (kind === 'models') serveModels(res, wire);
      else handleChat(res, wire, Buffer.concat(parts));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;

  const emulator: Emulator = {
    url,
    baseURLs: { openai: `${url}/v1`, anthropic: url, ollama: url },
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    setScenario(next) {
      validateScenario(next);
      current = next;
      indexes = new Map();
    },
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        checkIdle();
      }),
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const job of [...jobs]) job.close();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
    on(event, listener) {
      events.on(event, listener as (...args: unknown[]) => void);
      return emulator;
    },
    once(event, listener) {
      events.once(event, listener as (...args: unknown[]) => void);
      return emulator;
    },
    off(event, listener) {
      events.off(event, listener as (...args: unknown[]) => void);
      return emulator;
    },
  };
  return emulator;
}
