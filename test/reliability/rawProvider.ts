/**
 * A tiny loopback provider that streams exactly the bytes a test scripts, in the wire format of
 * OpenAI, Anthropic or Ollama: for what the emulator cannot send. The emulator builds every frame
 * with `JSON.stringify` from JavaScript strings, so it cannot send invalid UTF-8 (its bytes always
 * encode well-formed text; a lone surrogate leaves as a `\ud800` escape) nor usage numbers its
 * scenario validation refuses (negative, fractional, `null`, a string, `1e400`).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One scripted answer. */
export interface RawScript {
  /**
   * The text, piece by piece (one frame each). A string is JSON-escaped; a Buffer is written raw
   * inside the JSON string literal (e.g. bytes that are not UTF-8).
   */
  readonly pieces: readonly (string | Buffer)[];
  /** The usage counts, as raw JSON literals: `'7'`, `'-5'`, `'null'`, `'"12"'`, `'1e400'`, `'NaN'`. */
  readonly input: string;
  readonly output: string;
}

/** A running raw provider. */
export interface RawProvider {
  readonly baseURLs: { readonly openai: string; readonly anthropic: string; readonly ollama: string };
  /** Model names of the requests received, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const text = (piece: string | Buffer) =>
  typeof piece === 'string' ? Buffer.from(JSON.stringify(piece).slice(1, -1)) : piece;

/** The body of a streamed answer to `model` in `protocol`'s wire format. */
function body(protocol: 'openai' | 'anthropic' | 'ollama', model: string, script: RawScript): Buffer {
  const parts: Buffer[] = [];
  const add = (...chunks: (string | Buffer)[]) => {
    for (const c of chunks) parts.push(typeof c === 'string' ? Buffer.from(c) : c);
  };
  const m = json(model);
  switch (protocol) {
    case 'openai': {
      const head = `{"id":"chatcmpl-raw","object":"chat.completion.chunk","created":1700000000,"model":${m},`;
      add(
        `data: ${head}"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n`,
      );
      for (const piece of script.pieces) {
        add(
          `data: ${head}"choices":[{"index":0,"delta":{"content":"`,
          text(piece),
          `"},"finish_reason":null}]}\n\n`,
        );
      }
      add(`data: ${head}"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n`);
      add(
        `data: ${head}"choices":[],"usage":{"prompt_tokens":${script.input},"completion_tokens":${script.output},"total_tokens":0}}\n\n`,
      );
      add('data: [DONE]\n\n');
      break;
    }
    case 'anthropic': {
      const event = (name: string, ...data: (string | Buffer)[]) =>
        add(`event: ${name}\ndata: `, ...data, '\n\n');
      event(
        'message_start',
        `{"type":"message_start","message":{"id":"msg_raw","type":"message","role":"assistant","model":${m},"content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":${script.input},"output_tokens":1}}}`,
      );
      event(
        'content_block_start',
        '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
      );
      for (const piece of script.pieces) {
        event(
          'content_block_delta',
          '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"',
          text(piece),
          '"}}',
        );
      }
      event('content_block_stop', '{"type":"content_block_stop","index":0}');
      event(
        'message_delta',
        `{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":${script.output}}}`,
      );
      event('message_stop', '{"type":"message_stop"}');
      break;
    }
    case 'ollama': {
      const head = `{"model":${m},"created_at":"2026-11-25T06:26:03.833Z",`;
      for (const piece of script.pieces) {
        add(`${head}"message":{"role":"assistant","content":"`, text(piece), '"},"done":false}\n');
      }
      add(
        `${head}"message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":${script.input},"eval_count":${script.output}}\n`,
      );
      break;
    }
  }
  return Buffer.concat(parts);
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (p: Buffer) => parts.push(p));
    req.on('error', reject);
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>);
      } catch (error) {
        reject(error);
      }
    });
  });
}

/**
 * Starts a raw provider on 127.0.0.1 that answers each model of `scripts` (by the request's
 * `model`) with its script, streamed in the protocol of the path the request came to.
 *
 * @example
 * const raw = await startRawProvider({ m: { pieces: ['Hi ', Buffer.from([0xff])], input: '3', output: '2' } });
 */
export async function startRawProvider(scripts: Readonly<Record<string, RawScript>>): Promise<RawProvider> {
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://raw').pathname;
    const protocol =
      path === '/v1/chat/completions'
        ? 'openai'
        : path === '/v1/messages'
          ? 'anthropic'
          : path === '/api/chat'
            ? 'ollama'
            : undefined;
    readJson(req).then(
      (request) => {
        const model = String(request['model']);
        const script = scripts[model];
        requests.push(model);
        if (protocol === undefined || script === undefined) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end('{"error":{"message":"not found","type":"invalid_request_error"}}');
          return;
        }
        res.writeHead(200, {
          'content-type': protocol === 'ollama' ? 'application/x-ndjson' : 'text/event-stream; charset=utf-8',
        });
        res.end(body(protocol, model, script));
      },
      () => {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"bad json","type":"invalid_request_error"}}');
      },
    );
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseURLs: { openai: `${url}/v1`, anthropic: url, ollama: url },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
