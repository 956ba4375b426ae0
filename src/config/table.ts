/* ==========================================================================
 * The config table: every configuration parameter declared once.
 *
 * One declaration drives the redis.conf / command-line loader (loader.ts),
 * CONFIG GET / SET (apply.ts) and CONFIG REWRITE (rewrite.ts). Values live
 * as typed fields of a Config object so the hot path reads plain properties.
 *
 * Only parameters whose behaviour Respite implements are declared: an
 * unknown one is rejected exactly as Redis rejects a parameter it does not
 * know ("Bad directive..." in redis.conf, "Unknown option..." in CONFIG SET).
 * Subsystems that add behaviour (persistence, eviction, notifications,
 * encodings...) add their parameters here when they land.
 *
 * Parameter semantics follow Redis 7.0's standardConfig types:
 *   bool    yes/no (any case)
 *   int     strict int64 text (string2ll) within [min, max]
 *   memory  memtoull ("1gb", "100mb", "5k", plain bytes) within [min, max]
 *   octal   strtoll base 8 within [min, max]
 *   enum    one of `values` (any case), stored lower case
 *   string  any bytes; `emptyIsNull` ones read back as "" and are not
 *           rewritten when empty
 *   special own parse / format / rewrite (bind, dir, percentiles...)
 * Error texts are Redis 7.0.15's, checked against the real server.
 * ========================================================================== */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseMemory, ULLONG_MAX } from './memtoull';
import { parseDouble, parseInt64Big } from '../protocol/numbers';
import {
  parseNotifyFlags, formatNotifyFlags, NOTIFY_FLAGS_ERROR, parseObufLimits, formatObufLimits, obufRewriteLines,
  defaultObufLimits, type ObufLimit,
} from './pubsub-params';
import { MAXMEMORY_CLIENTS_PARAM, CLIENT_MEM_LIMIT_OFF, type ClientMemLimit } from './client-evict-params';

export type ParamType = 'bool' | 'int' | 'memory' | 'octal' | 'enum' | 'string' | 'special';

