/* ==========================================================================
 * SORT and SORT_RO (Redis's sort.c): sort a list, set or sorted set
 * numerically or lexicographically (ALPHA), by the elements or by weights
 * found in other keys (BY pattern), return a LIMIT window, project each
 * element through GET patterns, and reply or STORE the result as a list.
 *
 * Patterns: the first '*' is replaced by the element; "key->field" (an
 * arrow after the '*', with a non-empty field) reads a hash field; "#" is
 * the element itself; a pattern without '*' names no key (BY such a
 * pattern means "don't sort"). Patterns are C strings to Redis: a NUL byte
 * ends the '*', '->' and '#' searches (see lookupByPattern).
 *
 * Execution follows sortCommandGeneric step by step, because several of its
 * details show in replies: options are parsed (and rejected) before the key
 * is looked up; LIMIT is clamped to the vector; "don't sort" reads lists
 * and sorted sets in their own order (DESC walks them backwards, LIMIT
 * picks the window directly) but a set is force-sorted ALPHA when the
 * result is STOREd, so that replicas get the same list; weights are parsed
 * with strtod; with BY and a narrowing LIMIT the partial quicksort is used
 * (its tie order differs from the full sort's, see sort-core.ts); a sorted
 * set is converted to the skiplist encoding first, as Redis does.
 * ========================================================================== */

import type { CommandSpec, ArgDoc, KeyRef, KeySpec } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseInt64 } from '../protocol/numbers';
import { keyChanged, lookupRead, NC } from '../server/keyspace';
import { ListValue } from '../store/list';
import { SetValue } from '../store/set';
import { HashValue } from '../store/hash';
import { ZSet } from '../store/zset';
import type { Dict } from '../store/dict';
import { ObjType, RawString, typeOf, type Value } from '../store/values';
import { is } from './args';
import { SortItem, alphaKey, partialSort, setSortMode, sortItems, sortWeight } from './sort-core';

// --- patterns ---------------------------------------------------------------------------

/** Length of `s` read as a C string (up to its first NUL byte). */
function cLen(s: string): number {
  const z = s.indexOf('\0');
  return z < 0 ? s.length : z;
}

/**
 * Redis's lookupKeyByPattern: the value a BY/GET pattern yields for
 * element `subst`, or null. "#" gives the element; otherwise the first '*'
 * is replaced by the element and the key read (a string, or with "->field"
 * a hash field; any other type, a missing key or field give null). Key
 * reads count keyspace hits/misses and expire keys lazily, as in Redis.
 */
function lookupByPattern(c: Client, pattern: string, subst: string): string | null {
  const n = cLen(pattern);
  if (n === 1 && pattern.charCodeAt(0) === 35 /* # */) return subst;
  const star = pattern.indexOf('*');
  if (star < 0 || star >= n) return null;
  const arrow = pattern.indexOf('->', star + 1);
  let key: string;
  let field: string | null = null;
  if (arrow >= 0 && arrow + 2 < n) {
    field = pattern.slice(arrow + 2);
    key = pattern.slice(0, star) + subst + pattern.slice(star + 1, arrow);
  } else {
    key = pattern.slice(0, star) + subst + pattern.slice(star + 1);
  }
  const v = lookupRead(c, key);
  if (v === undefined) return null;
  if (field !== null) {
    if (!(v instanceof HashValue)) return null;
    const f = v.get(field);
    return f === undefined ? null : f;
  }
  if (typeof v === 'string') return v;
  return v instanceof RawString ? v.toString() : null;
}

// --- option parsing -------------------------------------------------------------------------

/** Parsed SORT options (Redis's locals of sortCommandGeneric). */
class SortOptions {
  desc = false;
  alpha = false;
  limitStart = 0;
  limitCount = -1;
  dontsort = false;
  sortby: string | null = null;
  storekey: string | null = null;
  gets: string[] = [];
}

/**
 * Parse argv[2..] like Redis: options in any order, later ones win; LIMIT
 * needs two integers, BY / GET / STORE one argument (STORE only for SORT);
 * anything else is a syntax error. Returns null after replying an error.
 */
