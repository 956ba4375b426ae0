/* ==========================================================================
 * List family (non-blocking): LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP,
 * LLEN, LINDEX, LSET, LRANGE, LINSERT, LREM, LTRIM, LPOS, LMOVE, RPOPLPUSH,
 * LMPOP.
 *
 * Values are ListValue deques (store/list.ts). Like Redis's t_list.c:
 *  - write commands look their key up without touching the hit/miss stats
 *    (lookupKeyWrite); read commands count them (lookupRead);
 *  - an emptied list is deleted at once, with a "del" event after the pop
 *    event;
 *  - dirty grows by the number of elements pushed / popped / removed.
 * The pop and move workers (listPopRange, listMove) are exported for the
 * blocking variants (BLPOP, BLMOVE, BLMPOP), which serve a key the same way.
 * The command table lives in list.ts.
 * ========================================================================== */

import type { Client } from '../server/client';
import type { Db } from '../store/db';
import { E } from '../protocol/errors';
import { parseInt64, parseInt64Big } from '../protocol/numbers';
import { keyChanged, lookupRead, notify, NC } from '../server/keyspace';
import { ListValue } from '../store/list';
import type { Value } from '../store/values';
import { is } from './args';
import { parseMpop, type MpopArgs } from './mpop';

const LONG_MIN = -(2 ** 63);

// --- lookups ------------------------------------------------------------------

/**
 * The list at `v`, null when absent, or false after replying WRONGTYPE.
 */
export function asList(c: Client, v: Value | undefined): ListValue | null | false {
  if (v === undefined) return null;
  if (v instanceof ListValue) return v;
  c.error(E.WRONGTYPE);
  return false;
}

/** A new empty list with the configured node fill and compress depth (Redis's createQuicklistObject). */
function newList(c: Client): ListValue {
  const cfg = c.server.config;
  return new ListValue(cfg.listMaxListpackSize, cfg.listCompressDepth);
}

/** Write lookup (no hit/miss stats, like lookupKeyWrite). */
function listForWrite(c: Client, key: string): ListValue | null | false {
  return asList(c, c.db.lookup(key));
}

/** Read lookup (counts a keyspace hit or miss, like lookupKeyRead). */
function listForRead(c: Client, key: string): ListValue | null | false {
  return asList(c, lookupRead(c, key));
}

/**
 * Count extra dirty units: keyChanged() adds one, Redis adds one per
 * element pushed / popped / removed.
 */
function addDirty(c: Client, n: number): void {
  c.server.dirty += n;
}

/**
 * After elements were popped from `key` (Redis's listElementsRemoved): the
 * pop event, then delete the key with a "del" event if the list is now
 * empty; dirty grows by `count`.
 */
export function listElementsRemoved(c: Client, db: Db, key: string, l: ListValue, head: boolean, count: number): void {
  keyChanged(c, db, key, NC.LIST, head ? 'lpop' : 'rpop');
  addDirty(c, count - 1);
  if (l.len === 0) {
    db.delete(key);
    notify(c, db, key, NC.GENERIC, 'del');
  }
}

/** LEFT / RIGHT argument: true for LEFT, false for RIGHT, null after a syntax error. */
export function whereArg(c: Client, s: string): boolean | null {
  if (is(s, 'left')) return true;
  if (is(s, 'right')) return false;
  c.error(E.SYNTAX);
  return null;
}

/**
 * A long argument that must be >= `min` (Redis's getRangeLongFromObjectOrReply
 * with a custom message): the value, or null after replying "ERR <msg>".
 */
function rangeArg(c: Client, s: string, min: number, msg: string): number | null {
  const v = parseInt64(s);
  if (v === null || v < min) {
    c.error('ERR ' + msg);
    return null;
  }
  return v;
}

// --- push ---------------------------------------------------------------------

/**
 * LPUSH / RPUSH / LPUSHX / RPUSHX: push every element in argument order;
 * the X variants do nothing (reply 0) when the key is absent. Replies the
 * new length; one "lpush"/"rpush" event per command.
 */
function pushGeneric(c: Client, argv: string[], head: boolean, onlyExisting: boolean): void {
  const key = argv[1];
  const db = c.db;
  let l = listForWrite(c, key);
  if (l === false) return;
  if (l === null) {
    if (onlyExisting) {
      c.w.int(0);
      return;
    }
    l = newList(c);
    db.add(key, l);
  }
  for (let j = 2; j < argv.length; j++) l.push(argv[j], head);
  c.w.int(l.len);
  keyChanged(c, db, key, NC.LIST, head ? 'lpush' : 'rpush');
  addDirty(c, argv.length - 3);
}

