/* ==========================================================================
 * CONFIG GET and CONFIG SET over the config table.
 *
 * CONFIG SET follows Redis 7.0's configSetCommand step by step:
 *   1. resolve every name (first unknown one -> "Unknown option..."), refuse
 *      immutable / protected parameters and duplicates, in argument order,
 *      the first problem winning;
 *   2. remember the old values, then parse and store each new value; a parse
 *      failure restores everything stored so far;
 *   3. run the side effects ("apply") of the parameters that really changed,
 *      each distinct one once, in argument order; a failure restores every
 *      old value and re-applies.
 * Binding listeners (port, bind) cannot be done synchronously in Node, so
 * that one apply returns a promise: the command handler holds the client
 * until it settles and then replies (see commands/server.ts).
 * ========================================================================== */

import { stringMatch } from '../store/glob';
import type { Server } from '../server/server';
import { MAX_HZ, MIN_HZ } from './loader';
import { updateSlowCallThreshold } from '../server/slowlog';
import { refreshClientsMemory, usedMemory } from '../server/memory';
import {
  type Config, type ParamSpec, PARAMS, ValueError, formatParam, lookupParam, parseParam, sameValue,
  splitMultiArg, storeParam,
} from './table';

/** A side effect: null on success, else Redis's reason; a promise when it needs I/O. */
type ApplyFn = (srv: Server, old: Snapshot) => string | null | Promise<string | null>;

/** Old values of the parameters being set (for rollback and re-binding). */
export interface Snapshot {
  readonly values: Map<ParamSpec, unknown>;
  readonly exact: Map<ParamSpec, bigint | undefined>;
}

/** hz is a hint: clamp to [1, 500] and re-arm the cron at the new rate (Redis's updateHZ). */
function applyHz(srv: Server): null {
  const cfg = srv.config;
  if (cfg.hz < MIN_HZ) cfg.hz = MIN_HZ;
  if (cfg.hz > MAX_HZ) cfg.hz = MAX_HZ;
  srv.cron.restart();
  return null;
}

/** Connected clients' parsers enforce the new bulk limit at once (Redis reads the global). */
function applyProtoMaxBulkLen(srv: Server): null {
  for (const c of srv.clients.values()) c.parser.maxBulkLen = srv.config.protoMaxBulkLen;
  return null;
}

/** call()'s single slow-path threshold follows the slowlog and latency-monitor thresholds (slowlog.ts). */
function applySlowCall(srv: Server): null {
  updateSlowCallThreshold(srv);
  return null;
}

/** maxmemory-policy: the server follows the new policy (LRU or LFU metadata from now on). */
function applyPolicy(srv: Server): null {
  srv.policyChanged();
  return null;
}

/**
 * maxmemory: warn when the new budget is below current usage and start
 * evicting in the background at once (Redis's updateMaxmemory), rather
 * than waiting for the next command.
 */
function applyMaxmemory(srv: Server): null {
  const max = srv.config.maxmemory;
  if (max === 0) return null;
  refreshClientsMemory(srv);
  const used = usedMemory(srv);
  if (max < used) {
    srv.log.warning(
      `WARNING: the new maxmemory value set via CONFIG SET (${formatParam(lookupParam('maxmemory')!, srv.config)}) is smaller than ` +
        `the current memory usage (${used}). This will result in key eviction and/or the inability to accept new write commands ` +
        'depending on the maxmemory-policy.',
    );
  }
  srv.eviction.startBackground();
  return null;
}

/** Value of a parameter in a snapshot, or its current value when it was not part of the SET. */
function oldValue<T>(srv: Server, old: Snapshot, name: string): T {
  const p = lookupParam(name)!;
  return (old.values.has(p) ? old.values.get(p) : (srv.config as unknown as Record<string, unknown>)[p.field]) as T;
}

/**
 * port / bind: move the TCP listeners (Redis's changeListenPort /
 * changeBindAddr). One re-bind covers both when they change together.
 */
function applyListen(reason: string): ApplyFn {
  return (srv, old) => {
    const l = srv.listener;
    if (l === null) return null; // not started: the values are used when it starts
    const cfg = srv.config;
    const oldBind = oldValue<string[]>(srv, old, 'bind');
    const oldPort = oldValue<number>(srv, old, 'port');
    const bindChanged = old.values.has(lookupParam('bind')!);
    return l.rebindTcp(cfg.bind, cfg.port, oldBind, oldPort, bindChanged).then((ok) => {
      if (ok && cfg.port !== 0) cfg.port = l.port;
      return ok ? null : reason;
    });
  };
}

const LISTEN_PORT = applyListen('Unable to listen on this port. Check server logs.');
const LISTEN_BIND = applyListen('Failed to bind to specified addresses.');

/** Side effects by parameter name (parameters without one just store the value). */
const APPLY: ReadonlyMap<string, ApplyFn> = new Map<string, ApplyFn>([
  ['hz', applyHz],
  ['proto-max-bulk-len', applyProtoMaxBulkLen],
  ['port', LISTEN_PORT],
  ['bind', LISTEN_BIND],
  ['slowlog-log-slower-than', applySlowCall],
  ['latency-monitor-threshold', applySlowCall],
  ['maxmemory-policy', applyPolicy],
  ['maxmemory', applyMaxmemory],
]);

