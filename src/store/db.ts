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
 * ========================================================================== */

import { Dict } from './dict';
import type { Value } from './values';

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
  /** True while the running command must not update access metadata (CLIENT NO-TOUCH, OBJECT). */
  noTouch: boolean;
}

export class Db {
  readonly dict = new Dict<Value>(undefined as unknown as Value);
  readonly expires = new Dict<number>(0);
  /** Active-expiry SCAN cursor over `expires`. */
  expiresCursor = 0;
  /** Running estimate of the average TTL of volatile keys (INFO keyspace avg_ttl). */
  avgTtl = 0;

  constructor(public id: number, public host: KeyspaceHost) {}

  get size(): number {
    return this.dict.size;
  }

  /**
   * Delete `key` if its deadline passed. Returns true if the key is now
   * logically absent because of expiry. Side effect: the host is told.
   */
  expireIfNeeded(key: string): boolean {
    if (this.expires.size === 0) return false;
    const when = this.expires.get(key);
    if (when === undefined || when > this.host.now) return false;
    if (!this.host.expireEnabled) return true;
    this.dict.delete(key);
    this.expires.delete(key);
    this.host.onExpired(this, key);
    return true;
  }

  /** Look a key up for reading or writing (expires it lazily, updates LRU/LFU). */
  lookup(key: string): Value | undefined {
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    const slot = this.dict.find(key);
    if (slot < 0) return undefined;
    if (!this.host.noTouch) this.dict.setMetaAt(slot, this.host.touchMeta(this.dict.metaAt(slot)));
    return this.dict.valAt(slot);
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
    const slot = this.dict.add(key, val);
    this.dict.setMetaAt(slot, this.host.newMeta());
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
    this.dict.setValAt(slot, val);
    this.dict.setMetaAt(slot, this.host.newMeta());
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
  }

  /** Replace the value of an existing key in place, keeping TTL and metadata. */
  replace(key: string, val: Value): void {
    const slot = this.dict.find(key);
    if (slot < 0) this.add(key, val);
    else this.dict.setValAt(slot, val);
  }

  /** Remove a key and its TTL. Returns true if it existed. */
  delete(key: string): boolean {
    if (!this.dict.delete(key)) return false;
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

  /** Set an absolute deadline (ms) on an existing key. */
  setExpire(key: string, when: number): void {
    this.expires.set(key, when);
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
    this.dict.clear();
    this.expires.clear();
    this.expiresCursor = 0;
    this.avgTtl = 0;
    return n;
  }

  /**
   * A random live key (RANDOMKEY): retries when the pick is expired, and
   * after 100 all-volatile tries returns an expired one, as Redis does to
   * avoid looping forever on a database full of expired keys.
   */
  randomKey(): string | null {
    for (let tries = 0; ; tries++) {
      const k = this.dict.randomKey();
      if (k === null) return null;
      if (this.expires.size === 0) return k;
      if (this.expires.size === this.dict.size && tries >= 100) return k;
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
