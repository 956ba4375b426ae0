/* ==========================================================================
 * Client-side caching: key tracking and invalidation (Redis's tracking.c).
 *
 * - Default mode: after a read-only command of a tracking client, the keys
 *   it read are remembered in one table, key name -> ids of the clients that
 *   may cache it (key names only: tracking ignores the database, as Redis).
 *   OPTIN / OPTOUT restrict that to commands after CLIENT CACHING YES / not
 *   after CLIENT CACHING NO.
 * - Any change to a key (server.keyHooks.modified: every write, expiry,
 *   eviction) sends one invalidation to each remembering client and forgets
 *   the key. A client's own change reaches it after its command's reply
 *   (pending list, flushed when the outermost call() ends), unless NOLOOP.
 * - BCAST mode: clients subscribe to prefixes; changed keys are collected
 *   per prefix and broadcast once per event-loop turn (setImmediate).
 * - Messages: RESP3 push ["invalidate", keys]; with REDIRECT to a RESP2
 *   client in pub/sub mode, a "message" on __redis__:invalidate; a gone
 *   redirect target marks the client broken-redirect and, in RESP3, pushes
 *   ["tracking-redir-broken", id]. FLUSHDB / FLUSHALL send a null key list
 *   to every tracking client and clear the table.
 * - tracking-table-max-keys bounds the table: over it, the oldest keys are
 *   invalidated (Redis picks random ones) with an effort that grows while
 *   the table stays over the limit.
 * ========================================================================== */

import { CMD, type CommandEntry } from '../commands/table';
import { getKeysFromCommand } from '../commands/keys';
import { CF, type Client } from './client';
import { pubsubOf } from './pubsub';
import type { Server } from './server';

const CHANNEL = '__redis__:invalidate';
const ALL_TRACKING_FLAGS = CF.TRACKING | CF.TRACKING_BROKEN_REDIR | CF.TRACKING_BCAST | CF.TRACKING_OPTIN |
  CF.TRACKING_OPTOUT | CF.TRACKING_CACHING | CF.TRACKING_NOLOOP;

/** Keys changed in this event-loop turn under one BCAST prefix, and its subscribers. */
interface BcastState {
  /** key -> client that changed it last (null: no client, e.g. expiry). */
  keys: Map<string, Client | null>;
  clients: Set<Client>;
}

export class Tracking {
  /** key -> ids of the clients that may cache it. */
  private readonly table = new Map<string, Set<number>>();
  private totalItems = 0;
  private readonly prefixes = new Map<string, BcastState>();
  /** Keys whose invalidation for the running client waits for its reply (null: flush). */
  private pending: (string | null)[] = [];
  private bcastScheduled = false;
  private overLimitRuns = 0;
  /** Clients with tracking on. */
  clients = 0;

  constructor(private readonly srv: Server) {
    srv.keyHooks.modified.push((_db, key) => {
      if (this.table.size !== 0 || this.prefixes.size !== 0) this.invalidateKey(key, true);
    });
    srv.keyHooks.flushed.push(() => this.invalidateOnFlush());
    srv.closeHooks.push((c) => this.disable(c));
    srv.resetHooks.push((c) => this.disable(c));
  }

  get totalKeys(): number { return this.table.size; }
  get items(): number { return this.totalItems; }
  get totalPrefixes(): number { return this.prefixes.size; }

  /* -------------------------------------------------------------------------
   * Enabling / disabling
   * ----------------------------------------------------------------------- */

  /** CLIENT TRACKING ON with validated options (flags: BCAST/OPTIN/OPTOUT/NOLOOP bits). */
  enable(c: Client, redirect: number, options: number, prefixes: readonly string[]): void {
    if (!(c.flags & CF.TRACKING)) this.clients++;
    c.flags |= CF.TRACKING;
    c.flags &= ~(CF.TRACKING_BROKEN_REDIR | CF.TRACKING_BCAST | CF.TRACKING_OPTIN | CF.TRACKING_OPTOUT | CF.TRACKING_NOLOOP);
    c.trackingRedir = redirect;
    if (options & CF.TRACKING_BCAST) {
      c.flags |= CF.TRACKING_BCAST;
      if (prefixes.length === 0) this.addPrefix(c, '');
      for (const p of prefixes) this.addPrefix(c, p);
    }
    c.flags |= options & (CF.TRACKING_OPTIN | CF.TRACKING_OPTOUT | CF.TRACKING_NOLOOP);
  }