const GLOB_CHARS = /[[*?]/;

/**
 * CONFIG GET pattern...: name/value pairs in match order. A pattern without
 * glob characters names one parameter (the reply uses the name as given);
 * a glob matches names and aliases case-insensitively. A name already
 * matched (any case) is not repeated.
 */
export function configGet(cfg: Config, patterns: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  const seen = new Set<string>();
  for (const pat of patterns) {
    if (!GLOB_CHARS.test(pat)) {
      const key = pat.toLowerCase();
      if (seen.has(key)) continue;
      const p = lookupParam(pat);
      if (p !== undefined) {
        seen.add(key);
        out.push([pat, formatParam(p, cfg)]);
      }
      continue;
    }
    for (const p of PARAMS) {
      for (const name of p.alias !== undefined ? [p.name, p.alias] : [p.name]) {
        if (seen.has(name)) continue;
        if (stringMatch(pat, name, true)) {
          seen.add(name);
          out.push([name, formatParam(p, cfg)]);
        }
      }
    }
  }
  return out;
}

/** Result of configSet: an error text ("ERR ..."), null for OK, or a promise of either. */
export type SetResult = string | null | Promise<string | null>;

/** Restore the snapshot's values into cfg. */
function restore(cfg: Config, old: Snapshot): void {
  const rec = cfg as unknown as Record<string, unknown>;
  for (const [p, v] of old.values) {
    rec[p.field] = v;
    const ex = old.exact.get(p);
    if (ex === undefined) cfg.exact.delete(p.name);
    else cfg.exact.set(p.name, ex);
  }
}

/** Run synchronous applies again after a restore (errors are only logged, as Redis does). */
function reapply(srv: Server, fns: readonly ApplyFn[], old: Snapshot): void {
  for (const fn of fns) {
    if (fn === LISTEN_PORT || fn === LISTEN_BIND) continue; // the listener restored itself
    const r = fn(srv, old);
    if (typeof r === 'string') srv.log.warning(`Failed applying restored failed CONFIG SET command: ${r}`);
  }
}

const failed = (name: string, reason: string) =>
  errorFormat(`ERR CONFIG SET failed (possibly related to argument '${cstr(name)}') - ${reason}`);

/** A client string as printf's %s shows it: cut at the first NUL byte. */
function cstr(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

/**
 * Redis's addReplyErrorFormat clean-up of a whole error line: CR/LF
 * trimmed off the end, inner ones turned into spaces (a raw CR LF would
 * break the protocol: the parameter name comes from the client).
 */
function errorFormat(msg: string): string {
  return msg.replace(/[\r\n]+$/, '').replace(/[\r\n]/g, ' ');
}

/**
 * CONFIG SET name value [name value ...] (pairs = argv after SET).
 * `protectedAllowed`: whether this client may set protected parameters
 * (enable-protected-configs yes, or local and a local client).
 */
export function configSet(srv: Server, pairs: readonly string[], protectedAllowed: boolean): SetResult {
  const cfg = srv.config;
  const n = pairs.length / 2;
  const specs: ParamSpec[] = [];
  let unknown: string | null = null;
  let error: string | null = null;
  // 1. resolve names and refuse what cannot be set
  for (let i = 0; i < n; i++) {
    const name = pairs[2 * i];
    const p = lookupParam(name);
    if (p === undefined) {
      if (unknown === null && error === null) unknown = name;
      continue;
    }
    if (unknown !== null || error !== null) continue;
    if (p.immutable) error = failed(name, "can't set immutable config");
    else if (p.protected && !protectedAllowed) error = failed(name, "can't set protected config");
    else if (specs.includes(p)) error = failed(name, 'duplicate parameter');
    specs.push(p);
  }
  if (unknown !== null) return errorFormat(`ERR Unknown option or number of arguments for CONFIG SET - '${cstr(unknown)}'`);
  if (error !== null) return error;

  // 2. snapshot, then parse and store every value
  const rec = cfg as unknown as Record<string, unknown>;
  const old: Snapshot = { values: new Map(), exact: new Map() };
  for (const p of specs) {
    old.values.set(p, rec[p.field]);
    old.exact.set(p, cfg.exact.get(p.name));
  }
  const fns: ApplyFn[] = [];
  const fnOwner: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = specs[i];
    const raw = pairs[2 * i + 1];
    const v = parseParam(p, p.multiArg ? splitMultiArg(raw) : [raw], cfg);
    if (v instanceof ValueError) {
      restore(cfg, old);
      return failed(p.name, v.reason);
    }
    const changed = !sameValue(p, v, rec[p.field]);
    storeParam(p, cfg, v);
    const fn = APPLY.get(p.name);
    if (changed && fn !== undefined && !fns.includes(fn)) {
      fns.push(fn);
      fnOwner.push(p.name);
    }
  }

  // 3. side effects; port and bind share one re-bind, run last
  let listen: ApplyFn | null = null;
  let listenOwner = '';
  for (let i = 0; i < fns.length; i++) {
    const fn = fns[i];
    if (fn === LISTEN_PORT || fn === LISTEN_BIND) {
      if (listen === null) {
        listen = fn;
        listenOwner = fnOwner[i];
      }
      continue;
    }
    const r = fn(srv, old);
    if (typeof r === 'string') {
      srv.log.warning(`Failed applying new configuration. Possibly related to new ${fnOwner[i]} setting. Restoring previous settings.`);
      restore(cfg, old);
      reapply(srv, fns, old);
      return failed(fnOwner[i], r);
    }
  }
  if (listen === null) return null;
  const pending = listen(srv, old);
  if (!(pending instanceof Promise)) return pending === null ? null : failed(listenOwner, pending);
  return pending.then((r) => {
    if (r === null) return null;
    srv.log.warning(`Failed applying new configuration. Possibly related to new ${listenOwner} setting. Restoring previous settings.`);
    restore(cfg, old);
    reapply(srv, fns, old);
    return failed(listenOwner, r);
  });
}
