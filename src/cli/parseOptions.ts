import { UsageError } from './usageError.js';

/**
 * Parsers of option values that fail with a `UsageError` naming the option, for commander's
 * `argParser` (which otherwise hands strings around).
 */
export const parseOptions = {
  /** A TCP port, 0 (any free port) to 65535. */
  port(flag: string): (value: string) => number {
    return (value) => {
      const n = Number(value);
      if (!(/^\d+$/.test(value) && Number.isInteger(n) && n >= 0 && n <= 65535)) {
        throw new UsageError(`\`${flag}\` must be an integer from 0 to 65535, got ${JSON.stringify(value)}`);
      }
      return n;
    };
  },
  /** An integer (a seed). */
  integer(flag: string): (value: string) => number {
    return (value) => {
      const n = Number(value);
      if (!(/^-?\d+$/.test(value) && Number.isSafeInteger(n))) {
        throw new UsageError(`\`${flag}\` must be an integer, got ${JSON.stringify(value)}`);
      }
      return n;
    };
  },
  /** A number > 0 (a time scale). */
  positive(flag: string): (value: string) => number {
    return (value) => {
      const n = Number(value);
      if (!(value.trim() !== '' && Number.isFinite(n) && n > 0)) {
        throw new UsageError(`\`${flag}\` must be a number > 0, got ${JSON.stringify(value)}`);
      }
      return n;
    };
  },
};
