/* ==========================================================================
 * Hash values (Redis's OBJ_HASH).
 *
 * Two representations, like Redis:
 *  - listpack: two parallel arrays of fields and values in insertion order
 *    (Redis's listpack keeps field/value pairs in the order they were added,
 *    and replaces a value in place), searched linearly; used while the hash
 *    is small (hash-max-listpack-entries / hash-max-listpack-value);
 *  - hashtable: a Dict (reverse-binary HSCAN cursor, random sampling).
 * Conversion is one way (listpack -> hashtable) and is decided by the
 * command layer, which knows the configuration (see maybeConvert).
 * ========================================================================== */

import { Dict } from './dict';
import { ObjType, RObj, type Value } from './values';
import { rdbLenSize, rdbStringSize, registerRdbSize } from './rdb-size';
import { listpackBlob } from './listpack-blob';

export class HashValue extends RObj {
  readonly type = ObjType.HASH;
  /** Listpack fields / values (insertion order); empty once converted. */
  lf: string[] = [];
  lv: string[] = [];
  /** The hashtable, or null while listpack-encoded. */
  dict: Dict<string> | null = null;

  encoding(): string {
    return this.dict === null ? 'listpack' : 'hashtable';
  }

  get size(): number {
    return this.dict === null ? this.lf.length : this.dict.size;
  }

  /** Deep copy keeping the encoding (Redis's hashTypeDup). */
  dup(): HashValue {
    const h = new HashValue();
    if (this.dict === null) {
      h.lf = this.lf.slice();
      h.lv = this.lv.slice();
    } else {
      const d = new Dict<string>('');
      const src = this.dict;
      for (let i = 0; i < src.slots; i++) {
        const k = src.keyAt(i);
        if (k !== null) d.add(k, src.valAt(i));
      }
      h.dict = d;
    }
    return h;
  }

  /** Value of `field`, or undefined. */
  get(field: string): string | undefined {
    if (this.dict !== null) return this.dict.get(field);
    const i = this.lf.indexOf(field);
    return i < 0 ? undefined : this.lv[i];
  }

  has(field: string): boolean {
    return this.dict !== null ? this.dict.has(field) : this.lf.indexOf(field) >= 0;
  }

  /** Insert or overwrite (in place for listpack). Returns true if the field was new. */
  set(field: string, value: string): boolean {
    if (this.dict !== null) return this.dict.set(field, value);
    const i = this.lf.indexOf(field);
    if (i >= 0) {
      this.lv[i] = value;
      return false;
    }
    this.lf.push(field);
    this.lv.push(value);
    return true;
  }

  /** Remove `field`; true if it existed. A hashtable may shrink afterwards. */
  delete(field: string): boolean {
    if (this.dict !== null) {
      if (!this.dict.delete(field)) return false;
      this.dict.shrinkIfNeeded();
      return true;
    }
    const i = this.lf.indexOf(field);
    if (i < 0) return false;
    this.lf.splice(i, 1);
    this.lv.splice(i, 1);
    return true;
  }

  /** Convert to the hashtable encoding (never back), inserting in listpack order. */
  toHashtable(): void {
    if (this.dict !== null) return;
    const d = new Dict<string>('');
    for (let i = 0; i < this.lf.length; i++) d.add(this.lf[i], this.lv[i]);
    this.dict = d;
    this.lf = [];
    this.lv = [];
  }

  /**
   * Convert if the hash no longer fits the listpack limits: the field or
   * value just written is longer than `maxValue` bytes, or there are more
   * than `maxEntries` pairs. Called after every set (Redis's hashTypeSet).
   */
  fitOrConvert(field: string, value: string, maxEntries: number, maxValue: number): void {
    if (this.dict !== null) return;
    if (field.length > maxValue || value.length > maxValue || this.lf.length > maxEntries) this.toHashtable();
  }

  /** All fields and values in the hash's iteration order (listpack order or table slot order). */
  pairs(outF: string[], outV: string[]): void {
    if (this.dict === null) {
      for (let i = 0; i < this.lf.length; i++) {
        outF.push(this.lf[i]);
        outV.push(this.lv[i]);
      }
      return;
    }
    const d = this.dict;
    for (let i = 0; i < d.slots; i++) {
      const k = d.keyAt(i);
      if (k !== null) {
        outF.push(k);
        outV.push(d.valAt(i));
      }
    }
  }
}

// --- RDB size (DEBUG OBJECT serializedlength) -------------------------------------

/**
 * RDB size of a hash as Redis saves it: a listpack hash is one string
 * holding the listpack bytes (listpack-blob.ts builds them exactly, so LZF sizes agree); a
 * hashtable is a length followed by each field and value as strings.
 */
function hashRdbSize(v: Value): number {
  const h = v as HashValue;
  if (h.dict === null) return rdbStringSize(listpackBlob(h.lf, h.lv));
  let size = rdbLenSize(h.dict.size);
  const fs: string[] = [];
  const vs: string[] = [];
  h.pairs(fs, vs);
  for (let i = 0; i < fs.length; i++) size += rdbStringSize(fs[i]) + rdbStringSize(vs[i]);
  return size;
}

registerRdbSize(ObjType.HASH, hashRdbSize);
