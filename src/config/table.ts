/* ==========================================================================
 * The config table: every configuration parameter declared once.
 *
 * One declaration drives the redis.conf / command-line loader, CONFIG GET
 * (with globs), CONFIG SET (several pairs, atomically, with rollback) and
 * CONFIG REWRITE. Values live as typed fields of a Config object so the hot
 * path reads plain properties. Only parameters whose behaviour Respite
 * implements are declared: an unknown one is rejected as Redis rejects it.
 * ========================================================================== */

export type ParamType = 'bool' | 'int' | 'memory' | 'enum' | 'string' | 'special';

/** Parsed values of every parameter (camelCase field per param). */
export class Config {
  port = 6379;
  bind: string[] = ['127.0.0.1', '-::1'];
  bindSourceAddr = '';
  unixsocket = '';
  unixsocketperm = 0;
  tcpBacklog = 511;
  databases = 16;
  requirepass = '';
  protectedMode = true;
  hz = 10;
  dynamicHz = true;
  timeout = 0;
  tcpKeepalive = 300;
  maxclients = 10000;
  protoMaxBulkLen = 512 * 1024 * 1024;
  clientQueryBufferLimit = 1024 * 1024 * 1024;
  logfile = '';
  loglevel = 'notice';
  syslogEnabled = false;
  pidfile = '';
  dir = process.cwd();
  daemonize = false;
  enableDebugCommand = 'no';
  enableProtectedConfigs = 'no';
  activeExpireEffort = 1;
  lazyfreeLazyUserDel = false;
  lazyfreeLazyUserFlush = false;
  latencyTracking = true;
  latencyTrackingInfoPercentiles: number[] = [50, 99, 99.9];
  crashLogEnabled = true;
  setProcTitle = true;
  procTitleTemplate = '{title} {listen-addr} {server-mode}';
  /** Test-only: DEBUG SET-ACTIVE-EXPIRE 0 turns the active cycle off. */
  activeExpireEnabled = true;
}

export interface ParamSpec {
  readonly name: string;
  readonly alias?: string;
  readonly type: ParamType;
  readonly field: keyof Config;
  /** Cannot be changed with CONFIG SET. */
  readonly immutable?: boolean;
  /** Protected config (enable-protected-configs). */
  readonly protected?: boolean;
  /** Hidden from CONFIG REWRITE if equal to default etc. */
  readonly sensitive?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
  /** Special parse: returns the value or an error string (prefixed with '!'). */
  readonly parse?: (args: string[]) => unknown;
  /** Special format for CONFIG GET / REWRITE. */
  readonly format?: (v: unknown) => string;
}

const INT_MAX = 2147483647;
const LLONG_MAX = Number.MAX_SAFE_INTEGER;

