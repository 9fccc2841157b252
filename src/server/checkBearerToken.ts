import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether an `Authorization` header carries `Bearer <token>`. Both sides are hashed (SHA-256)
 * first, so the comparison is constant-time whatever the lengths (`timingSafeEqual` needs equal
 * lengths, and comparing lengths first would leak the token's length).
 *
 * @example
 * checkBearerToken(req.headers.authorization, 'secret-token'); // true or false
 */
export function checkBearerToken(header: string | undefined, token: string): boolean {
  const given = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '')?.[1] ?? '';
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(token, 'utf8').digest();
  // Hash equality with an empty `given` is impossible unless the token is empty, which is refused.
  return timingSafeEqual(a, b) && given !== '';
}
