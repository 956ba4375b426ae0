/* ==========================================================================
 * Client eviction (Redis 7.0's maxmemory-clients): when the connections
 * together hold too much memory, disconnect the biggest ones.
 *
 * What counts (as Redis): the memory of every normal and pub/sub client
 * (monitors are normal clients), CLIENT NO-EVICT ones included, is summed;
 * when the sum reaches the limit, evictable clients (normal / pub/sub
 * without NO-EVICT; never replicas nor the master link) are disconnected,
 * largest first, until the sum is below the limit. Redis walks memory
 * buckets (log2 sizes) from the top, so the order among clients of similar
 * size differs; Respite sorts by exact size. Each eviction is logged at
 * notice level ("Evicting client: <client info>", as Redis 7.0.15) and
 * counted in INFO stats evicted_clients.
 *
 * The limit (Redis's getClientEvictionLimit): maxmemory-clients bytes, or a
 * percentage of maxmemory (0 when maxmemory is 0: off), never below 128 KB
 * so a bad setting cannot cut every connection.
 *
 * Keeping it cheap. Redis re-measures a client whenever its buffers change
 * and keeps per-type totals. Respite keeps a running total the same way
 * (EvictState): each client's last measured memory and the sums over
 * counted / evictable clients, adjusted whenever a client is re-measured
 * and when it disconnects. The per-command check re-measures only the
 * client about to run (clientMemory is O(1), argument arrays are summed
 * incrementally) and compares the cached total with the limit: no walk over
 * the clients unless the total reached it. Other clients' memory changes
 * (pub/sub pushes, output their peers do not read) are picked up by the
 * once-per-second clientsMemCron refresh, and every eviction pass
 * re-measures all clients first, so a stale total can delay an eviction by
 * up to a second but never cause a wrong one.
 * When maxmemory-clients is 0 (the default) every entry point returns after
 * one config read; the state is created on first use with a limit.
 * ========================================================================== */

import { CF, type Client } from './client';
import { clientInfoLine, clientType, ClientType } from './clientlist';
import { clientMemory } from './client-memory';
import type { Server } from './server';
import type { Config } from '../config/table';

/** Smallest effective limit (Redis: 128 KB). */
const MIN_LIMIT = 128 * 1024;

/** How a client takes part: not counted (replica, master, gone), counted, counted and evictable. */
const enum Kind {
  NONE = 0,
  COUNTED = 1,
  EVICTABLE = 2,
}

/** A client's last measurement. */
class Rec {
  mem = 0;
  kind = Kind.NONE;
}

/** Running totals of one server's clients (see the header). */
class EvictState {
  /** Memory of counted clients (normal + pub/sub, NO-EVICT ones included). */
  total = 0;
  /** Memory of evictable clients (part of `total`). */
  evictable = 0;
  readonly recs = new Map<Client, Rec>();
  /** The limit of the previous check: a change (CONFIG SET) triggers a full re-measure. */
  lastLimit = 0;
}

const STATES = new WeakMap<Server, EvictState>();

/**
 * The effective limit in bytes (0: eviction off), Redis's
 * getClientEvictionLimit: a percentage applies to maxmemory (computed in
 * double precision, as Redis), and any limit is raised to 128 KB.
 */
export function clientEvictionLimit(cfg: Config): number {
  const l = cfg.maxmemoryClients;
  let limit: number;
  if (l.percent !== 0 && cfg.maxmemory > 0) limit = Math.floor((cfg.maxmemory * l.percent) / 100);
  else if (l.bytes > 0) limit = l.bytes;
  else return 0;
  return limit < MIN_LIMIT ? MIN_LIMIT : limit;
}

/** Whether `c` counts toward the total, and whether it may be evicted. */
function kindOf(c: Client): Kind {
  if (c.socket === null || c.flags & (CF.FAKE | CF.CLOSE_ASAP)) return Kind.NONE;
  const t = clientType(c);
  if (t !== ClientType.NORMAL && t !== ClientType.PUBSUB) return Kind.NONE;
  return c.flags & CF.NO_EVICT ? Kind.COUNTED : Kind.EVICTABLE;
}

/** Re-measure `c` and move its contribution in the totals. */
function update(st: EvictState, c: Client, running: boolean): Rec {
  let r = st.recs.get(c);
  if (r === undefined) st.recs.set(c, (r = new Rec()));
  if (r.kind !== Kind.NONE) st.total -= r.mem;
  if (r.kind === Kind.EVICTABLE) st.evictable -= r.mem;
  const kind = kindOf(c);
  const mem = kind === Kind.NONE ? 0 : clientMemory(c, running);
  if (kind !== Kind.NONE) st.total += mem;
  if (kind === Kind.EVICTABLE) st.evictable += mem;
  r.mem = mem;
  r.kind = kind;
  return r;
}

