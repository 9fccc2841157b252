import { isIPv4, isIPv6 } from 'node:net';

/**
 * Whether a host name or address is loopback: `localhost`, 127.0.0.0/8, `::1` (also written in
 * full, bracketed, or as IPv4-mapped `::ffff:127.x.y.z`). The emulator refuses anything else so a
 * test server never listens on a network interface.
 *
 * @example
 * isLoopbackHost('127.0.0.1'); // true
 * isLoopbackHost('0.0.0.0');   // false
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (!isIPv6(h)) return false;
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (mapped?.[1] !== undefined) return isIPv4(mapped[1]) && mapped[1].startsWith('127.');
  // Expand `::` to check for 0:0:0:0:0:0:0:1.
  const [head = '', tail] = h.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return (
    groups.length === 8 &&
    groups.slice(0, 7).every((g) => /^0{1,4}$/.test(g)) &&
    /^0{0,3}1$/.test(groups[7] ?? '')
  );
}
