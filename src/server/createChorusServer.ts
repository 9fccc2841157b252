import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Subscription } from 'rxjs';
import type { ChorusConfigInput } from '../config/schema.js';
import type { Decision } from '../decision.js';
import { isLoopbackHost } from '../emulator/isLoopbackHost.js';
import { assertNever } from '../events.js';
import type { LLMOrchestrator } from '../orchestrator.js';
import { checkBearerToken } from './checkBearerToken.js';
import { type CompletionMeta, completionBodies } from './completionBodies.js';
import { type OpenAIErrorType, openaiErrorBody } from './openaiErrorBody.js';
import { type ChatRequest, parseChatRequest } from './parseChatRequest.js';
import { readBody } from './readBody.js';

/** What the server needs of an `LLMOrchestrator`: its `stream`. */
export type ConsensusStreamer = Pick<LLMOrchestrator, 'stream'>;

/** A consensus profile, picked by the request's `model`. */
export interface ServerProfile {
  /** Config keys changed for this profile (e.g. another method or quorum), validated per call. */
  readonly overrides?: ChorusConfigInput;
  /** Shown nowhere but `GET /v1/models`' `chorus.description`. */
  readonly description?: string;
}

/** Options of {@link createChorusServer}. */
export interface ChorusServerOptions {
  /** Runs each consensus; `LLMOrchestrator` fits. */
  readonly orchestrator: ConsensusStreamer;
  /**
   * Profiles by model name. A request's `model` must be one of them.
   * @defaultValue `{ chorus: {} }` (the orchestrator's own config)
   */
  readonly profiles?: Readonly<Record<string, ServerProfile>>;
  /** @defaultValue `'127.0.0.1'` */
  readonly host?: string;
  /** 0 picks a free port. @defaultValue `8787` */
  readonly port?: number;
  /**
   * The bearer token clients must send (`Authorization: Bearer …`, i.e. the OpenAI client's
   * `apiKey`). Required, at least 16 characters, when `host` is not loopback.
   * @defaultValue none: on loopback, no token is asked for
   */
  readonly token?: string;
  /** Largest request body accepted; larger ones get a 413. @defaultValue 1 MiB */
  readonly maxBodyBytes?: number;
  /** Interval of SSE comments that keep a streamed response alive while the consensus runs. @defaultValue 15000 */
  readonly keepAliveMs?: number;
}

/** A chorus server; see {@link createChorusServer}. */
export interface ChorusServer {
  /** The Node HTTP server (not listening until `listen()`). */
  readonly server: Server;
  /** Starts listening; resolves to the base URL (`http://127.0.0.1:8787`, without `/v1`). */
  listen(): Promise<string>;
  /** Aborts every consensus in flight, closes every connection and stops listening. */
  close(): Promise<void>;
}

/** The default largest request body. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const MIN_TOKEN_LENGTH = 16;

/**
 * An OpenAI-compatible HTTP server whose answers are chorus decisions: `POST /v1/chat/completions`
 * (streamed or not; the `model` picks a consensus profile; the message content is the decided
 * answer; the consensus details ride along in an extra `chorus` field) and `GET /v1/models` (the
 * profiles). Any OpenAI client works against it by setting its base URL.
 *
 * Security: off loopback a bearer token is required (refused at creation otherwise), compared in
 * constant time; without a token, only requests addressed to a loopback `Host` are answered (403
 * otherwise: DNS rebinding); chat requests must be `application/json` (415 otherwise: no
 * preflight-free cross-origin posts from web pages); request bodies are capped (413); every error
 * is a JSON body in OpenAI's shape.
 * A client that goes away cancels its consensus: every upstream request is aborted.
 *
 * Streaming sends the role at once, SSE comments while the consensus runs, then the decided text
 * as chunks the moment the decision is made, a last chunk with `finish_reason: "stop"` and the
 * `chorus` details, the usage chunk if asked (`stream_options.include_usage`), and `data: [DONE]`.
 *
 * @throws TypeError at creation when an option is invalid (named in the message).
 * @example
 * ```ts
 * const chorus = new LLMOrchestrator(await loadConfig('chorus.toml'));
 * const server = createChorusServer({ orchestrator: chorus, port: 8787 });
 * const url = await server.listen();
 * const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused-on-loopback' });
 * const reply = await openai.chat.completions.create({ model: 'chorus', messages });
 * ```
 */