/** Forget a disconnected client. */
function forget(st: EvictState, c: Client): void {
  const r = st.recs.get(c);
  if (r === undefined) return;
  if (r.kind !== Kind.NONE) st.total -= r.mem;
  if (r.kind === Kind.EVICTABLE) st.evictable -= r.mem;
  st.recs.delete(c);
}

/** Re-measure every connected client (`cur` with its running command's arguments). */
function refreshAll(srv: Server, st: EvictState, cur: Client | null, running: boolean): void {
  for (const c of srv.clients.values()) update(st, c, running && c === cur);
}

/** The server's state, created (with its disconnect hook and a first full measure) on first use. */
function stateOf(srv: Server): EvictState {
  let st = STATES.get(srv);
  if (st !== undefined) return st;
  const s = (st = new EvictState());
  STATES.set(srv, s);
  srv.closeHooks.push((c) => forget(s, c));
  refreshAll(srv, s, null, false);
  return s;
}

/**
 * Disconnect `c` as Redis's evictClients does: log its client info, count
 * it, drop its pending output and close it. Safe for the client whose
 * input is being processed: unlinkClient flags it CLOSE_ASAP, which stops
 * its input loop.
 */
function evict(srv: Server, c: Client, cur: Client | null): void {
  srv.log.notice(`Evicting client: ${clientInfoLine(c, cur)}`);
  srv.stats.evictedClients++;
  c.w.discard();
  const s = c.socket;
  if (s !== null && !s.destroyed) s.destroy();
  srv.unlinkClient(c);
}

/**
 * Re-measure everyone and, while the total is at or over `limit`, evict
 * the largest evictable clients. True if `cur` was evicted.
 */
function evictPass(srv: Server, st: EvictState, limit: number, cur: Client | null, running: boolean): boolean {
  refreshAll(srv, st, cur, running);
  if (st.total < limit) return false;
  const victims: [Client, number][] = [];
  for (const [c, r] of st.recs) if (r.kind === Kind.EVICTABLE) victims.push([c, r.mem]);
  victims.sort((a, b) => b[1] - a[1]);
  let curEvicted = false;
  for (let i = 0; i < victims.length && st.total >= limit; i++) {
    const c = victims[i][0];
    evict(srv, c, cur);
    if (c === cur) curEvicted = true;
  }
  if (st.total >= limit) srv.log.warning('Over client maxmemory after evicting all evictable clients');
  return curEvicted;
}

/**
 * The client-eviction check (Redis's evictClients), for the gatekeeper
 * before each command (`cur` = the client about to run, `running` = true:
 * its argv counts) and for the end of each read batch (`cur` = the client
 * just served, its query buffer / output re-measured). Cheap unless the
 * running total reached the limit (see the header). Returns true if `cur`
 * itself was evicted: the caller must stop processing it (no reply).
 */
export function evictClients(srv: Server, cur: Client | null = null, running = false): boolean {
  const limit = clientEvictionLimit(srv.config);
  if (limit === 0) return false;
  const st = stateOf(srv);
  if (st.lastLimit !== limit) {
    // enabled or changed (CONFIG SET maxmemory-clients / maxmemory): everyone's figure may be stale
    st.lastLimit = limit;
    refreshAll(srv, st, null, false);
  }
  if (cur !== null && srv.clients.has(cur.id)) update(st, cur, running);
  if (st.total < limit || st.evictable === 0) return false;
  return evictPass(srv, st, limit, cur, running);
}

/**
 * clientsCron part (once per second): re-measure every client, so memory
 * that grew without its owner running a command (pub/sub pushes, replies
 * the peer does not read) is seen, then evict if over the limit (this also
 * applies a lowered maxmemory-clients / maxmemory to idle clients).
 */
export function clientsMemCron(srv: Server): void {
  const limit = clientEvictionLimit(srv.config);
  if (limit === 0) return;
  const st = stateOf(srv);
  st.lastLimit = limit;
  refreshAll(srv, st, null, false);
  if (st.total >= limit && st.evictable !== 0) evictPass(srv, st, limit, null, false);
}

/**
 * Re-measure `c` after its buffers grew outside a command of its own (a
 * pub/sub push or tracking invalidation flushed to it), as Redis does at
 * publish time, so the next check sees the new total without waiting for
 * the cron. O(1); nothing while eviction is off. Never evicts by itself.
 */
export function noteClientMemory(c: Client): void {
  const srv = c.server;
  if (clientEvictionLimit(srv.config) === 0) return;
  if (srv.clients.has(c.id)) update(stateOf(srv), c, false);
}

/** Test / introspection view of the running totals (null while eviction never ran). */
export function clientEvictionTotals(srv: Server): { total: number; evictable: number } | null {
  const st = STATES.get(srv);
  return st === undefined ? null : { total: st.total, evictable: st.evictable };
}