/** Parsed values of every parameter (camelCase field per param). */
export class Config {
  port = 6379;
  bind: string[] = ['127.0.0.1', '-::1'];
  unixsocket = '';
  unixsocketperm = 0;
  tcpBacklog = 511;
  databases = 16;
  requirepass = '';
  protectedMode = true;
  hz = 10;
  timeout = 0;
  tcpKeepalive = 300;
  maxclients = 10000;
  /** Most keys the client-side caching table remembers (0 = unlimited). */
  trackingTableMaxKeys = 1000000;
  protoMaxBulkLen = 512 * 1024 * 1024;
  /** Hash listpack limits (pairs, bytes per field/value): beyond them a hash becomes a hashtable. */
  hashMaxListpackEntries = 512;
  hashMaxListpackValue = 64;
  /** Sets of at most this many int64 members use the intset encoding. */
  setMaxIntsetEntries = 512;
  /** Sorted-set listpack limits (members, bytes per member): beyond them a zset becomes a skiplist. */
  zsetMaxListpackEntries = 128;
  zsetMaxListpackValue = 64;
  /** Quicklist node limit of new lists: < 0 a byte level (-1..-5 = 4..64 KB), > 0 an element count. */
  listMaxListpackSize = -2;
  /** Nodes kept uncompressed at each end of new lists (0 = no compression). */
  listCompressDepth = 0;
  /** Sparse HyperLogLogs longer than this (header included) are converted to dense. */
  hllSparseMaxBytes = 3000;
  clientQueryBufferLimit = 1024 * 1024 * 1024;
  /** Memory budget in bytes (0 = none) and what to do when used memory exceeds it (server/evict.ts). */
  maxmemory = 0;
  maxmemoryPolicy = 'noeviction';
  /** Keys sampled per database per eviction-pool refill. */
  maxmemorySamples = 5;
  /** Eviction effort per command (0..100): sets the time slice of one eviction pass. */
  maxmemoryEvictionTenacity = 10;
  /** LFU counter: logarithm factor of the increments and minutes per decrement of idle keys. */
  lfuLogFactor = 10;
  lfuDecayTime = 1;
  /** maxmemory-clients: client-eviction limit, bytes or percent of maxmemory (config/client-evict-params.ts). */
  maxmemoryClients: ClientMemLimit = CLIENT_MEM_LIMIT_OFF;
  /** notify-keyspace-events as NC.* bits (server/keyspace.ts); 0 = off. */
  notifyKeyspaceEvents = 0;
  /** client-output-buffer-limit per class: normal, replica, pubsub. */
  clientOutputBufferLimit: ObufLimit[] = defaultObufLimits();
  logfile = '';
  loglevel = 'notice';
  pidfile = '';
  dir = process.cwd();
  enableDebugCommand = 'no';
  enableProtectedConfigs = 'no';
  activeExpireEffort = 1;
  latencyTracking = true;
  latencyTrackingInfoPercentiles: number[] = [50, 99, 99.9];
  /** SLOWLOG: log commands running at least this many µs (< 0: off); keep this many entries. */
  slowlogLogSlowerThan = 10000;
  slowlogMaxLen = 128;
  /** Latency monitor: record events of at least this many ms (0: off). */
  latencyMonitorThreshold = 0;
  daemonize = false;
  /** Snapshot save points; only "" (none) until RDB persistence exists. */
  save = '';
  /** AOF; only "no" until AOF persistence exists. */
  appendonly = false;
  // --- fields of parameters not declared yet (their behaviour is not implemented;
  // the subsystems that implement them declare the parameter in PARAMS) ---
  bindSourceAddr = '';
  syslogEnabled = false;
  dynamicHz = true;
  lazyfreeLazyUserDel = false;
  lazyfreeLazyUserFlush = false;
  crashLogEnabled = true;
  setProcTitle = true;
  procTitleTemplate = '{title} {listen-addr} {server-mode}';
  /** Test-only: DEBUG SET-ACTIVE-EXPIRE 0 turns the active cycle off. */
  activeExpireEnabled = true;
  /**
   * Exact values of integer parameters set beyond 2^53 (a JS number cannot
   * hold them), so CONFIG GET / REWRITE print what was set.
   */
  readonly exact = new Map<string, bigint>();
}

/** Defaults, for CONFIG REWRITE (a parameter at its default is not appended). */
export const DEFAULTS = new Config();

/** A parse failure: Redis's reason text ("argument must be 'yes' or 'no'"). */
export class ValueError {
  constructor(readonly reason: string) {}
}

export interface ParamSpec {
  readonly name: string;
  readonly alias?: string;
  readonly type: ParamType;
  readonly field: keyof Config;
  /** Cannot be changed with CONFIG SET. */
  readonly immutable?: boolean;
  /** Protected config: CONFIG SET only if enable-protected-configs allows the client. */
  readonly protected?: boolean;
  /** Takes several arguments (redis.conf words, or CONFIG SET value split on spaces). */
  readonly multiArg?: boolean;
  /** String parameters: "" means unset (not rewritten). */
  readonly emptyIsNull?: boolean;
  /** Numeric bounds (inclusive). */
  readonly min?: bigint;
  readonly max?: bigint;
  /** Unsigned C type in Redis: a negative value wraps to a huge one (fails the bounds). */
  readonly unsigned?: boolean;
  /** Enum values, in Redis's order (the error lists them). */
  readonly values?: readonly string[];
  /** Special parse: the value or a ValueError. */
  readonly parse?: (args: string[], cfg: Config) => unknown;
  /** Special CONFIG GET format. */
  readonly format?: (v: unknown) => string;
  /**
   * Special rewrite: the line to write (null: remove the parameter's lines)
   * and whether it must be written even if absent from the file.
   */
  readonly rewrite?: (p: ParamSpec, cfg: Config) => {
    line: string | null; force: boolean;
    /** Further lines of the same parameter (client-output-buffer-limit: one per class). */
    more?: { line: string; force: boolean }[];
  };
}

const INT_MAX = 2147483647n;
const UINT_MAX = 4294967295n;
const LONG_MAX = 9223372036854775807n;

