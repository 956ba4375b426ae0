/* ==========================================================================
 * Special config parameters of the pub/sub subsystem:
 *
 *   notify-keyspace-events       class letters <-> NC.* bit set
 *   client-output-buffer-limit   <class> <hard> <soft> <seconds> [...]
 *
 * Parsing, CONFIG GET formatting and CONFIG REWRITE lines follow Redis
 * 7.0.15, quirks included (checked against the real server): 'n' is not
 * shown when 'A' is, hard/soft limits saturate and wrap like memtoull's
 * strtoull, and the seconds are strtoll'd then stored in a C int.
 * Pure functions: no server imports.
 * ========================================================================== */

import { parseMemory, LLONG_MAX, formatMemory } from './memtoull';

/** Output-buffer limit of one client class (index: 0 normal, 1 replica, 2 pubsub). */
export interface ObufLimit {
  /** Limits in bytes (0 = none) as numbers for the checks, and exactly as set (CONFIG GET shows 2^64-1). */
  hard: number;
  soft: number;
  hardBig: bigint;
  softBig: bigint;
  seconds: number;
}

function limit(hard: bigint, soft: bigint, seconds: number): ObufLimit {
  return { hard: Number(hard), soft: Number(soft), hardBig: hard, softBig: soft, seconds };
}

// --- notify-keyspace-events -------------------------------------------------------

/* Bits as in server/keyspace.ts NC (kept in sync by value). */
const K = 1 << 0, E = 1 << 1, G = 1 << 2, STR = 1 << 3, L = 1 << 4, S = 1 << 5, H = 1 << 6, Z = 1 << 7;
const X = 1 << 8, EV = 1 << 9, T = 1 << 10, M = 1 << 11, D = 1 << 13, N = 1 << 14;
/** Redis's NOTIFY_ALL ('A'): every class except key-miss and new-key events. */
const ALL = G | STR | L | S | H | Z | X | EV | T | D;

const CLASS_BITS: Record<string, number> = {
  A: ALL, g: G, $: STR, l: L, s: S, h: H, z: Z, x: X, e: EV, K, E, t: T, m: M, d: D, n: N,
};

/** Redis's keyspaceEventsStringToFlags: the bit set, or -1 for an unknown letter. */
export function parseNotifyFlags(s: string): number {
  let flags = 0;
  for (let i = 0; i < s.length; i++) {
    const b = CLASS_BITS[s[i]];
    if (b === undefined || !Object.prototype.hasOwnProperty.call(CLASS_BITS, s[i])) return -1;
    flags |= b;
  }
  return flags;
}

/** Redis's keyspaceEventsFlagsToString (note: 'n' only appears when 'A' does not). */
export function formatNotifyFlags(flags: number): string {
  let r = '';
  if ((flags & ALL) === ALL) {
    r = 'A';
  } else {
    if (flags & G) r += 'g';
    if (flags & STR) r += '$';
    if (flags & L) r += 'l';
    if (flags & S) r += 's';
    if (flags & H) r += 'h';
    if (flags & Z) r += 'z';
    if (flags & X) r += 'x';
    if (flags & EV) r += 'e';
    if (flags & T) r += 't';
    if (flags & D) r += 'd';
    if (flags & N) r += 'n';
  }
  if (flags & K) r += 'K';
  if (flags & E) r += 'E';
  if (flags & M) r += 'm';
  return r;
}

export const NOTIFY_FLAGS_ERROR = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

// --- client-output-buffer-limit ------------------------------------------------------

/** Class names as CONFIG GET shows them, and as CONFIG REWRITE writes them. */
export const OBUF_CLASS_NAMES = ['normal', 'slave', 'pubsub'] as const;
const REWRITE_CLASS_NAMES = ['normal', 'replica', 'pubsub'] as const;

/** strtoll consuming the whole string, saturating; then truncated to a C int. Null when invalid. */
function secondsArg(s: string): number | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d*)$/.exec(s);
  if (m === null) return null;
  if (m[2] === '') return s === '' ? 0 : null; // no digits: eptr stays at the start
  let v = BigInt(m[2]);
  if (m[1] === '-') v = -v;
  if (v > LLONG_MAX) v = LLONG_MAX;
  if (v < -LLONG_MAX - 1n) v = -LLONG_MAX - 1n;
  return Number(BigInt.asIntN(32, v));
}

/** A parse failure reason (the caller wraps it in its ValueError). */
export type ObufParse = ObufLimit[] | string;

/**
 * Redis's setConfigClientOutputBufferLimitOption: groups of four words,
 * all validated before any is applied; later groups of the same class win.
 * `current` is copied (the result is a new array).
 */
export function parseObufLimits(args: readonly string[], current: readonly ObufLimit[]): ObufParse {
  if (args.length % 4 !== 0) return 'Wrong number of arguments in buffer limit configuration.';
  const out = current.map((l) => ({ ...l }));
  const pending: [number, ObufLimit][] = [];
  for (let j = 0; j < args.length; j += 4) {
    const cls = classIndex(args[j]);
    if (cls < 0) return 'Invalid client class specified in buffer limit configuration.';
    const hard = parseMemory(args[j + 1]);
    const soft = parseMemory(args[j + 2]);
    const secs = secondsArg(args[j + 3]);
    if (hard === null || soft === null || secs === null || secs < 0) {
      return 'Error in hard, soft or soft_seconds setting in buffer limit configuration.';
    }
    pending.push([cls, limit(hard, soft, secs)]);
  }
  for (const [cls, l] of pending) out[cls] = l;
  return out;
}

/** normal 0, slave/replica 1, pubsub 2 (any case); -1 otherwise (master included). */
function classIndex(name: string): number {
  switch (name.toLowerCase()) {
    case 'normal': return 0;
    case 'slave':
    case 'replica': return 1;
    case 'pubsub': return 2;
    default: return -1;
  }
}

/** CONFIG GET form: "normal 0 0 0 slave ... pubsub ...". */
export function formatObufLimits(v: readonly ObufLimit[]): string {
  return v.map((l, i) => `${OBUF_CLASS_NAMES[i]} ${l.hardBig} ${l.softBig} ${l.seconds}`).join(' ');
}

/**
 * CONFIG REWRITE lines, one per class, each forced when it differs from the
 * default (a class at its default only reuses a line already in the file).
 */
export function obufRewriteLines(name: string, v: readonly ObufLimit[], defaults: readonly ObufLimit[]):
  { line: string; force: boolean }[] {
  return v.map((l, i) => {
    const d = defaults[i];
    const force = l.hardBig !== d.hardBig || l.softBig !== d.softBig || l.seconds !== d.seconds;
    return { line: `${name} ${REWRITE_CLASS_NAMES[i]} ${formatMemory(l.hardBig)} ${formatMemory(l.softBig)} ${l.seconds}`, force };
  });
}

/** Default client-output-buffer-limit: normal, replica (slave), pubsub. */
export function defaultObufLimits(): ObufLimit[] {
  return [limit(0n, 0n, 0), limit(256n << 20n, 64n << 20n, 60), limit(32n << 20n, 8n << 20n, 60)];
}