function lpushCommand(c: Client, argv: string[]): void { pushGeneric(c, argv, true, false); }
function rpushCommand(c: Client, argv: string[]): void { pushGeneric(c, argv, false, false); }
function lpushxCommand(c: Client, argv: string[]): void { pushGeneric(c, argv, true, true); }
function rpushxCommand(c: Client, argv: string[]): void { pushGeneric(c, argv, false, true); }

// --- pop ----------------------------------------------------------------------

/**
 * Pop up to `count` elements of `l` (stored at `key`) from one end and
 * reply them as an array, in pop order; then the pop / del events.
 */
export function listPopRange(c: Client, db: Db, key: string, l: ListValue, head: boolean, count: number): void {
  const n = count > l.len ? l.len : count;
  c.w.arrayLen(n);
  for (let i = 0; i < n; i++) c.w.bulk(l.pop(head));
  listElementsRemoved(c, db, key, l, head, n);
}

/**
 * LPOP / RPOP key [count]. Without count: one bulk (nil when absent).
 * With count: the count is validated first ("must be positive"), an absent
 * key is a null array, count 0 an empty array, else up to count elements.
 */
function popGeneric(c: Client, argv: string[], head: boolean): void {
  if (argv.length > 3) {
    c.error(E.ARITY(c.cmd!.fullName));
    return;
  }
  const hasCount = argv.length === 3;
  let count = 0;
  if (hasCount) {
    const v = parseInt64(argv[2]);
    if (v === null || v < 0) {
      c.error(E.POSITIVE);
      return;
    }
    count = v;
  }
  const key = argv[1];
  const l = listForWrite(c, key);
  if (l === false) return;
  if (l === null) {
    if (hasCount) c.w.nullArray();
    else c.w.null();
    return;
  }
  if (hasCount && count === 0) {
    c.w.arrayLen(0);
    return;
  }
  if (!hasCount) {
    c.w.bulk(l.pop(head));
    listElementsRemoved(c, c.db, key, l, head, 1);
  } else {
    listPopRange(c, c.db, key, l, head, count);
  }
}

function lpopCommand(c: Client, argv: string[]): void { popGeneric(c, argv, true); }
function rpopCommand(c: Client, argv: string[]): void { popGeneric(c, argv, false); }

// --- read commands ------------------------------------------------------------------

/** LLEN key -> length, 0 when absent. */
function llenCommand(c: Client, argv: string[]): void {
  const l = listForRead(c, argv[1]);
  if (l === false) return;
  c.w.int(l === null ? 0 : l.len);
}

/** LINDEX key index: the element (negative counts from the tail), nil when out of range or absent. */
function lindexCommand(c: Client, argv: string[]): void {
  const l = listForRead(c, argv[1]);
  if (l === false) return;
  if (l === null) {
    c.w.null();
    return;
  }
  let i = parseInt64(argv[2]);
  if (i === null) {
    c.error(E.NOT_INT);
    return;
  }
  if (i < 0) i += l.len;
  if (i < 0 || i >= l.len) c.w.null();
  else c.w.bulk(l.get(i));
}

/**
 * LRANGE key start stop: indexes are parsed before the lookup; negative
 * ones count from the tail; out-of-range bounds are clamped.
 */
function lrangeCommand(c: Client, argv: string[]): void {
  let start = parseInt64(argv[2]);
  let end = parseInt64(argv[3]);
  if (start === null || end === null) {
    c.error(E.NOT_INT);
    return;
  }
  const l = listForRead(c, argv[1]);
  if (l === false) return;
  if (l === null) {
    c.w.arrayLen(0);
    return;
  }
  const len = l.len;
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) {
    c.w.arrayLen(0);
    return;
  }
  if (end >= len) end = len - 1;
  c.w.arrayLen(end - start + 1);
  for (let i = start; i <= end; i++) c.w.bulk(l.get(i));
}

/**
 * LPOS key element [RANK r] [COUNT n] [MAXLEN m]. Options are validated
 * before the lookup. RANK picks the r-th match (negative: scanning from the
 * tail); COUNT turns the reply into an array of up to n positions (0 = all);
 * MAXLEN bounds the number of elements compared (0 = whole list). Positions
 * are always counted from the head. As in Redis (C long arithmetic),
 * RANK -9223372036854775808 cannot be negated: it matches from the first
 * match on, from the tail, and COUNT never stops the scan.
 */