function parseSortOptions(c: Client, argv: string[], readonly: boolean): SortOptions | null {
  const o = new SortOptions();
  for (let j = 2; j < argv.length; j++) {
    const a = argv[j];
    const left = argv.length - j - 1;
    if (is(a, 'asc')) o.desc = false;
    else if (is(a, 'desc')) o.desc = true;
    else if (is(a, 'alpha')) o.alpha = true;
    else if (is(a, 'limit') && left >= 2) {
      const s = parseInt64(argv[j + 1]);
      const n = s === null ? null : parseInt64(argv[j + 2]);
      if (s === null || n === null) {
        c.error(E.NOT_INT);
        return null;
      }
      o.limitStart = s;
      o.limitCount = n;
      j += 2;
    } else if (!readonly && is(a, 'store') && left >= 1) {
      o.storekey = argv[++j];
    } else if (is(a, 'by') && left >= 1) {
      o.sortby = argv[++j];
      // A BY pattern without '*' is constant: nothing to sort by.
      const star = o.sortby.indexOf('*');
      if (star < 0 || star >= cLen(o.sortby)) o.dontsort = true;
    } else if (is(a, 'get') && left >= 1) {
      o.gets.push(argv[++j]);
    } else {
      c.error(E.SYNTAX);
      return null;
    }
  }
  return o;
}

// --- loading the vector ------------------------------------------------------------------------

/** Number of elements of a sortable value. */
function sizeOf(v: Value): number {
  if (v instanceof ListValue) return v.len;
  return (v as SetValue | ZSet).size;
}

/**
 * The list's elements for "don't sort": the LIMIT window [start, end]
 * taken directly, walking from the tail for DESC.
 */
function listWindow(l: ListValue, start: number, end: number, desc: boolean): SortItem[] {
  const out: SortItem[] = [];
  const n = end - start + 1;
  for (let j = 0; j < n; j++) out.push(new SortItem(l.get(desc ? l.len - 1 - start - j : start + j)));
  return out;
}

/** Every element, in load order: list order, set iteration order, zset member-dict order. */
function allElements(v: Value): SortItem[] {
  const out: SortItem[] = [];
  if (v instanceof ListValue) {
    for (let i = 0; i < v.len; i++) out.push(new SortItem(v.get(i)));
  } else if (v instanceof SetValue) {
    const m = v.members();
    for (let i = 0; i < m.length; i++) out.push(new SortItem(m[i]));
  } else {
    return zsetElements(v as ZSet);
  }
  return out;
}

// --- sorted sets -----------------------------------------------------------------------------

/*
 * Redis converts a sorted set to the skiplist encoding before sorting it,
 * destructively (even for SORT_RO: OBJECT ENCODING shows it afterwards).
 * To sort, it loads the members in its member-dict order; for "don't
 * sort" it walks the skiplist from rank `start` (from the top for DESC).
 */

/** Every member of a zset in its member-dict order. */
function zsetElements(z: ZSet): SortItem[] {
  const d = z.dict as Dict<number>;
  const out: SortItem[] = [];
  for (let i = 0; i < d.slots; i++) {
    const k = d.keyAt(i);
    if (k !== null) out.push(new SortItem(k));
  }
  return out;
}

/** Members of ranks start..end in score order (from the highest for DESC). */
function zsetWindow(z: ZSet, start: number, end: number, desc: boolean): SortItem[] {
  const out: SortItem[] = [];
  const cur = z.cursor(desc ? z.size - 1 - start : start);
  for (let n = end - start + 1; n > 0 && cur.ok; n--) {
    out.push(new SortItem(cur.member));
    cur.step(desc);
  }
  return out;
}

/** Types SORT accepts: lists, sets and sorted sets. */
function isSortable(v: Value): boolean {
  const t = typeOf(v);
  return t === ObjType.LIST || t === ObjType.SET || t === ObjType.ZSET;
}

// --- the command ----------------------------------------------------------------------------------

/**
 * Whether the client runs inside a script (Redis's CLIENT_SCRIPT): then a
 * set is force-sorted even without STORE, so the script sees a
 * deterministic order. Respite has no scripting yet; when it lands, its
 * client flag must be tested here.
 */
function inScript(_c: Client): boolean {
  return false;
}

/**
 * Weights for the vector: BY lookups (missing -> 0 / null) or the elements
 * themselves. Returns false if a numeric weight is not a valid double.
 */