/** Redis's "%f" then trimDoubleString: fixed 6 decimals, trailing zeros and dot removed. */
export function formatPercentile(v: number): string {
  // sprintf("%f") keeps the sign of -0.0 (CONFIG SET accepts "-0"); toFixed drops it.
  let s = Object.is(v, -0) ? '-0.000000' : v.toFixed(6);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

/** Split a multi-argument CONFIG SET value as sdssplitlen(value, " ") does (empty tokens kept). */
export function splitMultiArg(v: string): string[] {
  return v.length === 0 ? [] : v.split(' ');
}

/** strerror() text for the errno codes a directory change can fail with. */
function strerror(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOENT': return 'No such file or directory';
    case 'ENOTDIR': return 'Not a directory';
    case 'EACCES': return 'Permission denied';
    case 'ELOOP': return 'Too many levels of symbolic links';
    case 'ENAMETOOLONG': return 'File name too long';
    default: return e.message;
  }
}

/** Quote a string the way sdscatrepr does (CONFIG REWRITE string values). */
export function repr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 || c === 34) out += '\\' + s[i];
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c < 32 || c > 126) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += s[i];
  }
  return out + '"';
}

/** bind: up to 16 addresses; a single "" means none (Redis's setConfigBindOption). */
function parseBind(args: string[]): unknown {
  if (args.length > 16) return new ValueError('Too many bind addresses specified.');
  if (args.length === 1 && args[0] === '') return [];
  return args.slice();
}

/** bind rewrite: nothing when at the default, else the addresses unquoted (`bind ""` when none). */
function rewriteBind(p: ParamSpec, cfg: Config): { line: string | null; force: boolean } {
  const b = cfg.bind;
  const isDefault = b.length === DEFAULTS.bind.length && b.every((x, i) => x === DEFAULTS.bind[i]);
  if (isDefault) return { line: null, force: false };
  return { line: `${p.name} ${b.length > 0 ? b.join(' ') : '""'}`, force: true };
}

/**
 * dir: like Redis's chdir, the directory must exist and be searchable;
 * relative paths resolve against the current `dir`. Respite records the
 * absolute path instead of changing the process's working directory (one
 * process may host several servers); persistence files are placed there.
 */
function parseDir(args: string[], cfg: Config): unknown {
  if (args.length !== 1) return new ValueError('wrong number of arguments');
  const target = path.resolve(cfg.dir, args[0]);
  try {
    if (!fs.statSync(target).isDirectory()) return new ValueError('Not a directory');
    fs.accessSync(target, fs.constants.X_OK);
  } catch (e) {
    return new ValueError(strerror(e as NodeJS.ErrnoException));
  }
  return target;
}