function lposCommand(c: Client, argv: string[]): void {
  let rank = 1, count = -1, maxlen = 0, rankIsMin = false;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j];
    const more = j + 1 < argv.length;
    if (more && is(opt, 'rank')) {
      const arg = argv[++j];
      const v = parseInt64(arg);
      if (v === null) {
        c.error(E.NOT_INT);
        return;
      }
      if (v === 0) {
        c.error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use " +
          'negative to start from the end of the list');
        return;
      }
      // Beyond 2^53 a double cannot tell LONG_MIN from its neighbours: decide exactly.
      rankIsMin = v === LONG_MIN && parseInt64Big(arg) === -(2n ** 63n);
      rank = v;
    } else if (more && is(opt, 'count')) {
      const v = rangeArg(c, argv[++j], 0, "COUNT can't be negative");
      if (v === null) return;
      count = v;
    } else if (more && is(opt, 'maxlen')) {
      const v = rangeArg(c, argv[++j], 0, "MAXLEN can't be negative");
      if (v === null) return;
      maxlen = v;
    } else {
      c.error(E.SYNTAX);
      return;
    }
  }
  let fromTail = false;
  if (rank < 0) {
    fromTail = true;
    rank = rankIsMin ? LONG_MIN : -rank;
  }
  const l = listForRead(c, argv[1]);
  if (l === false) return;
  if (l === null) {
    if (count !== -1) c.w.arrayLen(0);
    else c.w.null();
    return;
  }
  const ele = argv[2];
  const len = l.len;
  const limit = maxlen === 0 || maxlen > len ? len : maxlen;
  let matches = 0;
  let found = -1;
  const out: number[] = [];
  for (let k = 0; k < limit; k++) {
    const idx = fromTail ? len - 1 - k : k;
    if (l.get(idx) !== ele) continue;
    matches++;
    if (matches >= rank) {
      if (count === -1) {
        found = idx;
        break;
      }
      out.push(idx);
      if (count !== 0 && rank > 0 && matches - rank + 1 >= count) break;
    }
  }
  if (count !== -1) {
    c.w.arrayLen(out.length);
    for (let i = 0; i < out.length; i++) c.w.int(out[i]);
  } else if (found >= 0) {
    c.w.int(found);
  } else {
    c.w.null();
  }
}

// --- in-place writes ------------------------------------------------------------

/** LSET key index element: "no such key" before the index is parsed; "index out of range". */
function lsetCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const l = listForWrite(c, key);
  if (l === false) return;
  if (l === null) {
    c.error(E.NO_KEY);
    return;
  }
  let i = parseInt64(argv[2]);
  if (i === null) {
    c.error(E.NOT_INT);
    return;
  }
  if (i < 0) i += l.len;
  if (i < 0 || i >= l.len) {
    c.error(E.OUT_OF_RANGE);
    return;
  }
  l.set(i, argv[3]);
  c.w.ok();
  keyChanged(c, c.db, key, NC.LIST, 'lset');
}

/**
 * LINSERT key BEFORE|AFTER pivot element: the new length, -1 when the
 * pivot is not found, 0 when the key is absent. The first pivot from the
 * head is used.
 */
function linsertCommand(c: Client, argv: string[]): void {
  let after: boolean;
  if (is(argv[2], 'after')) after = true;
  else if (is(argv[2], 'before')) after = false;
  else {
    c.error(E.SYNTAX);
    return;
  }
  const key = argv[1];
  const l = listForWrite(c, key);
  if (l === false) return;
  if (l === null) {
    c.w.int(0);
    return;
  }
  const pivot = argv[3];
  let at = -1;
  for (let i = 0; i < l.len; i++) {
    if (l.get(i) === pivot) {
      at = i;
      break;
    }
  }
  if (at < 0) {
    c.w.int(-1);
    return;
  }
  l.insert(at, after, argv[4]);
  c.w.int(l.len);
  keyChanged(c, c.db, key, NC.LIST, 'linsert');
}

/**
 * LREM key count element: remove up to |count| matches scanning from the
 * head (count > 0) or the tail (count < 0), or all of them (0). Replies
 * how many were removed; an emptied list is deleted.
 */
function lremCommand(c: Client, argv: string[]): void {
  const n = parseInt64(argv[2]);
  if (n === null) {
    c.error(E.NOT_INT);
    return;
  }
  const key = argv[1];
  const l = listForWrite(c, key);
  if (l === false) return;
  if (l === null) {
    c.w.int(0);
    return;
  }
  const removed = l.removeMatching(argv[3], n < 0 ? -n : n, n < 0);
  c.w.int(removed);
  if (removed === 0) return;
  const db = c.db;
  keyChanged(c, db, key, NC.LIST, 'lrem');
  addDirty(c, removed - 1);
  if (l.len === 0) {
    db.delete(key);
    notify(c, db, key, NC.GENERIC, 'del');
  }
}

/**
 * LTRIM key start stop: keep the clamped range. The "ltrim" event fires
 * even when nothing was removed; an emptied list is deleted ("del").
 */