  private addPrefix(c: Client, p: string): void {
    let bs = this.prefixes.get(p);
    if (bs === undefined) {
      bs = { keys: new Map(), clients: new Set() };
      this.prefixes.set(p, bs);
    }
    if (bs.clients.has(c)) return;
    bs.clients.add(c);
    (c.trackingPrefixes ??= []).push(p);
  }

  /** CLIENT TRACKING OFF, RESET, disconnect. The client's table entries are dropped lazily. */
  disable(c: Client): void {
    if (c.flags & CF.TRACKING_BCAST && c.trackingPrefixes !== null) {
      for (const p of c.trackingPrefixes) {
        const bs = this.prefixes.get(p);
        if (bs === undefined) continue;
        bs.clients.delete(c);
        if (bs.clients.size === 0) this.prefixes.delete(p);
      }
      c.trackingPrefixes = null;
    }
    if (c.flags & CF.TRACKING) {
      this.clients--;
      c.flags &= ~ALL_TRACKING_FLAGS;
    }
  }

  /**
   * A client's prefixes that `p` overlaps (one is a prefix of the other),
   * for CLIENT TRACKING's collision check; null when none.
   */
  overlapping(c: Client, p: string): string | null {
    for (const q of c.trackingPrefixes ?? []) if (overlaps(q, p)) return q;
    return null;
  }

  /* -------------------------------------------------------------------------
   * Remembering reads
   * ----------------------------------------------------------------------- */

  /**
   * After a read-only command run for `c` (call()): remember its keys for
   * c's invalidations, unless BCAST or the OPTIN/OPTOUT caching rule says no.
   */
  afterRead(c: Client, e: CommandEntry, argv: readonly string[]): void {
    const f = c.flags;
    if (!(f & CF.TRACKING) || f & CF.TRACKING_BCAST || e.flagBits & CMD.PUBSUB) return;
    const caching = f & CF.TRACKING_CACHING;
    if ((f & CF.TRACKING_OPTIN && !caching) || (f & CF.TRACKING_OPTOUT && caching)) return;
    const keys = getKeysFromCommand(e, argv);
    for (const k of keys) {
      const key = argv[k.pos];
      let ids = this.table.get(key);
      if (ids === undefined) {
        ids = new Set();
        this.table.set(key, ids);
      }
      if (!ids.has(c.id)) {
        ids.add(c.id);
        this.totalItems++;
      }
    }
  }

  /* -------------------------------------------------------------------------
   * Invalidation
   * ----------------------------------------------------------------------- */

  /** `key` changed (or is evicted from the table with bcast=false): tell who may cache it. */
  invalidateKey(key: string, bcast: boolean): void {
    const srv = this.srv;
    const current = srv.currentClient;
    if (bcast && this.prefixes.size !== 0) this.rememberForBroadcast(current, key);
    const ids = this.table.get(key);
    if (ids === undefined) return;
    for (const id of ids) {
      const t = srv.clients.get(id);
      if (t === undefined || !(t.flags & CF.TRACKING) || t.flags & CF.TRACKING_BCAST) continue;
      if (t.flags & CF.TRACKING_NOLOOP && t === current) continue;
      if (t === current && srv.callDepth > 0) this.pending.push(key);
      else this.send(t, keyArray(key));
    }
    this.totalItems -= ids.size;
    this.table.delete(key);
  }

  /** Send the invalidations held back until the running command's reply (outermost call() end). */
  flushPending(c: Client): void {
    const list = this.pending;
    this.pending = [];
    if (!this.srv.clients.has(c.id)) return; // gone meanwhile
    for (const k of list) this.send(c, k === null ? null : keyArray(k));
  }

  get hasPending(): boolean {
    return this.pending.length !== 0;
  }

  /** FLUSHDB / FLUSHALL: every tracking client gets a null invalidation; the table is cleared. */
  private invalidateOnFlush(): void {
    if (this.clients !== 0) {
      const current = this.srv.currentClient;
      for (const c of this.srv.clients.values()) {
        if (!(c.flags & CF.TRACKING)) continue;
        if (c === current) this.pending.push(null);
        else this.send(c, null);
      }
    }
    this.table.clear();
    this.totalItems = 0;
  }

