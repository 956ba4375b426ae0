/* ==========================================================================
 * WATCH: optimistic locking for MULTI/EXEC (Redis 7.0's multi.c, WATCH part).
 *
 * A client WATCHes keys; any modification of one of them before its EXEC
 * flags the client CF.DIRTY_CAS, and EXEC then answers a null array without
 * running the queue. Causes, all funnelled through the keyspace hooks:
 * - every write (keyChanged / signalKey -> keyHooks.modified), including the
 *   second key of RENAME / MOVE / COPY and keys moved in from another db;
 * - expiry (server.onExpired -> keyHooks.modified, after the deletion);
 * - FLUSHDB / FLUSHALL (keyHooks.flushed, before the databases are emptied:
 *   only watched keys that existed are touched);
 * - SWAPDB (keyHooks.swapped: watched keys present in either database);
 * - at EXEC time, a watched key that is logically expired even though
 *   nothing deleted it yet (isWatchedKeyExpired).
 *
 * Redis 7.0 remembers, per watched key, whether it was already logically
 * expired when WATCH ran (`expired`): the later deletion of such a key is no
 * logical change and must not fail the transaction, and it must not count
 * as "expired at EXEC" either.
 *
 * Layout: per database number, a Map key -> watchers (the database keeps
 * its number across SWAPDB, and so do its watched keys, as in Redis), and
 * per client the list of its watched keys. The state is created the first
 * time a client of a server uses MULTI or WATCH; only then are the hooks
 * installed, and the modified-key hook returns at once while nothing is
 * watched, so servers that never use WATCH pay nothing.
 * ========================================================================== */

import type { Db } from '../store/db';
import type { Dict } from '../store/dict';
import type { Value } from '../store/values';
import { CF, type Client } from './client';
import type { Server } from './server';

/** One (client, db, key) watch, shared by the per-db and the per-client lists. */
class WatchedKey {
  constructor(
    readonly key: string,
    readonly db: Db,
    readonly client: Client,
    /** The key was logically expired (but present) when WATCH ran. */
    public expired: boolean,
  ) {}
}

/* ---------------------------------------------------------------------------
 * Per-server state
 * ------------------------------------------------------------------------- */

export class WatchState {
  /** Per database number: key -> its watchers, in WATCH order. */
  private readonly byDb: (Map<string, WatchedKey[]> | undefined)[] = [];
  /** Per client: its watched keys, in WATCH order. */
  private readonly byClient = new Map<Client, WatchedKey[]>();
  /** Number of live watches (fast exit for the modified-key hook). */
  private count = 0;

  constructor(private readonly srv: Server) {}

  /**
   * WATCH one key in the client's current db (no-op if already watched
   * there). Records whether it is logically expired right now.
   */
  watch(c: Client, key: string): void {
    const db = c.db;
    let mine = this.byClient.get(c);
    if (mine !== undefined) {
      for (let i = 0; i < mine.length; i++) if (mine[i].db === db && mine[i].key === key) return;
    } else {
      mine = [];
      this.byClient.set(c, mine);
    }
    let m = this.byDb[db.id];
    if (m === undefined) m = this.byDb[db.id] = new Map();
    const wk = new WatchedKey(key, db, c, this.expiredNow(db, key));
    const list = m.get(key);
    if (list === undefined) m.set(key, [wk]);
    else list.push(wk);
    mine.push(wk);
    this.count++;
  }

  /** Forget every key `c` watches (UNWATCH, EXEC, DISCARD, RESET, disconnect, dirty). */
  unwatchAll(c: Client): void {
    const mine = this.byClient.get(c);
    if (mine === undefined) return;
    this.byClient.delete(c);
    for (let i = 0; i < mine.length; i++) {
      const wk = mine[i];
      const m = this.byDb[wk.db.id]!;
      const list = m.get(wk.key)!;
      const j = list.indexOf(wk);
      if (j >= 0) list.splice(j, 1);
      if (list.length === 0) m.delete(wk.key);
    }
    this.count -= mine.length;
  }

  /** Keys `c` watches (tests, introspection). */
  watchedBy(c: Client): number {
    return this.byClient.get(c)?.length ?? 0;
  }

  /**
   * EXEC: true if a watched key that was alive at WATCH time is now
   * logically expired, although not deleted yet (Redis's isWatchedKeyExpired).
   */
  anyExpired(c: Client): boolean {
    const mine = this.byClient.get(c);
    if (mine === undefined) return false;
    for (let i = 0; i < mine.length; i++) {
      const wk = mine[i];
      if (!wk.expired && this.expiredNow(wk.db, wk.key)) return true;
    }
    return false;
  }