function loadWeights(c: Client, v: SortItem[], sortby: string | null, alpha: boolean, store: boolean): boolean {
  let ok = true;
  for (let j = 0; j < v.length; j++) {
    let byval: string | null;
    if (sortby !== null) {
      byval = lookupByPattern(c, sortby, v[j].obj);
      if (byval === null) continue;
    } else {
      byval = v[j].obj;
    }
    if (alpha) {
      v[j].cmpobj = alphaKey(byval, store);
    } else {
      const w = sortWeight(byval);
      if (w === null) ok = false;
      else v[j].score = w;
    }
  }
  return ok;
}

/** SORT / SORT_RO body (Redis's sortCommandGeneric). */
function sortGeneric(c: Client, argv: string[], readonly: boolean): void {
  const o = parseSortOptions(c, argv, readonly);
  if (o === null) return;
  const db = c.db;
  const sortval = lookupRead(c, argv[1]);
  if (sortval !== undefined && !isSortable(sortval)) {
    c.error(E.WRONGTYPE);
    return;
  }
  let { dontsort, alpha, sortby } = o;
  const desc = o.desc;
  const isSet = sortval instanceof SetValue;
  // A set has no order of its own: sort it when the result must be reproducible.
  if (dontsort && isSet && (o.storekey !== null || inScript(c))) {
    dontsort = false;
    alpha = true;
    sortby = null;
  }
  if (sortval instanceof ZSet && sortval.dict === null) {
    // Redis converts the zset in place (no signal); the memory account follows it.
    sortval.toSkiplist();
    c.db.recost(argv[1]);
  }
  const total = sortval === undefined ? 0 : sizeOf(sortval);

  // LIMIT clamped to the vector (Redis's arithmetic, including the empty cases).
  let start = Math.min(Math.max(o.limitStart, 0), total);
  const count = Math.min(Math.max(o.limitCount, -1), total);
  let end = count < 0 ? total - 1 : start + count - 1;
  if (start >= total) {
    start = total - 1;
    end = total - 2;
  }
  if (end >= total) end = total - 1;

  let vector: SortItem[];
  if (sortval === undefined) {
    vector = [];
  } else if (dontsort && !isSet) {
    // Lists and sorted sets keep their order: read just the window.
    vector = end < start ? [] : sortval instanceof ListValue
      ? listWindow(sortval, start, end, desc) : zsetWindow(sortval as ZSet, start, end, desc);
    end -= start;
    start = 0;
  } else {
    vector = allElements(sortval);
  }

  let convError = false;
  if (!dontsort) {
    convError = !loadWeights(c, vector, sortby, alpha, o.storekey !== null);
    setSortMode(alpha, desc);
    if (sortby !== null && (start !== 0 || end !== vector.length - 1)) {
      if (end >= start) partialSort(vector, start, end);
    } else {
      sortItems(vector);
    }
  }

  const gets = o.gets;
  const span = end >= start ? end - start + 1 : 0;
  const outputlen = gets.length > 0 ? gets.length * span : span;
  if (convError) {
    c.error('ERR One or more scores can\'t be converted into double');
    return;
  }
  if (o.storekey === null) {
    c.w.arrayLen(outputlen);
    for (let j = start; j <= end; j++) {
      const el = vector[j].obj;
      if (gets.length === 0) c.w.bulk(el);
      for (let g = 0; g < gets.length; g++) {
        const val = lookupByPattern(c, gets[g], el);
        if (val === null) c.w.null();
        else c.w.bulk(val);
      }
    }
    return;
  }
  // STORE: the result as a list (GET misses become empty strings).
  const dst = o.storekey;
  const items: string[] = [];
  for (let j = start; j <= end; j++) {
    const el = vector[j].obj;
    if (gets.length === 0) items.push(el);
    for (let g = 0; g < gets.length; g++) items.push(lookupByPattern(c, gets[g], el) ?? '');
  }
  if (outputlen > 0) {
    if (db.expires.size !== 0) db.expireIfNeeded(dst);
    db.set(dst, ListValue.from(items), false);
    keyChanged(c, db, dst, NC.LIST, 'sortstore');
    c.server.dirty += outputlen - 1; // Redis counts one change per stored element
  } else if (db.delete(dst)) {
    keyChanged(c, db, dst, NC.GENERIC, 'del');
  }
  c.w.int(outputlen);
}

function sortCommand(c: Client, argv: string[]): void {
  sortGeneric(c, argv, false);
}