export function createChorusServer(options: ChorusServerOptions): ChorusServer {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8787;
  const { token, orchestrator } = options;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const profiles = options.profiles ?? { chorus: {} };
  if (typeof orchestrator?.stream !== 'function') {
    throw new TypeError('`orchestrator` must have a `stream(prompt, options)` method (an LLMOrchestrator)');
  }
  if (typeof host !== 'string' || host === '') throw new TypeError('`host` must be a host name or address');
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new TypeError(`\`port\` must be an integer from 0 to 65535, got ${String(port)}`);
  }
  if (token !== undefined && (typeof token !== 'string' || token.length === 0 || /\s/.test(token))) {
    throw new TypeError('`token` must be a non-empty string without whitespace');
  }
  if (!isLoopbackHost(host) && (token === undefined || token.length < MIN_TOKEN_LENGTH)) {
    throw new TypeError(
      `\`token\` of at least ${MIN_TOKEN_LENGTH} characters is required to listen on ${host}, which is not loopback: anyone who can reach it would spend your API keys (e.g. a token from \`openssl rand -hex 32\`)`,
    );
  }
  if (!(Number.isInteger(maxBody) && maxBody >= 1)) {
    throw new TypeError(`\`maxBodyBytes\` must be an integer >= 1, got ${String(maxBody)}`);
  }
  if (!(Number.isFinite(keepAliveMs) && keepAliveMs > 0)) {
    throw new TypeError(`\`keepAliveMs\` must be a number of milliseconds > 0, got ${String(keepAliveMs)}`);
  }
  const names = Object.keys(profiles);
  if (names.length === 0) throw new TypeError('`profiles` must name at least one profile');

  const sockets = new Set<Socket>();
  const running = new Set<() => void>();
  const created = Math.floor(Date.now() / 1000);

  const sendJson = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    });
    res.end(text);
  };
  const sendError = (
    res: ServerResponse,
    status: number,
    message: string,
    extra: { type?: OpenAIErrorType; param?: string | undefined; code?: string } = {},
    headers: Record<string, string> = {},
  ) => {
    sendJson(
      res,
      status,
      openaiErrorBody(message, {
        ...(extra.type !== undefined && { type: extra.type }),
        ...(extra.param !== undefined && { param: extra.param }),
        ...(extra.code !== undefined && { code: extra.code }),
      }),
      headers,
    );
  };

  const modelEntry = (id: string) => ({
    id,
    object: 'model',
    created,
    owned_by: 'chorus',
    ...(profiles[id]?.description !== undefined && { chorus: { description: profiles[id]!.description } }),
  });

  const handleChat = async (req: IncomingMessage, res: ServerResponse) => {
    // JSON only: a browser page can send a "simple" text/plain POST cross-origin without a CORS
    // preflight; requiring application/json forces the preflight, which this server never grants.
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      req.resume();
      sendError(res, 415, 'Send the request body as JSON, with `Content-Type: application/json`.', {
        code: 'unsupported_media_type',
      });
      return;
    }
    const read = await readBody(req, maxBody, maxBody * 8);
    if (read.kind === 'aborted') return;
    if (read.kind === 'too_large') {
      sendError(
        res,
        413,
        `The request body is ${read.bytes} bytes; this server accepts at most ${maxBody}.`,
        { code: 'request_too_large' },
        read.drained ? {} : { connection: 'close' },
      );
      if (!read.drained) res.once('finish', () => req.socket.destroy());
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(read.body.toString('utf8'));
    } catch {
      sendError(res, 400, 'The request body is not valid JSON.', { code: 'invalid_json' });
      return;
    }
    const chat = parseChatRequest(json);
    if ('problem' in chat) {
      sendError(res, 400, chat.problem, { param: chat.param, code: chat.code });
      return;
    }
    if (!Object.hasOwn(profiles, chat.model)) {
      sendError(
        res,
        404,
        `The model \`${chat.model}\` does not exist: this chorus server has the profiles ${names.map((n) => `\`${n}\``).join(', ')} (GET /v1/models).`,
        { param: 'model', code: 'model_not_found' },
      );
      return;
    }
    runConsensus(res, chat);
  };

  const runConsensus = (res: ServerResponse, chat: ChatRequest) => {
    const profile = profiles[chat.model]!;
    const meta: CompletionMeta = {
      id: `chatcmpl-chorus-${randomUUID()}`,
      created: Math.floor(Date.now() / 1000),
      model: chat.model,
    };
    const overrides = withMaxTokens(profile.overrides, chat.maxTokens);
    const controller = new AbortController();
    let subscription: Subscription | undefined;
    let keepAlive: NodeJS.Timeout | undefined;
    let done = false;
    const stop = () => {
      if (keepAlive !== undefined) clearInterval(keepAlive);
      keepAlive = undefined;
      running.delete(cancel);
      subscription?.unsubscribe();
    };
    // The client went away (or the server is closing): cancel the consensus and every request.
    function cancel(): void {
      if (done) return;
      done = true;
      controller.abort(new Error('the client closed the connection'));
      stop();
      if (!res.destroyed) res.destroy();
    }
    running.add(cancel);
    res.on('close', () => {
      if (!res.writableFinished) cancel();
    });
    const write = (data: unknown) => {
      if (!res.destroyed) res.write(`data: ${JSON.stringify(data)}\n\n`);
    };
    if (chat.stream) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      write(completionBodies.chunk(meta, { role: 'assistant', content: '' }, null));
      keepAlive = setInterval(() => {
        if (!res.destroyed) res.write(': chorus is deciding\n\n');
      }, keepAliveMs);
    }
    const finish = (decision: Decision) => {
      done = true;
      stop();
      if (!chat.stream) {
        sendJson(res, 200, completionBodies.completion(meta, decision));
        return;
      }
      for (const piece of pieces(decision.text))
        write(completionBodies.chunk(meta, { content: piece }, null));
      write(completionBodies.chunk(meta, {}, 'stop', { chorus: completionBodies.details(decision) }));
      if (chat.includeUsage) write(completionBodies.usageChunk(meta, decision));
      if (!res.destroyed) res.end('data: [DONE]\n\n');
    };
    const fail = (error: unknown) => {
      if (done) return;
      done = true;
      stop();
      const { status, type, code, message } = describeFailure(error);
      if (!chat.stream) {
        sendError(res, status, message, { type, code });
        return;
      }
      // Headers are sent: the error goes in-band, as OpenAI does, and its clients throw it.
      write(openaiErrorBody(message, { type, code }));
      if (!res.destroyed) res.end();
    };
    try {
      subscription = orchestrator
        .stream(
          { messages: chat.messages },
          { signal: controller.signal, ...(overrides !== undefined && { overrides }) },
        )
        .subscribe({
          next: (event) => {
            switch (event.type) {
              case 'decision':
                finish(event.decision);
                return;
              case 'progress':
              case 'variant':
              case 'notice':
                return;
              default:
                assertNever(event, 'consensus event');
            }
          },
          error: fail,
          complete: () => {
            if (!done) fail(new Error('the consensus ended without a decision'));
          },
        });
      if (done) subscription.unsubscribe();
    } catch (error) {
      fail(error);
    }
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://chorus').pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (path === '/health' && (method === 'GET' || method === 'HEAD')) {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (token === undefined && !loopbackHostHeader(req.headers.host)) {
      // Without a token only loopback clients are expected; a page that points its own domain at
      // 127.0.0.1 (DNS rebinding) sends that domain as Host and is refused here.
      req.resume();
      sendError(
        res,
        403,
        'Without a token this server answers only requests addressed to a loopback host (localhost, 127.0.0.1, [::1]); start it with a token to serve other names.',
        { code: 'forbidden_host' },
        { connection: 'close' },
      );
      return;
    }
    if (token !== undefined && !checkBearerToken(req.headers.authorization, token)) {
      req.resume();
      const missing = req.headers.authorization === undefined;
      sendError(
        res,
        401,
        missing
          ? "Missing bearer token: send `Authorization: Bearer <token>` (the OpenAI client's `apiKey`)."
          : 'Invalid bearer token.',
        { type: 'invalid_request_error', code: 'invalid_api_key' },
        { 'www-authenticate': 'Bearer', connection: 'close' },
      );
      return;
    }
    if (path === '/v1/chat/completions') {
      if (method !== 'POST') {
        req.resume();
        sendError(res, 405, `Use POST for ${path}.`, { code: 'method_not_allowed' }, { allow: 'POST' });
        return;
      }
      handleChat(req, res).catch((error: unknown) => {
        sendError(
          res,
          500,
          `chorus server error: ${error instanceof Error ? error.message : String(error)}`,
          {
            type: 'server_error',
          },
        );
      });
      return;
    }
    req.resume();
    if (path === '/v1/models' && method === 'GET') {
      sendJson(res, 200, { object: 'list', data: names.map(modelEntry) });
      return;
    }
    const model = /^\/v1\/models\/(.+)$/.exec(path)?.[1];
    if (model !== undefined && method === 'GET') {
      const id = decodeURIComponent(model);
      if (Object.hasOwn(profiles, id)) sendJson(res, 200, modelEntry(id));
      else
        sendError(res, 404, `The model \`${id}\` does not exist.`, {
          param: 'model',
          code: 'model_not_found',
        });
      return;
    }
    sendError(
      res,
      404,
      `Unknown path: ${method} ${path}. This chorus server serves POST /v1/chat/completions and GET /v1/models.`,
      {
        code: 'unknown_url',
      },
    );
  };

  const server = createServer(handler);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  let closing: Promise<void> | undefined;

  return {
    server,
    listen() {
      return new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${shown}:${address.port}`);
        });
      });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const cancel of [...running]) cancel();
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/** Whether a `Host` header names a loopback host (`localhost:8787`, `127.0.0.1`, `[::1]:80`). */
function loopbackHostHeader(host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return isLoopbackHost(new URL(`http://${host}`).hostname);
  } catch {
    return false;
  }
}

