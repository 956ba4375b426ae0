/* ==========================================================================
 * Redis's memtoull, shared by every memory-valued parameter (plain memory
 * configs, client-output-buffer-limit, maxmemory-clients).
 * ========================================================================== */

export const ULLONG = 1n << 64n;
export const ULLONG_MAX = ULLONG - 1n;
export const LLONG_MAX = (1n << 63n) - 1n;

const UNITS: ReadonlyMap<string, bigint> = new Map([
  ['', 1n], ['b', 1n], ['k', 1000n], ['kb', 1024n], ['m', 1000n * 1000n], ['mb', 1024n * 1024n],
  ['g', 1000n * 1000n * 1000n], ['gb', 1024n * 1024n * 1024n],
]);

/**
 * Digits then an optional unit (b, k, kb, m, mb, g, gb; any case). No
 * sign, no spaces; the digits may be empty (value 0) and are at most 127.
 * Like strtoull the digits saturate at 2^64-1 and, like the C product, the
 * unit multiplication wraps modulo 2^64 (Redis checks neither). Returns the
 * unsigned result, or null when invalid.
 */
export function parseMemory(s: string): bigint | null {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  const mul = UNITS.get(s.slice(i).toLowerCase());
  if (mul === undefined || i >= 128) return null;
  let v = i === 0 ? 0n : BigInt(s.slice(0, i));
  if (v > ULLONG_MAX) v = ULLONG_MAX;
  return (v * mul) & ULLONG_MAX;
}

/** "1gb", "3mb", "4kb" or plain bytes (Redis's rewriteConfigFormatMemory). */
export function formatMemory(v: bigint): string {
  const gb = 1n << 30n, mb = 1n << 20n, kb = 1n << 10n;
  if (v !== 0n && v % gb === 0n) return `${v / gb}gb`;
  if (v !== 0n && v % mb === 0n) return `${v / mb}mb`;
  if (v !== 0n && v % kb === 0n) return `${v / kb}kb`;
  return v.toString();
}