function sortRoCommand(c: Client, argv: string[]): void {
  sortGeneric(c, argv, true);
}

// --- key extraction ------------------------------------------------------------------------------

const STORE_KEY_FLAGS = ['OW', 'update'] as const;
const SORT_KEY_FLAGS = ['RO', 'access'] as const;

/**
 * Redis's sortGetKeys: the sorted key, plus the argument after the LAST
 * "STORE". Options are skipped by their argument counts (LIMIT 2, GET and
 * BY 1); anything unknown is taken as an option without arguments.
 */
function sortGetKeys(argv: readonly string[]): KeyRef[] {
  const keys: KeyRef[] = [{ pos: 1, flags: SORT_KEY_FLAGS }];
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (is(a, 'limit')) i += 2;
    else if (is(a, 'get') || is(a, 'by')) i += 1;
    else if (is(a, 'store') && i + 1 < argv.length) store = i + 1;
  }
  if (store >= 0) keys.push({ pos: store, flags: STORE_KEY_FLAGS });
  return keys;
}

/** Redis's sortROGetKeys: just the sorted key (BY/GET keys cannot be known). */
function sortRoGetKeys(_argv: readonly string[]): KeyRef[] {
  return [{ pos: 1, flags: SORT_KEY_FLAGS }];
}

// --- command table --------------------------------------------------------------------------------

const SORT_KEY_SPECS: readonly KeySpec[] = [
  { flags: ['RO', 'access'], begin_search: { type: 'index', index: 1 }, find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 } },
  {
    notes: 'For the optional BY/GET keyword. It is marked \'unknown\' because the key names derive from the content of the key we sort',
    flags: ['RO', 'access'], begin_search: { type: 'unknown' }, find_keys: { type: 'unknown' },
  },
];

const STORE_KEY_SPEC: KeySpec = {
  notes: 'For the optional STORE keyword. It is marked \'unknown\' because the keyword can appear anywhere in the argument array',
  flags: ['OW', 'update'], begin_search: { type: 'unknown' }, find_keys: { type: 'unknown' },
};

const SORT_ARGS: readonly ArgDoc[] = [
  { name: 'key', type: 'key', key_spec_index: 0 },
  { name: 'pattern', type: 'pattern', key_spec_index: 1, token: 'BY', flags: ['optional'] },
  {
    name: 'offset_count', type: 'block', token: 'LIMIT', flags: ['optional'],
    arguments: [{ name: 'offset', type: 'integer' }, { name: 'count', type: 'integer' }],
  },
  { name: 'pattern', type: 'pattern', key_spec_index: 1, token: 'GET', flags: ['optional', 'multiple', 'multiple_token'] },
  {
    name: 'order', type: 'oneof', flags: ['optional'],
    arguments: [{ name: 'asc', type: 'pure-token', token: 'ASC' }, { name: 'desc', type: 'pure-token', token: 'DESC' }],
  },
  { name: 'sorting', type: 'pure-token', token: 'ALPHA', flags: ['optional'] },
];

const SORT_COMPLEXITY = 'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the ' +
  'number of returned elements. When the elements are not sorted, complexity is O(N).';

export const SORT_COMMANDS: CommandSpec[] = [
  {
    name: 'sort', arity: -2, flags: ['write', 'denyoom', 'movablekeys'], acl: ['set', 'sortedset', 'list', 'dangerous'],
    keySpecs: [...SORT_KEY_SPECS, STORE_KEY_SPEC],
    summary: 'Sort a list, set or sorted set (by value or by external weights), optionally storing the result.',
    since: '1.0.0', group: 'generic', complexity: SORT_COMPLEXITY,
    arguments: [...SORT_ARGS, { name: 'destination', type: 'key', key_spec_index: 2, token: 'STORE', flags: ['optional'] }],
    handler: sortCommand,
    getKeys: sortGetKeys,
  },
  {
    name: 'sort_ro', arity: -2, flags: ['readonly', 'movablekeys'], acl: ['set', 'sortedset', 'list', 'dangerous'],
    keySpecs: SORT_KEY_SPECS,
    summary: 'Sort a list, set or sorted set without storing: the read-only form of SORT.',
    since: '7.0.0', group: 'generic', complexity: SORT_COMPLEXITY,
    arguments: SORT_ARGS,
    handler: sortRoCommand,
    getKeys: sortRoGetKeys,
  },
];