function ltrimCommand(c: Client, argv: string[]): void {
  let start = parseInt64(argv[2]);
  let end = parseInt64(argv[3]);
  if (start === null || end === null) {
    c.error(E.NOT_INT);
    return;
  }
  const key = argv[1];
  const l = listForWrite(c, key);
  if (l === false) return;
  if (l === null) {
    c.w.ok();
    return;
  }
  const len = l.len;
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  let removed: number;
  if (start > end || start >= len) {
    removed = len;
    l.keepRange(0, 0);
  } else {
    if (end >= len) end = len - 1;
    removed = len - (end - start + 1);
    l.keepRange(start, end - start + 1);
  }
  const db = c.db;
  keyChanged(c, db, key, NC.LIST, 'ltrim');
  addDirty(c, removed - 1);
  if (l.len === 0) {
    db.delete(key);
    notify(c, db, key, NC.GENERIC, 'del');
  }
  c.w.ok();
}

// --- move -----------------------------------------------------------------------

/**
 * Move one element of the non-empty list `src` (at `srcKey`) to `dstKey`
 * (Redis's lmoveGenericCommand after the source lookup): WRONGTYPE on the
 * destination is checked before anything is popped; the destination is
 * created if absent; replies the moved element. Events: the push on the
 * destination, then the pop on the source, then "del" if the source
 * emptied. With the same key the list rotates (the destination object is
 * the source, so it is never deleted). Returns false after WRONGTYPE.
 */
export function listMove(c: Client, db: Db, srcKey: string, src: ListValue, dstKey: string,
  fromHead: boolean, toHead: boolean): boolean {
  let dst = asList(c, db.lookup(dstKey));
  if (dst === false) return false;
  const v = src.pop(fromHead);
  if (dst === null) {
    dst = newList(c);
    db.add(dstKey, dst);
  }
  dst.push(v, toHead);
  keyChanged(c, db, dstKey, NC.LIST, toHead ? 'lpush' : 'rpush');
  c.w.bulk(v);
  notify(c, db, srcKey, NC.LIST, fromHead ? 'lpop' : 'rpop');
  if (src.len === 0) {
    db.delete(srcKey);
    notify(c, db, srcKey, NC.GENERIC, 'del');
  }
  // Redis signals the source too but counts one dirty unit for the whole move.
  keyChanged(c, db, srcKey, 0, '');
  c.server.dirty--;
  return true;
}

/** LMOVE / RPOPLPUSH body: nil when the source is absent. */
function moveGeneric(c: Client, argv: string[], fromHead: boolean, toHead: boolean): void {
  const src = listForWrite(c, argv[1]);
  if (src === false) return;
  if (src === null || src.len === 0) {
    c.w.null();
    return;
  }
  listMove(c, c.db, argv[1], src, argv[2], fromHead, toHead);
}

/** LMOVE source destination LEFT|RIGHT LEFT|RIGHT */
function lmoveCommand(c: Client, argv: string[]): void {
  const from = whereArg(c, argv[3]);
  if (from === null) return;
  const to = whereArg(c, argv[4]);
  if (to === null) return;
  moveGeneric(c, argv, from, to);
}

/** RPOPLPUSH source destination (LMOVE source destination RIGHT LEFT). */
function rpoplpushCommand(c: Client, argv: string[]): void {
  moveGeneric(c, argv, false, true);
}

// --- LMPOP --------------------------------------------------------------------

/**
 * Serve an LMPOP (arguments from parseMpop with LEFT|RIGHT: where = head)
 * from the first non-empty list among the keys: reply [key, [elements...]]. Returns true if it replied (served or WRONGTYPE),
 * false when every key was absent (the caller replies or blocks). With
 * `only` (a woken BLMPOP), just that key is tried.
 */
export function mpopServe(c: Client, argv: string[], a: MpopArgs, only: string | null = null): boolean {
  const db = c.db;
  for (let j = a.first; j < a.first + a.numkeys; j++) {
    const key = argv[j];
    if (only !== null && key !== only) continue;
    const l = listForWrite(c, key);
    if (l === false) return true;
    if (l === null || l.len === 0) continue;
    c.w.arrayLen(2);
    c.w.bulk(key);
    listPopRange(c, db, key, l, a.where, a.count);
    return true;
  }
  return false;
}

/** LMPOP numkeys key... LEFT|RIGHT [COUNT count] -> [key, elements] or a null array. */
function lmpopCommand(c: Client, argv: string[]): void {
  const a = parseMpop(c, argv, 1, 'left', 'right');
  if (a === null) return;
  if (!mpopServe(c, argv, a)) c.w.nullArray();
}

export const LIST_HANDLERS = {
  lpushCommand, rpushCommand, lpushxCommand, rpushxCommand, lpopCommand, rpopCommand, llenCommand,
  lindexCommand, lrangeCommand, lposCommand, lsetCommand, linsertCommand, lremCommand, ltrimCommand,
  lmoveCommand, rpoplpushCommand, lmpopCommand,
};
