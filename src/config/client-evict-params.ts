/* ==========================================================================
 * maxmemory-clients: the client-eviction limit (Redis 7.0).
 *
 * Redis declares it as a signed size config with the MEMORY and PERCENT
 * flags and a lower bound of -100: a value is first read as a memory value
 * (memtoull), else as "<n>%" (stored as -n); a negative value means "n
 * percent of maxmemory". Quirks of 7.0.15 reproduced here (checked against
 * the real server):
 *   - memtoull's digits saturate at 2^64-1 (strtoull's ERANGE is not
 *     checked) and the unit multiplication wraps modulo 2^64; the result is
 *     then read as a signed long long, so 18446744073709551615 is -1 = "1%"
 *     and 9223372036854775808 is below -100 ("percentage argument must be
 *     less or equal to 100");
 *   - the percent form uses string2ll (no '+', no leading zeros, >= 0):
 *     "0%" is 0 (off), "-5%" / "05%" / "1.5%" are not values at all;
 *   - CONFIG GET prints "N%" or the byte count, CONFIG REWRITE writes "N%"
 *     or the byte count in gb / mb / kb when exact.
 * The effective limit (getClientEvictionLimit) lives in server/client-evict.ts.
 * Pure module: no server imports.
 * ========================================================================== */

import { parseMemory, ULLONG, LLONG_MAX, formatMemory } from './memtoull';
import type { ParamSpec } from './table';

/**
 * The parsed setting: Redis's stored value (`raw`: bytes when >= 0, minus
 * the percentage when < 0), split for the hot path into `bytes` (0 when a
 * percentage) and `percent` (0 when bytes). Immutable: CONFIG SET replaces
 * the object, so a rollback restores the old one by reference.
 */
export class ClientMemLimit {
  readonly bytes: number;
  readonly percent: number;
  constructor(readonly raw: bigint) {
    this.bytes = raw > 0n ? Number(raw) : 0;
    this.percent = raw < 0n ? Number(-raw) : 0;
  }
}

export const CLIENT_MEM_LIMIT_OFF = new ClientMemLimit(0n);

/** Lowest stored value: 100%. */
const LOWER_BOUND = -100n;

/** Redis 7.0's memtoull read back as a signed long long. Null when invalid. */
function memtollWrap(s: string): bigint | null {
  const v = parseMemory(s);
  if (v === null) return null;
  return v > LLONG_MAX ? v - ULLONG : v;
}

/** Redis's string2ll: optional '-', no leading zeros (except "0"), int64 range. Null when invalid. */
function string2ll(s: string): bigint | null {
  if (!/^-?(0|[1-9][0-9]*)$/.test(s) || s === '-0') return null;
  const v = BigInt(s);
  return v > LLONG_MAX || v < -LLONG_MAX - 1n ? null : v;
}

/** A ValueError-like result (table.ts wraps reasons in its ValueError; kept structural to avoid a cycle). */
interface Reason { readonly reason: string }

/** Parse a maxmemory-clients value: a ClientMemLimit or a failure reason. */
export function parseClientMemLimit(v: string): ClientMemLimit | Reason {
  let n = memtollWrap(v);
  if (n === null && v.length > 1 && v.endsWith('%')) {
    const p = string2ll(v.slice(0, -1));
    if (p !== null && p >= 0n) n = -p;
  }
  if (n === null) return { reason: 'argument must be a memory or percent value' };
  if (n < LOWER_BOUND) return { reason: 'percentage argument must be less or equal to 100' };
  return n === 0n ? CLIENT_MEM_LIMIT_OFF : new ClientMemLimit(n);
}

/** CONFIG GET form: "N%" or the byte count. */
export function formatClientMemLimit(l: ClientMemLimit): string {
  return l.raw < 0n ? `${-l.raw}%` : l.raw.toString();
}

/**
 * Table's ValueError, loaded lazily: config/table.ts imports this module
 * while it builds PARAMS, so a top-level import back would see it half
 * initialised when this module happens to be loaded first.
 */
function valueError(reason: string): unknown {
  const { ValueError } = require('./table') as typeof import('./table');
  return new ValueError(reason);
}

/** The parameter's declaration, for config/table.ts PARAMS. */
export const MAXMEMORY_CLIENTS_PARAM: ParamSpec = {
  name: 'maxmemory-clients', type: 'special', field: 'maxmemoryClients',
  parse: (args) => {
    const r = parseClientMemLimit(args[0] ?? '');
    return r instanceof ClientMemLimit ? r : valueError(r.reason);
  },
  format: (v) => formatClientMemLimit(v as ClientMemLimit),
  rewrite: (p, cfg) => {
    const l = cfg.maxmemoryClients;
    const body = l.raw < 0n ? `${-l.raw}%` : formatMemory(l.raw);
    return { line: `${p.name} ${body}`, force: l.raw !== 0n };
  },
};
