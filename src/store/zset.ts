/* ==========================================================================
 * Sorted-set values (Redis's OBJ_ZSET, t_zset.c object layer).
 *
 * Two encodings, with Redis 7.0's rules:
 *  - 'listpack': two parallel arrays (members `lm`, scores `ls`) sorted by
 *    (score, member), used while the zset has at most
 *    zset-max-listpack-entries members of at most zset-max-listpack-value
 *    bytes. Lookups by member are linear, like Redis's listpack.
 *  - 'skiplist': a Dict member -> score (O(1) ZSCORE, the ZSCAN cursor and
 *    random sampling follow the dict, as in Redis) plus an ordered
 *    B+tree with subtree counts (zset-tree.ts; measured faster than a
 *    skiplist in V8) for O(log n) insert, delete, rank and range start;
 *    OBJECT ENCODING keeps Redis's name for it.
 * Conversion listpack -> skiplist happens on insert (zsetInsert); back to
 * listpack only where Redis does it: results of STORE commands
 * (zsetConvertToListpackIfNeeded).
 *
 * API for other families (GEO, SORT):
 *  - zsetCreate(server, sizeHint, maxMemberLenHint): empty zset, encoding
 *    chosen from the hints and config;
 *  - zsetInsert(server, z, member, score): add or update (converts);
 *  - zsetConvertToListpackIfNeeded(server, z, maxMemberLen, totalLen);
 *  - z.size, z.score(member) (undefined if absent), z.remove(member);
 *  - z.scanScoreRange(min, max, visit): ascending (score, member) over
 *    min <= score <= max, stops when visit returns false;
 *  - z.forEachInOrder(visit): every member ascending, same stop rule;
 *  - z.rangeByRank(start, end, rev, visit): 0-based inclusive ranks
 *    (already clamped by the caller), descending from the top when rev;
 *  - z.cursor(rank) / ZCursor.step(rev): closure-free iteration (one small
 *    cursor object per walk) used by the command handlers;
 *  - zsetAddNew(server, z, member, score): insert a member known absent.
 * Members are latin1 strings; equal scores order by byte comparison.
 * ========================================================================== */

import { Dict } from './dict';
import { ObjType, RObj, type Value } from './values';
import { ZTree, Leaf, type LexBound, lexGteMin, lexLteMax, lexRangeEmpty } from './zset-tree';
import { rdbLenSize, rdbStringSize, registerRdbSize } from './rdb-size';
import { listpackBlob } from './listpack-blob';
import type { Server } from '../server/server';
import { formatDouble } from '../protocol/numbers';

export type { LexBound } from './zset-tree';
export { lexGteMin, lexLteMax, lexRangeEmpty } from './zset-tree';

