/**
 * Test helpers: talk to the emulator without any SDK, so the tests see the exact bytes.
 */
import { request as httpRequest } from 'node:http';
import type { Emulator, Protocol } from '../../src/emulator/index.js';

export const PROTOCOLS: readonly Protocol[] = ['openai', 'anthropic', 'ollama'];

const PATHS: Record<Protocol, string> = {
  openai: '/v1/chat/completions',
  anthropic: '/v1/messages',
  ollama: '/api/chat',
};

/** A chat body in the protocol's own shape. */
export function chatBody(
  protocol: Protocol,
  model: string,
  stream: boolean,
  extra: Record<string, unknown> = {},
) {
  const messages = [{ role: 'user', content: 'tell me something' }];
  switch (protocol) {
    case 'openai':
      return {
        model,
        messages,
        stream,
        ...(stream ? { stream_options: { include_usage: true } } : {}),
        ...extra,
      };
    case 'anthropic':
      return { model, messages, stream, max_tokens: 1000, ...extra };
    case 'ollama':
      return { model, messages, stream, ...extra };
  }
}

/** POSTs a chat request with fetch. */
export function postChat(
  emulator: Emulator,
  protocol: Protocol,
  model: string,
  options: {
    stream?: boolean;
    extra?: Record<string, unknown>;
    signal?: AbortSignal;
    headers?: Record<string, string>;
  } = {},
): Promise<Response> {
  return fetch(emulator.url + PATHS[protocol], {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify(chatBody(protocol, model, options.stream ?? true, options.extra)),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Reads a whole body; a failure mid-body is returned, not thrown. */
export async function readAll(response: Response): Promise<{ text: string; error?: unknown }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: text + decoder.decode() };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}

/** One frame of a stream: the SSE `event:` name (if any) and the raw `data` payload. */
export interface Frame {
  readonly event?: string;
  readonly data: string;
}

/** Splits a raw body into frames (SSE events separated by a blank line, or NDJSON lines). */
export function framesOf(protocol: Protocol, text: string): Frame[] {
  if (protocol === 'ollama')
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map((data) => ({ data }));
  return text
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => {
      let event: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
        else throw new Error(`unexpected SSE line ${JSON.stringify(line)}`);
      }
      return event === undefined ? { data: data.join('\n') } : { event, data: data.join('\n') };
    });
}

/** The text deltas of parsed frames, in order (frames that are not JSON are skipped). */
export function deltasOf(protocol: Protocol, frames: readonly Frame[]): string[] {
  const out: string[] = [];
  for (const frame of frames) {
    let value: unknown;
    try {
      value = JSON.parse(frame.data);
    } catch {
      continue;
    }
    const v = value as Record<string, never>;
    if (protocol === 'openai') {
      const content = (v as { choices?: { delta?: { content?: string; role?: string } }[] }).choices?.[0]
        ?.delta;
      if (content?.content !== undefined && content.role === undefined) out.push(content.content);
    } else if (protocol === 'anthropic') {
      const delta = v as { type?: string; delta?: { text?: string } };
      if (delta.type === 'content_block_delta' && delta.delta?.text !== undefined) out.push(delta.delta.text);
    } else {
      const line = v as { done?: boolean; message?: { content?: string } };
      if (line.done === false && line.message?.content !== undefined) out.push(line.message.content);
    }
  }
  return out;
}

/** Whether the frames end with the protocol's end marker. */
export function hasEndMarker(protocol: Protocol, frames: readonly Frame[]): boolean {
  const last = frames.at(-1);
  if (last === undefined) return false;
  if (protocol === 'openai') return last.data === '[DONE]';
  if (protocol === 'anthropic') return last.event === 'message_stop';
  try {
    return (JSON.parse(last.data) as { done?: boolean }).done === true;
  } catch {
    return false;
  }
}

/** POSTs with node:http and returns every `data` Buffer as it arrived (to see socket writes). */
export function rawChunks(
  emulator: Emulator,
  protocol: Protocol,
  model: string,
): Promise<{ status: number; chunks: Buffer[] }> {
  const body = JSON.stringify(chatBody(protocol, model, true));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${emulator.url}${PATHS[protocol]}`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, chunks }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
