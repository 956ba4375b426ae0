/* ==========================================================================
 * Argument and lookup helpers shared by all families.
 *
 * Like Redis's getLongLongFromObjectOrReply / lookupKeyReadOrReply: each
 * helper either returns the parsed value or writes the exact Redis error
 * reply and returns a sentinel (null / false), so handlers stay short:
 *
 *   const n = intArg(c, argv[2]); if (n === null) return;
 * ========================================================================== */

import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseDouble, parseInt64 } from '../protocol/numbers';
import { lookupRead } from '../server/keyspace';
import { RawString, type Value } from '../store/values';

/** int64 argument, or null after replying `err`. */
export function intArg(c: Client, s: string, err: string = E.NOT_INT): number | null {
  const v = parseInt64(s);
  if (v === null) c.error(err);
  return v;
}

/** Double argument (strtod rules), or null after replying `err`. */
export function floatArg(c: Client, s: string, err: string = E.NOT_FLOAT): number | null {
  const v = parseDouble(s);
  if (v === null) c.error(err);
  return v;
}

/** ASCII case-insensitive equality of an argument with a lower-case keyword. */
export function is(arg: string, lowerKeyword: string): boolean {
  return arg.length === lowerKeyword.length && (arg === lowerKeyword || arg.toLowerCase() === lowerKeyword);
}

/**
 * Read a string key: the value, null if missing, or false after replying
 * WRONGTYPE. Counts a keyspace hit/miss.
 */
export function readString(c: Client, key: string): string | RawString | null | false {
  const v = lookupRead(c, key);
  if (v === undefined) return null;
  if (typeof v === 'string' || v instanceof RawString) return v;
  c.error(E.WRONGTYPE);
  return false;
}

/** Reply with a string value (either representation). */
export function replyString(c: Client, v: string | RawString): void {
  if (typeof v === 'string') c.w.bulk(v);
  else c.w.bulkBuffer(v.buf, 0, v.len);
}

/** True (after replying WRONGTYPE) if `v` exists and is not of type `type`. */
export function wrongType(c: Client, v: Value | undefined, check: (v: Value) => boolean): boolean {
  if (v === undefined || check(v)) return false;
  c.error(E.WRONGTYPE);
  return true;
}
