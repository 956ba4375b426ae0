/* ==========================================================================
 * Keyspace side effects: the one helper every write calls.
 *
 * After a command modifies a key it calls keyChanged(): the dirty counter
 * (persistence), the memory account (Db.recost), the modified-key signal
 * (WATCH, client-side caching) and the keyspace notification all happen
 * here, so no command can forget one.
 * The signal and notification sinks are hook lists that the transaction,
 * tracking and pub/sub subsystems register into.
 * Read lookups go through lookupRead() so hits/misses are counted once.
 * ========================================================================== */

import type { Client } from './client';
import type { Db } from '../store/db';
import type { Value } from '../store/values';

/** Keyspace notification classes (notify-keyspace-events flags). */
export const enum NC {
  KEYSPACE = 1 << 0, // K
  KEYEVENT = 1 << 1, // E
  GENERIC = 1 << 2, // g
  STRING = 1 << 3, // $
  LIST = 1 << 4, // l
  SET = 1 << 5, // s
  HASH = 1 << 6, // h
  ZSET = 1 << 7, // z
  EXPIRED = 1 << 8, // x
  EVICTED = 1 << 9, // e
  STREAM = 1 << 10, // t
  KEY_MISS = 1 << 11, // m
  LOADED = 1 << 12, // module only
  MODULE = 1 << 13, // d
  NEW = 1 << 14, // n
}

/** Listeners installed by subsystems (WATCH, tracking, pub/sub notifications). */
export interface KeyspaceHooks {
  /** A key's value changed (or it was deleted): WATCH and tracking invalidation. */
  modified: ((db: Db, key: string) => void)[];
  /** A keyspace event: class, event name, key, db id. */
  event: ((cls: number, event: string, key: string, dbid: number) => void)[];
  /**
   * FLUSHDB / FLUSHALL (Redis's signalFlushedDb): called once per command,
   * BEFORE `dbs` are emptied (so WATCH can see which watched keys existed),
   * instead of a `modified` call per key. `lazy` is the flush mode
   * (tracking sends one invalidate-all).
   */
  flushed: ((dbs: readonly Db[], lazy: boolean) => void)[];
  /**
   * SWAPDB: called AFTER the contents of `a` and `b` were exchanged. WATCH
   * treats a watched key of either db as touched if it exists in either db
   * (Redis's touchAllWatchedKeysInDb(a, b) and (b, a); the test is symmetric,
   * so before/after does not matter); blocked clients re-check their keys.
   */
  swapped: ((a: Db, b: Db) => void)[];
}

/**
 * Record a write to `key` in `db`: dirty++, modified-key signal, and the
 * keyspace event `event` of class `cls` (pass 0 / '' for no event).
 */
export function keyChanged(c: Client, db: Db, key: string, cls: number, event: string): void {
  const srv = c.server;
  srv.dirty++;
  db.recost(key); // the memory account follows in-place edits of collections / RawStrings
  const hooks = srv.keyHooks;
  for (let i = 0; i < hooks.modified.length; i++) hooks.modified[i](db, key);
  if (cls !== 0) for (let i = 0; i < hooks.event.length; i++) hooks.event[i](cls, event, key, db.id);
}

/** Emit a keyspace event without a modification (e.g. "expire" after setting a TTL). */
export function notify(c: Client, db: Db, key: string, cls: number, event: string): void {
  const hooks = c.server.keyHooks;
  for (let i = 0; i < hooks.event.length; i++) hooks.event[i](cls, event, key, db.id);
}

/**
 * Read lookup: expires lazily, counts keyspace hits / misses, and emits the
 * "keymiss" event on a miss unless `notifyMiss` is false (Redis's
 * LOOKUP_NONOTIFY, e.g. OBJECT).
 */
export function lookupRead(c: Client, key: string, notifyMiss = true): Value | undefined {
  const v = c.db.lookup(key);
  if (v === undefined) {
    const srv = c.server;
    srv.stats.keyspaceMisses++;
    // notify-keyspace-events 'm': Redis's "keymiss" event of lookupKeyRead
    if (notifyMiss && srv.config.notifyKeyspaceEvents & NC.KEY_MISS) notify(c, c.db, key, NC.KEY_MISS, 'keymiss');
  } else {
    c.server.stats.keyspaceHits++;
  }
  return v;
}
