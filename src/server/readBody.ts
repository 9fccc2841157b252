import type { IncomingMessage } from 'node:http';

/** The body as read, or why not. */
export type BodyResult =
  | { readonly kind: 'ok'; readonly body: Buffer }
  | { readonly kind: 'too_large'; readonly bytes: number; readonly drained: boolean }
  | { readonly kind: 'aborted' };

/**
 * Reads a request body up to `limit` bytes. A larger body is not kept: the rest is drained (so the
 * client can read the 413 that follows) up to `drainLimit` bytes, past which reading stops
 * (`drained: false`, and the caller should close the connection after answering).
 *
 * @example
 * const result = await readBody(req, 1 << 20, 8 << 20);
 */
export function readBody(req: IncomingMessage, limit: number, drainLimit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (part: Buffer) => {
      size += part.length;
      if (size <= limit) parts.push(part);
      else if (size > drainLimit) {
        req.pause();
        settle({ kind: 'too_large', bytes: size, drained: false });
      }
    };
    const onEnd = () =>
      settle(
        size > limit
          ? { kind: 'too_large', bytes: size, drained: true }
          : { kind: 'ok', body: Buffer.concat(parts) },
      );
    const onAbort = () => settle({ kind: 'aborted' });
    const onClose = () => {
      if (!req.complete) onAbort();
    };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > drainLimit) {
      settle({ kind: 'too_large', bytes: declared, drained: false });
      return;
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onClose);
  });
}
