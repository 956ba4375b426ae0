/* ==========================================================================
 * Generic (keyspace) family: helpers shared by generic.ts and generic-db.ts.
 *
 * Lookup flavours matter because they are observable: read lookups count
 * keyspace hits/misses, "no touch" lookups (TYPE, EXISTS, OBJECT, SCAN TYPE)
 * also leave the LRU clock alone, write lookups (Db.lookup) count nothing.
 * All of them expire a logically expired key first.
 * ========================================================================== */

import type { KeySpec } from './spec';
import type { Client } from '../server/client';
import type { Db } from '../store/db';
import { lookupRead } from '../server/keyspace';
import { TYPE_NAMES, typeOf, type Value } from '../store/values';

/**
 * Read lookup that does not update the key's access metadata (Redis's
 * LOOKUP_NOTOUCH): expires the key lazily and counts a hit or a miss.
 */
export function lookupNoTouch(c: Client, key: string, notifyMiss = true): Value | undefined {
  const srv = c.server;
  const saved = srv.noTouch;
  srv.noTouch = true;
  const v = lookupRead(c, key, notifyMiss);
  srv.noTouch = saved;
  return v;
}

/** The TYPE name of a value ("string", "list", ...). */
export function typeName(v: Value): string {
  return TYPE_NAMES[typeOf(v)];
}

/**
 * Signal a modified key (WATCH, tracking) without counting a write: for the
 * second key of commands that touch two keys but count one change in
 * `dirty`, as Redis does (RENAME, MOVE).
 */
export function signalKey(c: Client, db: Db, key: string): void {
  const hooks = c.server.keyHooks.modified;
  for (let i = 0; i < hooks.length; i++) hooks[i](db, key);
}

/** Give `toKey` in `to` the TTL `fromKey` has in `from` (exact beyond 2^53 ms too). */
export function copyTtl(from: Db, fromKey: string, to: Db, toKey: string): void {
  const when = from.getExpireExact(fromKey);
  if (typeof when === 'bigint') to.setExpire(toKey, Number(when), when);
  else if (when !== -1) to.setExpire(toKey, when);
}

/**
 * Set the access metadata word (LRU/LFU) of an existing key: a value that
 * moves (RENAME, MOVE) keeps its age, as the robj keeps its lru in Redis.
 */
export function setMeta(db: Db, key: string, meta: number): void {
  const slot = db.dict.find(key);
  if (slot >= 0 && meta >= 0) db.dict.setMetaAt(slot, meta);
}

// --- key spec builders ------------------------------------------------------------

/** Every argument from index 1 on is a key, with these flags. */
export function allKeys(flags: KeySpec['flags']): KeySpec {
  return { flags, begin_search: { type: 'index', index: 1 }, find_keys: { type: 'range', lastkey: -1, step: 1, limit: 0 } };
}

/** The single key at `index`, with these flags. */
export function keyAt(index: number, flags: KeySpec['flags']): KeySpec {
  return { flags, begin_search: { type: 'index', index }, find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 } };
}

export const KEYSPACE = ['keyspace'] as const;
export const KEYSPACE_DANGEROUS = ['keyspace', 'dangerous'] as const;
