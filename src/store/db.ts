/* ==========================================================================
 * Db: one numbered database — the keyspace dict plus its expiry index.
 *
 * Expiry is kept in a second Dict<number> of absolute unix-ms deadlines
 * (numeric values stay unboxed in V8), like Redis's db->expires. Keys are
 * expired lazily on access (every lookup goes through expireIfNeeded) and
 * actively by the cron (server/expire.ts), which walks `expires` with a SCAN
 * cursor. Each entry's 32-bit metadata word holds its LRU clock (or LFU
 * counter), the same information Redis keeps in robj->lru.
 *
 * No RESP here: what happens around a removal (stats, notifications,
 * propagation) is delegated to the KeyspaceHost.
 *
 * Memory account: `bytes` is the running cost (store/cost.ts) of every key
 * string and value held. Every path that stores or removes a value goes
 * through this class and adjusts it; a collection or RawString edited in
 * place is queued by recost() (called from keyChanged after each write) and
 * re-costed by flushAccounts() before anyone reads the account.
 * A value remembers what it was charged (RObj.acct), and exactly that is
 * released when it leaves, so the account cannot drift. It is what
 * used_memory and maxmemory eviction use (server/memory.ts).
 * ========================================================================== */

import { Dict } from './dict';
import type { RObj, Value } from './values';
import { accountBytes, strBytes } from './cost';
import type { Client } from '../server/client';

/** What a Db needs from the server. */
export interface KeyspaceHost {
  /** The command's time snapshot, unix ms. */
  now: number;
  /** Whether lazy expiry may delete keys now (false on a replica / while loading). */
  expireEnabled: boolean;
  /** A key was removed because it expired (stats, events, propagation, tracking). */
  onExpired(db: Db, key: string): void;
  /** New metadata word for an accessed key, given the old one (LRU clock or LFU counter). */
  touchMeta(old: number): number;
  /** Metadata word for a newly created key. */
  newMeta(): number;
  /** Metadata word for a key whose value is overwritten (LFU keeps the old counter, LRU restarts). */
  overwriteMeta(old: number): number;
  /** True while the running command must not update access metadata (CLIENT NO-TOUCH, OBJECT). */
  noTouch: boolean;
  /** A key some client is blocked on came into existence (Redis's signalKeyAsReady). */
  keyReady(db: Db, key: string): void;
  /** True when key creations must be reported (notify-keyspace-events 'n'). */
  readonly notifyNew: boolean;
  /** A key was created (Redis's dbAdd "new" keyspace event); called only while notifyNew. */
  keyAdded(db: Db, key: string): void;
}

/** Values edited in place since they were charged (Db.recost), re-costed by flushAccounts(). */
const DIRTY: RObj[] = [];

/**
 * Re-cost every value edited since it was last charged and move the
 * difference into its database's account. Cheap when nothing is queued;
 * run before the account is read (used_memory, eviction, INFO, cron).
 */
export function flushAccounts(): void {
  for (let i = 0; i < DIRTY.length; i++) {
    const v = DIRTY[i];
    const db = v.acctDb;
    if (db === null) continue; // deleted or re-charged meanwhile
    v.acctDb = null;
    const b = accountBytes(v);
    db.bytes += b - v.acct;
    v.acct = b;
  }
  DIRTY.length = 0;
}

export class Db {
  /** Keyspace and expiry index. Not readonly only so SWAPDB can exchange them (swapContents). */
  dict = new Dict<Value>(undefined as unknown as Value);
  expires = new Dict<number>(0);
  /** Active-expiry SCAN cursor over `expires`. */
  expiresCursor = 0;
  /** Running estimate of the average TTL of volatile keys (INFO keyspace avg_ttl). */
  avgTtl = 0;
  /**
   * Exact deadlines above 2^53 ms (far-future EXPIREAT/PEXPIREAT), which a
   * double in `expires` cannot hold exactly. An entry is only trusted while
   * it still rounds to the double stored in `expires` (see getExpireExact),
   * so paths that never touch this map stay correct.
   */
  private bigExpires: Map<string, bigint> | null = null;
  /**
   * Clients blocked on each key of this database, in the order they blocked
   * (see server/blocking.ts). It stays with the database number: SWAPDB
   * does not move it.
   */
  readonly blockedOn = new Map<string, Client[]>();
  /** Memory account of keys + values (see the banner). */
  bytes = 0;
  /**
   * The last key looked up or stored and its slot: recost() after a write
   * usually concerns it, and re-checks the slot instead of hashing again.
   */
  private lastKey: string | null = null;
  private lastSlot = -1;

  constructor(public id: number, public host: KeyspaceHost) {}

  get size(): number {
    return this.dict.size;
  }

  /** Charge `v` to the account: strings by length, other values via accountBytes (remembered in acct). */
  private static charge(v: Value): number {
    if (typeof v === 'string') return strBytes(v.length);
    v.acctDb = null; // costed afresh: a queued re-costing is moot
    return (v.acct = accountBytes(v));
  }