/** Sort position of (score, member) in listpack arrays: first index not before it. */
function lpSearch(lm: string[], ls: number[], score: number, member: string): number {
  let lo = 0, hi = lm.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const s = ls[mid];
    if (s < score || (s === score && lm[mid] < member)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class ZSet extends RObj {
  readonly type = ObjType.ZSET;
  /** Listpack members / scores, sorted by (score, member); empty once a skiplist. */
  lm: string[] = [];
  ls: number[] = [];
  /** Skiplist encoding: member -> score, and the ordered list. Null while listpack. */
  dict: Dict<number> | null = null;
  tree: ZTree | null = null;

  encoding(): string {
    return this.dict === null ? 'listpack' : 'skiplist';
  }

  get size(): number {
    return this.dict === null ? this.lm.length : this.dict.size;
  }

  /** Deep copy with the same encoding (Redis's zsetDup). */
  dup(): ZSet {
    const z = new ZSet();
    if (this.dict === null) {
      z.lm = this.lm.slice();
      z.ls = this.ls.slice();
      return z;
    }
    z.toSkiplistEmpty();
    for (let l: Leaf | null = (this.tree as ZTree).head; l !== null; l = l.next) {
      for (let i = 0; i < l.ms.length; i++) z.slAdd(l.ms[i], l.ss[i]);
    }
    return z;
  }

  /** Score of `member`, or undefined. */
  score(member: string): number | undefined {
    if (this.dict !== null) return this.dict.get(member);
    const i = this.lm.indexOf(member);
    return i < 0 ? undefined : this.ls[i];
  }

  /** Add a member known to be absent, without encoding checks. */
  addNew(member: string, score: number): void {
    if (this.dict !== null) {
      this.slAdd(member, score);
      return;
    }
    if (score === 0) score = 0; // a listpack stores -0 as the integer 0 (d2string)
    const i = lpSearch(this.lm, this.ls, score, member);
    this.lm.splice(i, 0, member);
    this.ls.splice(i, 0, score);
  }

  private slAdd(member: string, score: number): void {
    (this.tree as ZTree).insert(score, member);
    (this.dict as Dict<number>).add(member, score);
  }

  /** Change the score of a present member from `cur` to `score`. */
  update(member: string, cur: number, score: number): void {
    if (cur === score) return;
    if (this.dict !== null) {
      (this.tree as ZTree).updateScore(cur, member, score);
      this.dict.set(member, score);
      return;
    }
    const i = this.lm.indexOf(member);
    this.lm.splice(i, 1);
    this.ls.splice(i, 1);
    this.addNew(member, score);
  }

  /** Remove `member`; true if it was present. The dict may shrink. */
  remove(member: string): boolean {
    if (this.dict !== null) {
      const s = this.dict.get(member);
      if (s === undefined) return false;
      (this.tree as ZTree).delete(s, member);
      this.dict.delete(member);
      this.dict.shrinkIfNeeded();
      return true;
    }
    const i = this.lm.indexOf(member);
    if (i < 0) return false;
    this.lm.splice(i, 1);
    this.ls.splice(i, 1);
    return true;
  }

  /** 0-based rank of `member` (ascending, or descending when rev), -1 if absent. */
  rank(member: string, rev: boolean): number {
    let r: number;
    if (this.dict !== null) {
      const s = this.dict.get(member);
      if (s === undefined) return -1;
      r = (this.tree as ZTree).rank(s, member) - 1;
    } else {
      r = this.lm.indexOf(member);
      if (r < 0) return -1;
    }
    return rev ? this.size - 1 - r : r;
  }

  // --- ranges ------------------------------------------------------------------

  /** Number of members with score < bound (or <= bound when inclusive). */
  countBelow(bound: number, inclusive: boolean): number {
    if (this.dict !== null) return (this.tree as ZTree).countBelow(bound, inclusive);
    const ls = this.ls;
    let lo = 0, hi = ls.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ls[mid] < bound || (inclusive && ls[mid] === bound)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Rank range [lo, hi) of the members with min <= score <= max (bounds
   * exclusive when minex / maxex); empty when hi <= lo.
   */
  scoreRange(min: number, minex: boolean, max: number, maxex: boolean): [number, number] {
    if (min > max || (min === max && (minex || maxex))) return [0, 0];
    return [this.countBelow(min, minex), this.countBelow(max, !maxex)];
  }

  /**
   * Rank of the first member inside the lex range, or -1 (Redis's
   * zzlFirstInLexRange / zslFirstInLexRange, including their check that
   * the last member is >= min and the first <= max).
   */
  lexFirst(min: LexBound, max: LexBound): number {
    const n = this.size;
    if (n === 0 || lexRangeEmpty(min, max)) return -1;
    if (this.dict === null) {
      const lm = this.lm;
      if (!lexGteMin(lm[n - 1], min) || !lexLteMax(lm[0], max)) return -1;
      let i = 0;
      while (i < n && !lexGteMin(lm[i], min)) i++;
      return i < n && lexLteMax(lm[i], max) ? i : -1;
    }
    const t = this.tree as ZTree;
    if (!lexGteMin(t.lastMember(), min) || !lexLteMax(t.firstMember(), max)) return -1;
    const r = t.lexCount(min, false);
    if (r >= n) return -1;
    return lexLteMax(new ZCursor(this, r).member, max) ? r : -1;
  }

  /** Rank of the last member inside the lex range, or -1 (zzlLastInLexRange / zslLastInLexRange). */
  lexLast(min: LexBound, max: LexBound): number {
    const n = this.size;
    if (n === 0 || lexRangeEmpty(min, max)) return -1;
    if (this.dict === null) {
      const lm = this.lm;
      if (!lexGteMin(lm[n - 1], min) || !lexLteMax(lm[0], max)) return -1;
      let i = n - 1;
      while (i >= 0 && !lexLteMax(lm[i], max)) i--;
      return i >= 0 && lexGteMin(lm[i], min) ? i : -1;
    }
    const t = this.tree as ZTree;
    if (!lexGteMin(t.lastMember(), min) || !lexLteMax(t.firstMember(), max)) return -1;
    const r = t.lexCount(max, true) - 1;
    if (r < 0) return -1;
    return lexGteMin(new ZCursor(this, r).member, min) ? r : -1;
  }

  /** Iteration cursor positioned at 0-based `rank` (invalid when out of range). */
  cursor(rank: number): ZCursor {
    return new ZCursor(this, rank);
  }

  /** Delete the members of 0-based ranks [lo, hi); returns how many. */
  deleteRange(lo: number, hi: number): number {
    if (hi <= lo) return 0;
    if (this.dict !== null) {
      const size = this.size;
      if (hi > size) hi = size;
      if ((hi - lo) * 4 <= size) {
        const n = (this.tree as ZTree).deleteRankRange(lo + 1, hi, this.dict);
        this.dict.shrinkIfNeeded();
        return n;
      }
      // A large share goes: drop those members from the dict and rebuild the
      // tree from the kept ones (ascending appends), O(n) instead of O(k log n).
      const t = new ZTree();
      const cur = new ZCursor(this, 0);
      for (let r = 0; cur.ok; r++) {
        if (r < lo || r >= hi) t.insert(cur.score, cur.member);
        else this.dict.delete(cur.member);
        cur.step(false);
      }
      this.tree = t;
      this.dict.shrinkIfNeeded();
      return hi - lo;
    }
    this.lm.splice(lo, hi - lo);
    this.ls.splice(lo, hi - lo);
    return hi - lo;
  }

  /** Visit min <= score <= max ascending; stops when visit returns false. */
  scanScoreRange(min: number, max: number, visit: (member: string, score: number) => boolean | void): void {
    const [lo, hi] = this.scoreRange(min, false, max, false);
    this.rangeByRank(lo, hi - 1, false, visit);
  }

  /** Visit every member ascending; stops when visit returns false. */
  forEachInOrder(visit: (member: string, score: number) => boolean | void): void {
    this.rangeByRank(0, this.size - 1, false, visit);
  }

  /** Visit 0-based ranks start..end (clamped by the caller), descending from the top when rev. */
  rangeByRank(start: number, end: number, rev: boolean, visit: (member: string, score: number) => boolean | void): void {
    if (end < start) return;
    const cur = new ZCursor(this, rev ? this.size - 1 - start : start);
    for (let n = end - start + 1; n > 0 && cur.ok; n--) {
      if (visit(cur.member, cur.score) === false) return;
      cur.step(rev);
    }
  }

  // --- sampling and scanning -----------------------------------------------------

  /** A random member of a non-empty zset (dict sampling for the skiplist encoding). */
  randomMember(): string {
    if (this.dict !== null) return this.dict.randomKey() as string;
    return this.lm[(Math.random() * this.lm.length) | 0];
  }

  /** All members and scores ascending. */
  pairs(outM: string[], outS: number[]): void {
    const cur = new ZCursor(this, 0);
    while (cur.ok) {
      outM.push(cur.member);
      outS.push(cur.score);
      cur.step(false);
    }
  }

  // --- encoding conversion ---------------------------------------------------------

  private toSkiplistEmpty(): void {
    this.dict = new Dict<number>(0);
    this.tree = new ZTree();
    this.lm = [];
    this.ls = [];
  }

  /** Convert to the skiplist encoding (no-op if already). */
  toSkiplist(): void {
    if (this.dict !== null) return;
    const lm = this.lm, ls = this.ls;
    this.toSkiplistEmpty();
    for (let i = 0; i < lm.length; i++) this.slAdd(lm[i], ls[i]);
  }

  /** Convert to the listpack encoding (no-op if already). */
  toListpack(): void {
    if (this.dict === null) return;
    const lm: string[] = [];
    const ls: number[] = [];
    this.pairs(lm, ls);
    for (let i = 0; i < ls.length; i++) if (ls[i] === 0) ls[i] = 0;
    this.dict = null;
    this.tree = null;
    this.lm = lm;
    this.ls = ls;
  }
}

/**
 * A position in a zset's order: `ok` tells whether it points at a member,
 * whose `member` and `score` are loaded. step(rev) moves one place. The
 * zset must not be modified while a cursor is in use.
 */
export class ZCursor {
  member = '';
  score = 0;
  ok = false;
  private i: number;
  private leaf: Leaf | null = null;
  private readonly z: ZSet;

  constructor(z: ZSet, rank: number) {
    this.z = z;
    this.i = rank;
    if (rank < 0 || rank >= z.size) return;
    if (z.tree !== null) {
      const pos = { leaf: z.tree.head, idx: 0 };
      z.tree.seek(rank, pos);
      this.leaf = pos.leaf;
      this.i = pos.idx;
    }
    this.load();
  }

  private load(): void {
    const i = this.i;
    if (this.z.tree !== null) {
      const l = this.leaf;
      this.ok = l !== null;
      if (l !== null) {
        this.member = l.ms[i];
        this.score = l.ss[i];
      }
      return;
    }
    this.ok = i >= 0 && i < this.z.lm.length;
    if (this.ok) {
      this.member = this.z.lm[i];
      this.score = this.z.ls[i];
    }
  }

  step(rev: boolean): void {
    if (!this.ok) return;
    if (this.z.tree !== null) {
      const l = this.leaf as Leaf;
      if (rev) {
        if (--this.i < 0) {
          this.leaf = l.prev;
          this.i = this.leaf !== null ? this.leaf.ms.length - 1 : 0;
        }
      } else if (++this.i >= l.ms.length) {
        this.leaf = l.next;
        this.i = 0;
      }
    } else {
      this.i += rev ? -1 : 1;
    }
    this.load();
  }
}

// --- the API used by commands (here and in other families) ----------------------------

/**
 * An empty zset whose encoding suits `sizeHint` members of up to
 * `maxMemberLenHint` bytes under the current config (zsetTypeCreate).
 */
export function zsetCreate(server: Server, sizeHint: number, maxMemberLenHint: number): ZSet {
  const z = new ZSet();
  const cfg = server.config;
  if (sizeHint > cfg.zsetMaxListpackEntries || maxMemberLenHint > cfg.zsetMaxListpackValue) z.toSkiplist();
  return z;
}

/**
 * Add or update a member (Redis's zsetAdd without flags): a new member that
 * makes a listpack zset exceed the entries limit, or is longer than the
 * value limit, converts it to a skiplist.
 */
export function zsetInsert(server: Server, z: ZSet, member: string, score: number): void {
  const cur = z.score(member);
  if (cur !== undefined) {
    z.update(member, cur, score);
    return;
  }
  zsetAddNew(server, z, member, score);
}

/** Insert a member known to be absent, converting the encoding per config first. */
export function zsetAddNew(server: Server, z: ZSet, member: string, score: number): void {
  if (z.dict === null) {
    const cfg = server.config;
    if (z.lm.length + 1 > cfg.zsetMaxListpackEntries || member.length > cfg.zsetMaxListpackValue) z.toSkiplist();
  }
  z.addNew(member, score);
}

/** Largest listpack Redis will build safely (lpSafeToAdd: 1 GiB). */
const LISTPACK_SAFETY = 1 << 30;

/**
 * Turn a skiplist back into a listpack when the result of a STORE command
 * fits the listpack limits (Redis's zsetConvertToListpackIfNeeded).
 */
export function zsetConvertToListpackIfNeeded(server: Server, z: ZSet, maxMemberLen: number, totalLen: number): void {
  if (z.dict === null) return;
  const cfg = server.config;
  if (z.size <= cfg.zsetMaxListpackEntries && maxMemberLen <= cfg.zsetMaxListpackValue && totalLen < LISTPACK_SAFETY) {
    z.toListpack();
  }
}

// --- listpack score text and RDB size (DEBUG OBJECT serializedlength) -------------------------

/**
 * A score as a listpack stores it (Redis's d2string): integral values in
 * [-2^62, 2^62] print as integers (so -0 reads back as 0), others as %.17g.
 * ZSCAN of a listpack zset replies these texts.
 */
export function listpackScoreText(d: number): string {
  if (Number.isInteger(d) && d >= -4611686018427387904 && d <= 4611686018427387904) {
    return Number.isSafeInteger(d) ? String(d === 0 ? 0 : d) : BigInt(d).toString();
  }
  return formatDouble(d);
}

/**
 * RDB size of a zset as Redis saves it: a listpack zset is one string
 * holding the listpack blob (listpack-blob.ts builds the exact bytes so LZF
 * sizes agree); a skiplist zset (RDB_TYPE_ZSET_2) is a count, then per
 * member from the tail the member string and an 8-byte binary double.
 */
function zsetRdbSize(v: Value): number {
  const z = v as ZSet;
  if (z.dict === null) return rdbStringSize(listpackBlob(z.lm, z.ls.map(listpackScoreText)));
  let size = rdbLenSize(z.size);
  for (let l: Leaf | null = (z.tree as ZTree).tail; l !== null; l = l.prev) {
    for (let i = 0; i < l.ms.length; i++) size += rdbStringSize(l.ms[i]) + 8;
  }
  return size;
}

registerRdbSize(ObjType.ZSET, zsetRdbSize);