  /** Queue `key` under every BCAST prefix it starts with (last changer kept for NOLOOP). */
  private rememberForBroadcast(current: Client | null, key: string): void {
    for (const [p, bs] of this.prefixes) {
      if (p.length > key.length || !key.startsWith(p)) continue;
      bs.keys.set(key, current);
    }
    if (!this.bcastScheduled) {
      this.bcastScheduled = true;
      setImmediate(() => this.broadcast());
    }
  }

  /** Once per event-loop turn: send each prefix's changed keys (sorted, as Redis's radix tree) to its clients. */
  private broadcast(): void {
    this.bcastScheduled = false;
    for (const p of [...this.prefixes.keys()].sort()) {
      const bs = this.prefixes.get(p)!;
      if (bs.keys.size === 0) continue;
      const keys = [...bs.keys.keys()].sort();
      const all = keysArray(keys);
      for (const c of bs.clients) {
        if (c.flags & CF.TRACKING_NOLOOP) {
          const mine = keys.filter((k) => bs.keys.get(k) !== c);
          if (mine.length !== 0) this.send(c, keysArray(mine));
        } else {
          this.send(c, all);
        }
      }
      bs.keys = new Map();
    }
  }

  /**
   * Deliver one invalidation (`keys`: a RESP array of key names, or null =
   * all keys) for tracking client `c`, to c or its redirection target.
   */
  private send(c: Client, keys: string | null): void {
    let target = c;
    let redirected = false;
    if (c.trackingRedir > 0) {
      const r = this.srv.clients.get(c.trackingRedir);
      if (r === undefined) {
        c.flags |= CF.TRACKING_BROKEN_REDIR;
        if (c.w.proto === 3) {
          c.w.raw('>2\r\n$21\r\ntracking-redir-broken\r\n:' + c.trackingRedir + '\r\n');
          this.deliver(c);
        }
        return;
      }
      target = r;
      redirected = true;
    }
    const w = target.w;
    if (w.proto === 3) {
      w.raw('>2\r\n$10\r\ninvalidate\r\n' + (keys ?? '_\r\n'));
    } else if (redirected && target.flags & CF.PUBSUB) {
      w.raw('*3\r\n$7\r\nmessage\r\n$20\r\n' + CHANNEL + '\r\n' + (keys ?? '$-1\r\n'));
    } else {
      return;
    }
    this.deliver(target);
  }

  /** Flush `c` soon unless it is the client whose command is running (its batch flushes it). */
  private deliver(c: Client): void {
    if (c === this.srv.currentClient) return;
    pubsubOf(this.srv).deliverLater(c);
  }

  /* -------------------------------------------------------------------------
   * Table size limit (called by the gatekeeper while tracking clients exist)
   * ----------------------------------------------------------------------- */

  /** Keep the table within tracking-table-max-keys (0 = no limit), invalidating the oldest keys. */
  limitTable(): void {
    const max = this.srv.config.trackingTableMaxKeys;
    if (max === 0 || this.table.size <= max) {
      this.overLimitRuns = 0;
      return;
    }
    let effort = 100 * (this.overLimitRuns + 1);
    const saved = this.srv.currentClient;
    this.srv.currentClient = null; // not a change by any client: nobody's NOLOOP applies, nothing pending
    try {
      for (const key of this.table.keys()) {
        if (effort-- <= 0) break;
        this.invalidateKey(key, false);
        if (this.table.size <= max) {
          this.overLimitRuns = 0;
          return;
        }
      }
    } finally {
      this.srv.currentClient = saved;
    }
    this.overLimitRuns++;
  }
}

/** True if one of the strings is a prefix of the other (Redis's stringCheckPrefix). */
export function overlaps(a: string, b: string): boolean {
  const n = a.length < b.length ? a.length : b.length;
  return a.slice(0, n) === b.slice(0, n);
}

function keyArray(key: string): string {
  return '*1\r\n$' + key.length + '\r\n' + key + '\r\n';
}

function keysArray(keys: readonly string[]): string {
  let s = '*' + keys.length + '\r\n';
  for (const k of keys) s += '$' + k.length + '\r\n' + k + '\r\n';
  return s;
}