/** The profile's overrides plus the request's output token limit, if it set one. */
function withMaxTokens(
  overrides: ChorusConfigInput | undefined,
  maxTokens: number | undefined,
): ChorusConfigInput | undefined {
  if (maxTokens === undefined) return overrides;
  const base = (overrides ?? {}) as Record<string, unknown>;
  const orchestration = (base['orchestration'] ?? {}) as Record<string, unknown>;
  return { ...base, orchestration: { ...orchestration, max_tokens: maxTokens } } as ChorusConfigInput;
}

/** The decided text in pieces of a few words, so clients render it progressively. */
function pieces(text: string): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? (text === '' ? [] : [text]);
  const out: string[] = [];
  for (let i = 0; i < words.length; i += 8) out.push(words.slice(i, i + 8).join(''));
  return out;
}

/** An HTTP status and OpenAI error fields for a consensus that ended without a decision. */
function describeFailure(error: unknown): {
  status: number;
  type: OpenAIErrorType;
  code: string;
  message: string;
} {
  const message = error instanceof Error ? error.message : String(error);
  const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  switch (type) {
    case 'timeout':
      return { status: 504, type: 'timeout_error', code: 'consensus_timeout', message };
    case 'no_answer':
      return { status: 502, type: 'server_error', code: 'no_answer', message };
    case 'config':
      return { status: 400, type: 'invalid_request_error', code: 'invalid_config', message };
    case 'aborted':
      return { status: 499, type: 'server_error', code: 'aborted', message };
    default:
      return { status: 500, type: 'server_error', code: 'consensus_failed', message };
  }
}