  /** What `v` was charged when stored (the amount to release). */
  private static charged(v: Value): number {
    return typeof v === 'string' ? strBytes(v.length) : v.acct;
  }

  /** Remove `key` from the dict and the account; false if absent. TTL untouched. */
  private unlink(key: string): boolean {
    const v = this.dict.take(key);
    if (v === undefined) return false;
    this.bytes -= strBytes(key.length) + Db.charged(v);
    if (typeof v !== 'string') v.acctDb = null; // gone: nothing left to re-cost
    return true;
  }

  /**
   * Note an in-place edit of the value of `key` (a collection or a
   * RawString changed without being re-stored; called by keyChanged after
   * every write). The value is queued and re-costed in bulk by
   * flushAccounts() (which used_memory runs first), so a burst of writes to
   * one big collection costs one re-costing, not one per write. Strings
   * stored with set/add/setSlot are already accounted for.
   */
  recost(key: string): void {
    const d = this.dict;
    const cached = key === this.lastKey && this.lastSlot < d.slots && d.keyAt(this.lastSlot) === key;
    const slot = cached ? this.lastSlot : d.find(key);
    if (slot < 0) return;
    const v = d.valAt(slot);
    if (typeof v === 'string') return;
    if (v.acctDb === null) DIRTY.push(v);
    v.acctDb = this;
  }

  /**
   * Delete `key` if its deadline passed. Returns true if the key is now
   * logically absent because of expiry. Side effect: the host is told.
   */
  expireIfNeeded(key: string): boolean {
    if (this.expires.size === 0) return false;
    const when = this.expires.get(key);
    if (when === undefined || when >= this.host.now) return false;
    if (!this.host.expireEnabled) return true;
    this.unlink(key);
    this.expires.delete(key);
    this.host.onExpired(this, key);
    return true;
  }

  /**
   * Remove a key the caller found expired (active expiry, which already
   * read the deadline while sampling): like expireIfNeeded without the
   * lookups. The host is told, as for a lazy expiry.
   */
  deleteExpired(key: string): void {
    this.unlink(key);
    this.expires.delete(key);
    this.host.onExpired(this, key);
  }

  /** Look a key up for reading or writing (expires it lazily, updates LRU/LFU). */
  lookup(key: string): Value | undefined {
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    const slot = this.dict.find(key);
    if (slot < 0) return undefined;
    this.lastKey = key;
    this.lastSlot = slot;
    if (!this.host.noTouch) this.dict.setMetaAt(slot, this.host.touchMeta(this.dict.metaAt(slot)));
    return this.dict.valAt(slot);
  }

  /**
   * Like lookup(), but returns the entry's slot (-1 when absent), so a
   * read-modify-write command (INCR) can store its result with setSlot()
   * without hashing the key again. The slot is valid until the next change
   * to this db's keyspace.
   */
  lookupSlot(key: string): number {
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return -1;
    const slot = this.dict.find(key);
    this.lastKey = key;
    this.lastSlot = slot;
    if (slot >= 0 && !this.host.noTouch) this.dict.setMetaAt(slot, this.host.touchMeta(this.dict.metaAt(slot)));
    return slot;
  }

  /** The value in a slot returned by lookupSlot(). */
  slotValue(slot: number): Value {
    return this.dict.valAt(slot);
  }

  /** Replace the value in a slot returned by lookupSlot(), keeping TTL and metadata. */
  setSlot(slot: number, val: Value): void {
    const old = this.dict.valAt(slot);
    this.bytes -= Db.charged(old);
    if (typeof old !== 'string' && old !== val) old.acctDb = null;
    this.bytes += Db.charge(val);
    this.dict.setValAt(slot, val);
  }

  /** Existence check honouring expiry, without touching access metadata. */
  exists(key: string): boolean {
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return false;
    return this.dict.has(key);
  }

  /** Look up without expiring or touching (OBJECT, DEBUG, internal). */
  peek(key: string): Value | undefined {
    return this.dict.get(key);
  }

  /** Add a key that is known to be absent. */
  add(key: string, val: Value): void {
    this.bytes += strBytes(key.length) + Db.charge(val);
    const slot = this.dict.add(key, val);
    this.lastKey = key;
    this.lastSlot = slot;
    this.dict.setMetaAt(slot, this.host.newMeta());
    if (this.blockedOn.size !== 0 && this.blockedOn.has(key)) this.host.keyReady(this, key);
    if (this.host.notifyNew) this.host.keyAdded(this, key);
  }

  /**
   * Set a key like Redis's setKey: creates or overwrites the value; an
   * overwrite drops the TTL unless keepTtl.
   */
  set(key: string, val: Value, keepTtl = false): void {
    const slot = this.dict.find(key);
    if (slot < 0) {
      this.add(key, val);
      return;
    }
    this.setSlot(slot, val);
    this.lastKey = key;
    this.lastSlot = slot;
    this.dict.setMetaAt(slot, this.host.overwriteMeta(this.dict.metaAt(slot)));
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
  }

