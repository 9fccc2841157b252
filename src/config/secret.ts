/**
 * A secret string (an API key written literally in a config) that never prints: `String()`,
 * `JSON.stringify`, template literals and `util.inspect` all show `[redacted]`. Only `reveal()`
 * gives the value, so a key can only leave the process where code asks for it on purpose.
 */

/** A wrapped secret. */
export interface Secret {
  /** The secret value. Call it only where the key is sent (the SDK client). */
  reveal(): string;
  toString(): string;
  toJSON(): string;
}

const REDACTED = '[redacted]';
const secrets = new WeakSet<object>();

/**
 * Wraps `value` so that it never prints.
 *
 * @example
 * ```ts
 * const key = secret(process.env.MY_KEY ?? '');
 * `${key}`; // '[redacted]'
 * key.reveal(); // the key
 * ```
 */
export function secret(value: string): Secret {
  const wrapped: Secret = {
    reveal: () => value,
    toString: () => REDACTED,
    toJSON: () => REDACTED,
  };
  // Node's util.inspect (console.log) looks for this symbol before listing properties.
  Object.defineProperty(wrapped, Symbol.for('nodejs.util.inspect.custom'), { value: () => REDACTED });
  Object.defineProperty(wrapped, Symbol.toPrimitive, { value: () => REDACTED });
  secrets.add(wrapped);
  return Object.freeze(wrapped);
}

/** True for values made by `secret()`. */
export function isSecret(value: unknown): value is Secret {
  return typeof value === 'object' && value !== null && secrets.has(value);
}