/** latency-tracking-info-percentiles: doubles in [0, 100]; a single "" means none. */
function parsePercentiles(args: string[]): unknown {
  if (args.length === 1 && args[0] === '') return [];
  const out: number[] = [];
  for (const a of args) {
    const v = parseDouble(a);
    if (v === null) return new ValueError('Invalid latency-tracking-info-percentiles parameters');
    if (v > 100 || v < 0) return new ValueError('latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
    out.push(v);
  }
  return out;
}

/** Percentiles are always rewritten (`""` when empty) so the defaults do not come back. */
function rewritePercentiles(p: ParamSpec, cfg: Config): { line: string | null; force: boolean } {
  const v = cfg.latencyTrackingInfoPercentiles;
  const body = v.length === 0 ? ' ""' : v.map((x) => ' ' + formatPercentile(x)).join('');
  return { line: p.name + body, force: true };
}

const ENABLE_VALUES = ['no', 'yes', 'local'] as const;

/*
 * Persistence parameters appear in nearly every redis.conf and are read by
 * tools at start-up (redis-benchmark asks for `save` and `appendonly`). Until
 * RDB and AOF exist, they accept exactly the values that describe what the
 * server really does — no save points, no AOF — and refuse the others, so a
 * configuration that asks for persistence fails loudly instead of silently
 * running without it.
 */
function parseSave(args: string[]): unknown {
  // CONFIG SET save "" reaches here as no arguments (splitMultiArg), redis.conf's save "" as one empty one
  if (args.length === 0 || (args.length === 1 && args[0].trim() === '')) return '';
  return new ValueError('Invalid save parameters: RDB snapshots are not supported by this server yet (use save "")');
}

function parseAppendonly(args: string[]): unknown {
  const l = (args[0] ?? '').toLowerCase();
  if (l === 'no') return false;
  if (l === 'yes') return new ValueError('AOF persistence is not supported by this server yet');
  return new ValueError("argument must be 'yes' or 'no'");
}

/** Every parameter Respite implements. */
export const PARAMS: readonly ParamSpec[] = [
  // --- booleans ---
  { name: 'protected-mode', type: 'bool', field: 'protectedMode' },
  { name: 'latency-tracking', type: 'bool', field: 'latencyTracking' },
  { name: 'daemonize', type: 'bool', field: 'daemonize', immutable: true },
  // --- strings ---
  { name: 'unixsocket', type: 'string', field: 'unixsocket', immutable: true, emptyIsNull: true },
  { name: 'pidfile', type: 'string', field: 'pidfile', immutable: true, emptyIsNull: true },
  { name: 'logfile', type: 'string', field: 'logfile', immutable: true },
  { name: 'requirepass', type: 'string', field: 'requirepass', emptyIsNull: true },
  // --- enums ---
  { name: 'loglevel', type: 'enum', field: 'loglevel', values: ['debug', 'verbose', 'notice', 'warning'] },
  { name: 'enable-protected-configs', type: 'enum', field: 'enableProtectedConfigs', immutable: true, values: ENABLE_VALUES },
  { name: 'enable-debug-command', type: 'enum', field: 'enableDebugCommand', immutable: true, values: ENABLE_VALUES },
  // --- integers ---
  { name: 'databases', type: 'int', field: 'databases', immutable: true, min: 1n, max: INT_MAX },
  { name: 'port', type: 'int', field: 'port', min: 0n, max: 65535n },
  { name: 'tcp-keepalive', type: 'int', field: 'tcpKeepalive', min: 0n, max: INT_MAX },
  { name: 'timeout', type: 'int', field: 'timeout', min: 0n, max: INT_MAX },
  { name: 'tcp-backlog', type: 'int', field: 'tcpBacklog', immutable: true, min: 0n, max: INT_MAX },
  { name: 'active-expire-effort', type: 'int', field: 'activeExpireEffort', min: 1n, max: 10n },
  { name: 'hz', type: 'int', field: 'hz', min: 0n, max: INT_MAX },
  { name: 'maxclients', type: 'int', field: 'maxclients', min: 1n, max: UINT_MAX, unsigned: true },
  { name: 'tracking-table-max-keys', type: 'int', field: 'trackingTableMaxKeys', min: 0n, max: LONG_MAX },
  { name: 'unixsocketperm', type: 'octal', field: 'unixsocketperm', immutable: true, min: 0n, max: 0o777n, unsigned: true },
  { name: 'proto-max-bulk-len', type: 'memory', field: 'protoMaxBulkLen', min: 1024n * 1024n, max: LONG_MAX },
  { name: 'client-query-buffer-limit', type: 'memory', field: 'clientQueryBufferLimit', min: 1024n * 1024n, max: LONG_MAX },
  { name: 'hash-max-listpack-entries', alias: 'hash-max-ziplist-entries', type: 'int', field: 'hashMaxListpackEntries', min: 0n, max: LONG_MAX },
  { name: 'hash-max-listpack-value', alias: 'hash-max-ziplist-value', type: 'memory', field: 'hashMaxListpackValue', min: 0n, max: LONG_MAX },
  { name: 'set-max-intset-entries', type: 'int', field: 'setMaxIntsetEntries', min: 0n, max: LONG_MAX },
  { name: 'slowlog-log-slower-than', type: 'int', field: 'slowlogLogSlowerThan', min: -1n, max: LONG_MAX },
  { name: 'slowlog-max-len', type: 'int', field: 'slowlogMaxLen', min: 0n, max: LONG_MAX, unsigned: true },
  { name: 'latency-monitor-threshold', type: 'int', field: 'latencyMonitorThreshold', min: 0n, max: LONG_MAX },
  { name: 'zset-max-listpack-entries', alias: 'zset-max-ziplist-entries', type: 'int', field: 'zsetMaxListpackEntries', min: 0n, max: LONG_MAX },
  { name: 'zset-max-listpack-value', alias: 'zset-max-ziplist-value', type: 'memory', field: 'zsetMaxListpackValue', min: 0n, max: LONG_MAX },
  { name: 'list-max-listpack-size', alias: 'list-max-ziplist-size', type: 'int', field: 'listMaxListpackSize', min: -INT_MAX - 1n, max: INT_MAX },
  { name: 'list-compress-depth', type: 'int', field: 'listCompressDepth', min: 0n, max: INT_MAX },
  { name: 'maxmemory', type: 'memory', field: 'maxmemory', min: 0n, max: ULLONG_MAX, unsigned: true },
  {
    name: 'maxmemory-policy', type: 'enum', field: 'maxmemoryPolicy',
    values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'],
  },
  { name: 'maxmemory-samples', type: 'int', field: 'maxmemorySamples', min: 1n, max: INT_MAX },
  { name: 'maxmemory-eviction-tenacity', type: 'int', field: 'maxmemoryEvictionTenacity', min: 0n, max: 100n },
  { name: 'lfu-log-factor', type: 'int', field: 'lfuLogFactor', min: 0n, max: INT_MAX },
  { name: 'lfu-decay-time', type: 'int', field: 'lfuDecayTime', min: 0n, max: INT_MAX },
  { name: 'hll-sparse-max-bytes', type: 'memory', field: 'hllSparseMaxBytes', min: 0n, max: LONG_MAX },
  // --- special ---
  MAXMEMORY_CLIENTS_PARAM,
  {
    name: 'notify-keyspace-events', type: 'special', field: 'notifyKeyspaceEvents',
    parse: (args) => {
      const f = parseNotifyFlags(args[0] ?? '');
      return f < 0 ? new ValueError(NOTIFY_FLAGS_ERROR) : f;
    },
    format: (v) => formatNotifyFlags(v as number),
    rewrite: (p, cfg) => ({
      line: `${p.name} ${repr(formatNotifyFlags(cfg.notifyKeyspaceEvents))}`, force: cfg.notifyKeyspaceEvents !== 0,
    }),
  },
  {
    name: 'client-output-buffer-limit', type: 'special', field: 'clientOutputBufferLimit', multiArg: true,
    parse: (args, cfg) => {
      const r = parseObufLimits(args, cfg.clientOutputBufferLimit);
      return typeof r === 'string' ? new ValueError(r) : r;
    },
    format: (v) => formatObufLimits(v as ObufLimit[]),
    rewrite: (p, cfg) => {
      const lines = obufRewriteLines(p.name, cfg.clientOutputBufferLimit, DEFAULTS.clientOutputBufferLimit);
      return { line: lines[0].line, force: lines[0].force, more: lines.slice(1) };
    },
  },
  { name: 'save', type: 'special', field: 'save', multiArg: true, parse: parseSave, format: () => '' },
  { name: 'appendonly', type: 'special', field: 'appendonly', parse: parseAppendonly, format: () => 'no' },
  {
    name: 'dir', type: 'special', field: 'dir', protected: true, parse: parseDir,
    rewrite: (p, cfg) => ({ line: `${p.name} ${repr(cfg.dir)}`, force: true }),
  },
  {
    name: 'bind', type: 'special', field: 'bind', multiArg: true, parse: parseBind,
    format: (v) => (v as string[]).join(' '), rewrite: rewriteBind,
  },
  {
    name: 'latency-tracking-info-percentiles', type: 'special', field: 'latencyTrackingInfoPercentiles',
    multiArg: true, parse: parsePercentiles,
    format: (v) => (v as number[]).map(formatPercentile).join(' '), rewrite: rewritePercentiles,
  },
];

/** Lookup by name or alias, any case. */
const BY_NAME: ReadonlyMap<string, ParamSpec> = (() => {
  const m = new Map<string, ParamSpec>();
  for (const p of PARAMS) {
    m.set(p.name, p);
    if (p.alias !== undefined) m.set(p.alias, p);
  }
  return m;
})();

/** The parameter called `name` (or aliased so), any case. */
export function lookupParam(name: string): ParamSpec | undefined {
  return BY_NAME.get(name) ?? BY_NAME.get(name.toLowerCase());
}

export { parseMemory };

/** strtoll(s, 8) that must consume the whole string (leading spaces and a sign allowed). */
function parseOctal(s: string): bigint | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-7]*)$/.exec(s);
  if (m === null) return null;
  if (m[2] === '') return s === '' ? 0n : null; // no digits: only "" ends at the terminator
  const v = BigInt('0o' + m[2]);
  if (v > LONG_MAX) return null; // ERANGE
  return m[1] === '-' ? -v : v;
}