  /** Replace the value of an existing key in place, keeping TTL and metadata. */
  replace(key: string, val: Value): void {
    const slot = this.dict.find(key);
    if (slot < 0) this.add(key, val);
    else this.setSlot(slot, val);
  }

  /** Remove a key and its TTL. Returns true if it existed. */
  delete(key: string): boolean {
    if (!this.unlink(key)) return false;
    if (this.expires.size !== 0) this.expires.delete(key);
    this.dict.shrinkIfNeeded();
    return true;
  }

  /** Absolute deadline in ms, or -1 when the key has no TTL. */
  getExpire(key: string): number {
    if (this.expires.size === 0) return -1;
    const w = this.expires.get(key);
    return w === undefined ? -1 : w;
  }

  /**
   * Set an absolute deadline (ms) on an existing key. `exact` is the exact
   * int64 deadline when `when` is beyond 2^53 (else it may be omitted).
   */
  setExpire(key: string, when: number, exact?: bigint): void {
    this.expires.set(key, when);
    if (exact !== undefined && when > Number.MAX_SAFE_INTEGER) {
      if (this.bigExpires === null) this.bigExpires = new Map();
      this.bigExpires.set(key, exact);
    } else if (this.bigExpires !== null) this.bigExpires.delete(key);
  }

  /**
   * The deadline as getExpire returns it, except that a deadline beyond
   * 2^53 set with an exact value comes back as that exact bigint.
   */
  getExpireExact(key: string): number | bigint {
    const w = this.getExpire(key);
    if (w <= Number.MAX_SAFE_INTEGER || this.bigExpires === null) return w;
    const b = this.bigExpires.get(key);
    return b !== undefined && Number(b) === w ? b : w;
  }

  /** Drop a key's TTL. Returns true if it had one. */
  persist(key: string): boolean {
    return this.expires.size !== 0 && this.expires.delete(key);
  }

  /** Access metadata word (LRU clock / LFU) of a key, or -1 if absent. */
  getMeta(key: string): number {
    const slot = this.dict.find(key);
    return slot < 0 ? -1 : this.dict.metaAt(slot);
  }

  /** Remove every key. Returns how many there were. */
  clear(): number {
    const n = this.dict.size;
    flushAccounts(); // queued re-costings must not land on the emptied account
    this.dict.clear();
    this.bytes = 0;
    this.expires.clear();
    this.expiresCursor = 0;
    this.avgTtl = 0;
    this.bigExpires = null;
    return n;
  }

  /**
   * SWAPDB: exchange every piece of data (keys, values with their metadata,
   * TTLs, expiry cursor and TTL estimate) with `other`, like Redis's
   * dbSwapDatabases. The Db objects themselves keep their ids, so clients
   * (which hold a Db in c.db) and per-db registries (blocked and watched
   * keys) stay with their database number, as in Redis.
   */
  swapContents(other: Db): void {
    const dict = this.dict, expires = this.expires, cursor = this.expiresCursor, avg = this.avgTtl;
    flushAccounts(); // queued re-costings name the Db objects, which keep their ids
    const big = this.bigExpires, bytes = this.bytes;
    this.bytes = other.bytes; other.bytes = bytes;
    this.dict = other.dict; this.expires = other.expires;
    this.expiresCursor = other.expiresCursor; this.avgTtl = other.avgTtl; this.bigExpires = other.bigExpires;
    other.dict = dict; other.expires = expires;
    other.expiresCursor = cursor; other.avgTtl = avg; other.bigExpires = big;
  }

  /**
   * A random live key (RANDOMKEY): retries when the pick is expired (which
   * deletes it). When expired keys cannot be deleted (expireEnabled false,
   * like a Redis replica) and every key is volatile, the 100th pick is
   * returned even if expired, as Redis does to avoid looping forever.
   */
  randomKey(): string | null {
    for (let tries = 0; ; tries++) {
      const k = this.dict.randomKey();
      if (k === null) return null;
      if (this.expires.size === 0) return k;
      // Only where expired keys cannot be deleted (replica, loading) can this loop forever.
      if (!this.host.expireEnabled && tries >= 99 && this.expires.size === this.dict.size) return k;
      if (!this.expireIfNeeded(k)) return k;
    }
  }

  /** Incremental rehash work for the cron; true if more remains. */
  rehashFor(ms: number): boolean {
    let more = this.dict.rehashFor(ms);
    if (this.expires.rehashing) more = this.expires.rehashFor(ms) || more;
    return more;
  }

  /** Shrink mostly-empty tables (cron, like tryResizeHashTables). */
  resize(): void {
    this.dict.shrinkIfNeeded();
    this.expires.shrinkIfNeeded();
  }
}