  /* -------------------------------------------------------------------------
   * Invalidation (the keyspace hooks)
   * ----------------------------------------------------------------------- */

  /**
   * A key was modified or deleted (Redis's touchWatchedKey): every watcher
   * becomes DIRTY_CAS and stops watching, except watchers that saw the key
   * already expired: its deletion is no change (their mark is cleared).
   * Redis 7.0 stops scanning the watchers of this key at the first one whose
   * key was expired at WATCH time and still exists (a `break` in its loop);
   * kept identical.
   */
  touch(db: Db, key: string): void {
    if (this.count === 0) return;
    const m = this.byDb[db.id];
    if (m === undefined) return;
    const list = m.get(key);
    if (list === undefined) return;
    const snapshot = list.slice(); // dirtying unwatches, which edits `list`
    for (let i = 0; i < snapshot.length; i++) {
      const wk = snapshot[i];
      if (wk.expired) {
        if (!db.dict.has(key)) {
          wk.expired = false;
          continue;
        }
        break;
      }
      this.dirty(wk.client);
    }
  }

  /** FLUSHDB / FLUSHALL, before the databases are emptied. */
  flushed(dbs: readonly Db[]): void {
    if (this.count === 0) return;
    for (let i = 0; i < dbs.length; i++) this.touchAllInDb(dbs[i], dbs[i].dict, null);
  }

  /**
   * SWAPDB a b, called after the contents were exchanged. Redis runs
   * touchAllWatchedKeysInDb(a, b) and (b, a) before the exchange; the old
   * contents of `a` are now held by `b` and vice versa.
   */
  swapped(a: Db, b: Db): void {
    if (this.count === 0) return;
    this.touchAllInDb(a, b.dict, a);
    this.touchAllInDb(b, a.dict, b);
  }

  /**
   * Redis's touchAllWatchedKeysInDb for the keys watched under `db`'s
   * number: `emptied` is the keyspace being removed (or swapped away) and
   * `replaced` the database now holding the contents that replace it
   * (null for a flush). A watched key is touched when it exists in either;
   * keys that were expired at WATCH and are gone or still expired, or that
   * are replaced by an already expired key, are no logical change.
   */
  private touchAllInDb(db: Db, emptied: Dict<Value>, replaced: Db | null): void {
    const m = this.byDb[db.id];
    if (m === undefined || m.size === 0) return;
    for (const [key, list] of [...m]) {
      const inEmptied = emptied.has(key);
      const inReplaced = replaced !== null && replaced.dict.has(key);
      if (!inEmptied && !inReplaced) continue;
      const snapshot = list.slice();
      for (let i = 0; i < snapshot.length; i++) {
        const wk = snapshot[i];
        if (wk.expired) {
          if (!inReplaced) {
            wk.expired = false;
            continue;
          }
          if (this.expiredNow(replaced!, key)) continue;
        } else if (!inEmptied && this.expiredNow(replaced!, key)) {
          wk.expired = true;
          continue;
        }
        this.dirty(wk.client);
      }
    }
  }

  /** Mark a watcher dirty; it stops watching everything (nothing more can change its fate). */
  private dirty(c: Client): void {
    c.flags |= CF.DIRTY_CAS;
    this.unwatchAll(c);
  }

  /** Redis's keyIsExpired: a TTL in the past of the command's time snapshot (no deletion). */
  private expiredNow(db: Db, key: string): boolean {
    const when = db.getExpire(key);
    return when >= 0 && this.srv.now > when;
  }
}

/* ---------------------------------------------------------------------------
 * Lazy installation
 * ------------------------------------------------------------------------- */

const STATES = new WeakMap<Server, WatchState>();

/** The server's WATCH state, or null if no client ever used MULTI or WATCH. */
export function watchStateIfAny(srv: Server): WatchState | null {
  return STATES.get(srv) ?? null;
}

/**
 * The server's WATCH state, created on first use together with its hooks:
 * key modification / flush / swap invalidation, and the cleanup of MULTI
 * and WATCH state on RESET and on disconnect. `onReset` is the MULTI
 * family's discardTransaction (passed in to keep this module free of it).
 */
export function watchState(srv: Server, onReset: (c: Client) => void): WatchState {
  let ws = STATES.get(srv);
  if (ws !== undefined) return ws;
  const s = (ws = new WatchState(srv));
  STATES.set(srv, s);
  srv.keyHooks.modified.push((db, key) => s.touch(db, key));
  srv.keyHooks.flushed.push((dbs) => s.flushed(dbs));
  srv.keyHooks.swapped.push((a, b) => s.swapped(a, b));
  srv.resetHooks.push(onReset);
  srv.closeHooks.push((c) => s.unwatchAll(c));
  return s;
}