/**
 * Parse one parameter's value from its arguments (one, except multiArg).
 * Returns the typed value, or a ValueError with Redis's reason text.
 */
export function parseParam(p: ParamSpec, args: string[], cfg: Config): unknown {
  if (p.parse !== undefined) return p.parse(args, cfg);
  const v = args[0] ?? '';
  switch (p.type) {
    case 'bool': {
      const l = v.toLowerCase();
      if (l === 'yes') return true;
      if (l === 'no') return false;
      return new ValueError("argument must be 'yes' or 'no'");
    }
    case 'enum': {
      const l = v.toLowerCase();
      if (p.values!.includes(l)) return l;
      return new ValueError('argument(s) must be one of the following: ' + p.values!.join(', '));
    }
    case 'int':
    case 'memory':
    case 'octal': {
      let n: bigint | null;
      if (p.type === 'memory') {
        n = parseMemory(v);
        if (n === null) return new ValueError('argument must be a memory value');
        // memtoull's unsigned result read back as a signed long long
        if (n > LONG_MAX) n -= 1n << 64n;
      } else if (p.type === 'octal') {
        n = parseOctal(v);
        if (n === null) return new ValueError("argument couldn't be parsed as an octal number");
      } else {
        n = parseInt64Big(v);
        if (n === null) return new ValueError("argument couldn't be parsed into an integer");
      }
      const min = p.min!, max = p.max!;
      // Unsigned configs (maxclients, unixsocketperm) see a negative value as huge.
      const cmp = p.unsigned === true && n < 0n ? n + (1n << 64n) : n;
      if (cmp < min || cmp > max) {
        const f = (x: bigint) => (p.type === 'octal' ? x.toString(8) : x.toString());
        return new ValueError(`argument must be between ${f(min)} and ${f(max)} inclusive`);
      }
      return p.type === 'memory' && p.unsigned === true ? cmp : n;
    }
    case 'string':
      return v;
    default:
      return new ValueError('wrong number of arguments');
  }
}

