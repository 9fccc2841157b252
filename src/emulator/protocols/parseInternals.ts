/**
 * Small readers shared by the protocol parsers. Real providers reject a wrong type with a 400, so
 * these return `undefined` for "absent" and a string message for "present but wrong".
 */

/** A JSON object, or undefined. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The text of a message's `content`: a string, or the concatenated `text` of an array of parts
 * (`{ type: 'text', text }`); other parts (images, tool results) count as no text.
 */
export function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (!Array.isArray(content)) return undefined;
  let text = '';
  for (const part of content) {
    const object = asObject(part);
    if (object === undefined) return undefined;
    if (typeof object['text'] === 'string') text += object['text'];
  }
  return text;
}

/** Reads the `messages` array as role/content pairs, or a message saying what is wrong. */
export function readMessages(
  value: unknown,
): { role: string; content: string }[] | { readonly error: string } | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return { error: "'messages' must be an array" };
  const messages: { role: string; content: string }[] = [];
  for (const [i, item] of value.entries()) {
    const message = asObject(item);
    const role = message?.['role'];
    const content = contentText(message?.['content']);
    if (message === undefined || typeof role !== 'string' || content === undefined) {
      return { error: `'messages.${i}' must be an object with a string 'role' and text 'content'` };
    }
    messages.push({ role, content });
  }
  return messages;
}

/** An optional finite number field, or an error message naming it. */
export function optionalNumber(
  object: Record<string, unknown>,
  key: string,
  label = key,
): number | undefined | { readonly error: string } {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return { error: `'${label}' must be a number` };
  return value;
}

/** Whether a reader returned an error message. */
export function isError(value: unknown): value is { readonly error: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'error' in value;
}