export const PARAMS: readonly ParamSpec[] = [
  { name: 'port', type: 'int', field: 'port', min: 0, max: 65535 },
  {
    name: 'bind', type: 'special', field: 'bind',
    parse: (args) => (args.length === 1 ? args[0].split(' ').filter((x) => x !== '') : args),
    format: (v) => (v as string[]).join(' '),
  },
  { name: 'bind-source-addr', type: 'string', field: 'bindSourceAddr' },
  { name: 'unixsocket', type: 'string', field: 'unixsocket', immutable: true },
  { name: 'unixsocketperm', type: 'special', field: 'unixsocketperm', immutable: true,
    parse: (a) => { const v = parseInt(a[0], 8); return Number.isNaN(v) || v < 0 || v > 0o777 ? '!Invalid socket file permissions' : v; },
    format: (v) => (v as number).toString(8) },
  { name: 'tcp-backlog', type: 'int', field: 'tcpBacklog', immutable: true, min: 0, max: INT_MAX },
  { name: 'databases', type: 'int', field: 'databases', immutable: true, min: 1, max: INT_MAX },
  { name: 'requirepass', type: 'string', field: 'requirepass', sensitive: true },
  { name: 'protected-mode', type: 'bool', field: 'protectedMode' },
  { name: 'hz', type: 'int', field: 'hz', min: 0, max: INT_MAX },
  { name: 'dynamic-hz', type: 'bool', field: 'dynamicHz' },
  { name: 'timeout', type: 'int', field: 'timeout', min: 0, max: INT_MAX },
  { name: 'tcp-keepalive', type: 'int', field: 'tcpKeepalive', min: 0, max: INT_MAX },
  { name: 'maxclients', type: 'int', field: 'maxclients', min: 1, max: INT_MAX },
  { name: 'proto-max-bulk-len', type: 'memory', field: 'protoMaxBulkLen', min: 1024 * 1024, max: LLONG_MAX },
  { name: 'client-query-buffer-limit', type: 'memory', field: 'clientQueryBufferLimit', min: 1024 * 1024, max: LLONG_MAX },
  { name: 'logfile', type: 'string', field: 'logfile', immutable: true },
  { name: 'loglevel', type: 'enum', field: 'loglevel', values: ['debug', 'verbose', 'notice', 'warning', 'nothing'] },
  { name: 'syslog-enabled', type: 'bool', field: 'syslogEnabled', immutable: true },
  { name: 'pidfile', type: 'string', field: 'pidfile', immutable: true },
  { name: 'dir', type: 'string', field: 'dir', protected: true },
  { name: 'daemonize', type: 'bool', field: 'daemonize', immutable: true },
  { name: 'enable-debug-command', type: 'enum', field: 'enableDebugCommand', immutable: true, values: ['no', 'yes', 'local'] },
  { name: 'enable-protected-configs', type: 'enum', field: 'enableProtectedConfigs', immutable: true, values: ['no', 'yes', 'local'] },
  { name: 'active-expire-effort', type: 'int', field: 'activeExpireEffort', min: 1, max: 10 },
  { name: 'lazyfree-lazy-user-del', type: 'bool', field: 'lazyfreeLazyUserDel' },
  { name: 'lazyfree-lazy-user-flush', type: 'bool', field: 'lazyfreeLazyUserFlush' },
  { name: 'latency-tracking', type: 'bool', field: 'latencyTracking' },
  {
    name: 'latency-tracking-info-percentiles', type: 'special', field: 'latencyTrackingInfoPercentiles',
    parse: (args) => {
      const parts = args.length === 1 ? args[0].split(' ').filter((x) => x !== '') : args;
      const out: number[] = [];
      for (const p of parts) {
        const v = Number(p);
        if (p === '' || !Number.isFinite(v) || v < 0 || v > 100) return '!latency-tracking-info-percentiles: percentile must be between 0.0 and 100.0';
        out.push(v);
      }
      return out;
    },
    format: (v) => (v as number[]).map((x) => String(x)).join(' '),
  },
  { name: 'crash-log-enabled', type: 'bool', field: 'crashLogEnabled', protected: false },
  { name: 'set-proc-title', type: 'bool', field: 'setProcTitle', immutable: true },
  { name: 'proc-title-template', type: 'string', field: 'procTitleTemplate' },
];

/** Lookup by name or alias (lower case). */
export const PARAM_BY_NAME: ReadonlyMap<string, ParamSpec> = (() => {
  const m = new Map<string, ParamSpec>();
  for (const p of PARAMS) {
    m.set(p.name, p);
    if (p.alias) m.set(p.alias, p);
  }
  return m;
})();

const MEM_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1000, kb: 1024, m: 1000 * 1000, mb: 1024 * 1024, g: 1000 * 1000 * 1000, gb: 1024 * 1024 * 1024,
};

/** Redis's memtoull: "1gb", "100mb", "5k"... Returns null if invalid. */
export function parseMemory(s: string): number | null {
  const m = /^(-?\d+)([a-zA-Z]*)$/.exec(s);
  if (m === null) return null;
  const mul = MEM_UNITS[m[2].toLowerCase()];
  if (mul === undefined) return null;
  return parseInt(m[1], 10) * mul;
}

/**
 * Parse one parameter's value. Returns the typed value, or a string starting
 * with '!' holding Redis's error text for the loader / CONFIG SET.
 */
export function parseParam(p: ParamSpec, args: string[]): unknown {
  if (p.type === 'special') return p.parse!(args);
  if (args.length !== 1) return '!wrong number of arguments';
  const v = args[0];
  switch (p.type) {
    case 'bool': {
      const l = v.toLowerCase();
      if (l === 'yes') return true;
      if (l === 'no') return false;
      return "!argument must be 'yes' or 'no'";
    }
    case 'enum': {
      const l = v.toLowerCase();
      if (p.values!.includes(l)) return l;
      return '!argument(s) must be one of the following: ' + p.values!.join(', ');
    }
    case 'int':
    case 'memory': {
      let n: number | null;
      if (p.type === 'memory') n = parseMemory(v);
      else n = /^-?\d+$/.test(v) ? parseInt(v, 10) : null;
      if (n === null) return '!argument couldn\'t be parsed into an integer';
      if ((p.min !== undefined && n < p.min) || (p.max !== undefined && n > p.max)) {
        return `!argument must be between ${p.min} and ${p.max} inclusive`;
      }
      return n;
    }
    case 'string':
      return v;
  }
}

/** Format a value for CONFIG GET. */
export function formatParam(p: ParamSpec, cfg: Config): string {
  const v = cfg[p.field] as unknown;
  if (p.format !== undefined) return p.format(v);
  if (p.type === 'bool') return v ? 'yes' : 'no';
  return String(v);
}