/** Store a parsed value (bigint for numeric types) into cfg. */
export function storeParam(p: ParamSpec, cfg: Config, value: unknown): void {
  const rec = cfg as unknown as Record<string, unknown>;
  if (typeof value === 'bigint') {
    const n = Number(value);
    if (Number.isSafeInteger(n)) cfg.exact.delete(p.name);
    else cfg.exact.set(p.name, value);
    rec[p.field] = n;
  } else {
    rec[p.field] = value;
  }
}

/** Current value as CONFIG GET prints it. */
export function formatParam(p: ParamSpec, cfg: Config): string {
  const v = (cfg as unknown as Record<string, unknown>)[p.field];
  if (p.format !== undefined) return p.format(v);
  switch (p.type) {
    case 'bool':
      return v ? 'yes' : 'no';
    case 'octal':
      return (v as number).toString(8);
    case 'int':
    case 'memory': {
      const big = cfg.exact.get(p.name);
      if (big !== undefined && Number(big) === v) return big.toString();
      return String(v);
    }
    default:
      return String(v);
  }
}

/** True if `a` and `b` hold the same value of parameter p (CONFIG SET skips unchanged ones' side effects). */
export function sameValue(p: ParamSpec, a: unknown, b: unknown): boolean {
  if (p.type === 'special') return false; // Redis's special setters always report a change
  if (typeof a === 'bigint') return Number(a) === b;
  return a === b;
}
