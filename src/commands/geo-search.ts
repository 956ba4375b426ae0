/* ==========================================================================
 * GEO searches (Redis's georadiusGeneric): GEOSEARCH, GEOSEARCHSTORE,
 * GEORADIUS, GEORADIUSBYMEMBER and their read-only _RO variants share one
 * worker that parses the options, scans the 9 geohash cells around the
 * centre (store/geohash.ts searchCells), keeps the points inside the circle
 * or box, orders them (store/geohash-sort.ts) and either replies them or
 * stores them as a new sorted set.
 *
 * The argument checks run in Redis's order, errors included: type of the
 * source key, the fixed centre/radius arguments, each option left to right
 * (a FROMMEMBER lookup or a COUNT parse fails on the spot), then STORE vs
 * WITH*, FROM*, BY*, ANY without COUNT, and only then a missing source key.
 * ========================================================================== */

import type { CommandSpec, ArgDoc } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseDouble, parseInt64 } from '../protocol/numbers';
import { keyChanged, lookupRead, notify, NC } from '../server/keyspace';
import { is } from './args';
import { ZSet, zsetConvertToListpackIfNeeded, zsetCreate, zsetInsert } from '../store/zset';
import { GeoShape, cellScoreRange, decodeScore, distanceIfInShape, searchCells } from '../store/geohash';
import { formatDistance } from '../store/geohash-format';
import { GeoPoint, sortAll, sortFirst } from '../store/geohash-sort';
import { asZset, parseLonLat, parseUnit, replyCoord, UNIT_TOKENS } from './geo-args';
import { ksAt } from './set-ops';

const RADIUS_COORDS = 1; // GEORADIUS[_RO]: centre from lon lat arguments
const RADIUS_MEMBER = 2; // GEORADIUSBYMEMBER[_RO]: centre from a member
const RADIUS_NOSTORE = 4; // _RO variants: no STORE / STOREDIST
const GEOSEARCH = 8; // GEOSEARCH syntax
const GEOSEARCHSTORE = 16; // GEOSEARCHSTORE: destination is argv[1]

const SORT_NONE = 0, SORT_ASC = 1, SORT_DESC = 2;

// --- argument helpers ---------------------------------------------------------------------------

/** "<radius> <unit>" at argv[i] into shape (extractDistanceOrReply); false after replying. */
function parseRadius(c: Client, argv: string[], i: number, s: GeoShape): boolean {
  const r = parseDouble(argv[i]);
  if (r === null) {
    c.error('ERR need numeric radius');
    return false;
  }
  if (r < 0) {
    c.error('ERR radius cannot be negative');
    return false;
  }
  s.radius = r;
  const conv = parseUnit(c, argv[i + 1]);
  if (conv < 0) return false;
  s.conversion = conv;
  return true;
}

/** "<width> <height> <unit>" at argv[i] into shape (extractBoxOrReply); false after replying. */
function parseBox(c: Client, argv: string[], i: number, s: GeoShape): boolean {
  const w = parseDouble(argv[i]);
  if (w === null) {
    c.error('ERR need numeric width');
    return false;
  }
  const h = parseDouble(argv[i + 1]);
  if (h === null) {
    c.error('ERR need numeric height');
    return false;
  }
  if (h < 0 || w < 0) {
    c.error('ERR height or width cannot be negative');
    return false;
  }
  s.height = h;
  s.width = w;
  const conv = parseUnit(c, argv[i + 2]);
  if (conv < 0) return false;
  s.conversion = conv;
  return true;
}

/** Centre of a member's position into shape; false after replying if the member is missing. */
function centreFromMember(c: Client, z: ZSet, member: string, s: GeoShape): boolean {
  const score = z.score(member);
  if (score === undefined) {
    c.error('ERR could not decode requested zset member');
    return false;
  }
  [s.lon, s.lat] = decodeScore(score);
  return true;
}

// --- the search ------------------------------------------------------------------------------------

// Scan state for collectVisit (module level: no closure per command).
let scanShape: GeoShape = new GeoShape();
let scanOut: GeoPoint[] = [];
let scanMax = 0;
let scanLimit = 0;

/** zset range visitor: keep the point if inside the shape; false stops the scan. */
function collectVisit(member: string, score: number): boolean {
  if (score >= scanMax) return false; // the cell's range excludes its max
  const [lon, lat] = decodeScore(score);
  const d = distanceIfInShape(scanShape, lon, lat);
  if (!(d < 0)) scanOut.push(new GeoPoint(member, lon, lat, d, score));
  return !(scanOut.length !== 0 && scanLimit !== 0 && scanOut.length >= scanLimit);
}

/**
 * Collect the points of `z` inside the shape from the 9 cells, in Redis's
 * order (cell by cell, ascending score within a cell). A cell equal to the
 * previously scanned one is skipped (huge radii make neighbours coincide;
 * like Redis, the centre cell does not count as "previous").
 * With `limit` (COUNT ... ANY) the scan stops once that many were found.
 */
function collect(z: ZSet, s: GeoShape, limit: number): GeoPoint[] {
  const { step, cells } = searchCells(s);
  const out: GeoPoint[] = [];
  scanShape = s;
  scanOut = out;
  scanLimit = limit;
  let last = 0;
  for (let i = 0; i < 9; i++) {
    const cell = cells[i];
    if (cell < 0) continue;
    if (last !== 0 && cell === cells[last]) continue;
    if (out.length !== 0 && limit !== 0 && out.length >= limit) break;
    const [min, max] = cellScoreRange(cell, step);
    scanMax = max;
    z.scanScoreRange(min, max, collectVisit);
    last = i;
  }
  scanOut = [];
  return out;
}

/**
 * The shared worker (georadiusGeneric). `srcIdx` is the source key's argv
 * index; `flags` selects the syntax (RADIUS_* / GEOSEARCH*).
 */
function geoSearchGeneric(c: Client, argv: string[], srcIdx: number, flags: number): void {
  const db = c.db;
  const z = asZset(c, lookupRead(c, argv[srcIdx]));
  if (z === false) return;
  let storeKey: string | null = null;
  let storeDist = false;
  const s = new GeoShape();
  const xy = [0, 0];
  let base: number;
  if (flags & RADIUS_COORDS) {
    base = 6;
    if (!parseLonLat(c, argv, 2, xy)) return;
    s.lon = xy[0];
    s.lat = xy[1];
    if (!parseRadius(c, argv, base - 2, s)) return;
  } else if (flags & RADIUS_MEMBER) {
    base = 5;
    // without a source key the radius is not even parsed: only the options matter for the reply type
    if (z !== undefined) {
      if (!centreFromMember(c, z, argv[2], s)) return;
      if (!parseRadius(c, argv, base - 2, s)) return;
    }
  } else {
    base = 2;
    if (flags & GEOSEARCHSTORE) {
      base = 3;
      storeKey = argv[1];
    }
  }

  let withDist = false, withHash = false, withCoord = false;
  let fromMember = false, fromLoc = false, byRadius = false, byBox = false;
  let sort = SORT_NONE;
  let any = false;
  let count = 0;
  const search = (flags & GEOSEARCH) !== 0;
  const storeOk = (flags & RADIUS_NOSTORE) === 0 && !search;
  const remaining = argv.length - base;
  for (let i = 0; i < remaining; i++) {
    const arg = argv[base + i];
    if (is(arg, 'withdist')) withDist = true;
    else if (is(arg, 'withhash')) withHash = true;
    else if (is(arg, 'withcoord')) withCoord = true;
    else if (is(arg, 'any')) any = true;
    else if (is(arg, 'asc')) sort = SORT_ASC;
    else if (is(arg, 'desc')) sort = SORT_DESC;
    else if (is(arg, 'count') && i + 1 < remaining) {
      const n = parseInt64(argv[base + i + 1]);
      if (n === null) {
        c.error(E.NOT_INT);
        return;
      }
      if (n <= 0) {
        c.error('ERR COUNT must be > 0');
        return;
      }
      count = n;
      i++;
    } else if (is(arg, 'store') && i + 1 < remaining && storeOk) {
      storeKey = argv[base + i + 1];
      storeDist = false;
      i++;
    } else if (is(arg, 'storedist') && i + 1 < remaining && storeOk) {
      storeKey = argv[base + i + 1];
      storeDist = true;
      i++;
    } else if (is(arg, 'storedist') && search && (flags & GEOSEARCHSTORE)) {
      storeDist = true;
    } else if (is(arg, 'frommember') && i + 1 < remaining && search && !fromLoc) {
      if (z !== undefined && !centreFromMember(c, z, argv[base + i + 1], s)) return;
      fromMember = true;
      i++;
    } else if (is(arg, 'fromlonlat') && i + 2 < remaining && search && !fromMember) {
      if (!parseLonLat(c, argv, base + i + 1, xy)) return;
      s.lon = xy[0];
      s.lat = xy[1];
      fromLoc = true;
      i += 2;
    } else if (is(arg, 'byradius') && i + 2 < remaining && search && !byBox) {
      if (!parseRadius(c, argv, base + i + 1, s)) return;
      s.isBox = false;
      byRadius = true;
      i += 2;
    } else if (is(arg, 'bybox') && i + 3 < remaining && search && !byRadius) {
      if (!parseBox(c, argv, base + i + 1, s)) return;
      s.isBox = true;
      byBox = true;
      i += 3;
    } else {
      c.error(E.SYNTAX);
      return;
    }
  }

  if (storeKey !== null && (withDist || withHash || withCoord)) {
    const what = flags & GEOSEARCHSTORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS';
    c.error(`ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
    return;
  }
  if (search && !(fromMember || fromLoc)) {
    c.error(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${argv[0]}`);
    return;
  }
  if (search && !(byRadius || byBox)) {
    c.error(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${argv[0]}`);
    return;
  }
  if (any && count === 0) {
    c.error('ERR the ANY argument requires COUNT argument');
    return;
  }

  if (z === undefined) {
    if (storeKey !== null) {
      if (db.delete(storeKey)) {
        keyChanged(c, db, storeKey, 0, '');
        notify(c, db, storeKey, NC.GENERIC, 'del');
      }
      c.w.int(0);
    } else {
      c.w.arrayLen(0);
    }
    return;
  }

  if (count !== 0 && sort === SORT_NONE && !any) sort = SORT_ASC;
  const pts = collect(z, s, any ? count : 0);
  if (pts.length === 0 && storeKey === null) {
    c.w.arrayLen(0);
    return;
  }
  const total = pts.length;
  const returned = count === 0 || total < count ? total : count;
  if (sort !== SORT_NONE) {
    if (returned === total) sortAll(pts, sort === SORT_DESC);
    else sortFirst(pts, returned, sort === SORT_DESC);
  }

  if (storeKey === null) {
    const opts = (withDist ? 1 : 0) + (withCoord ? 1 : 0) + (withHash ? 1 : 0);
    c.w.arrayLen(returned);
    for (let i = 0; i < returned; i++) {
      const p = pts[i];
      if (opts !== 0) c.w.arrayLen(opts + 1);
      c.w.bulk(p.member);
      if (withDist) c.w.bulk(formatDistance(p.dist / s.conversion));
      if (withHash) c.w.int(p.score);
      if (withCoord) {
        c.w.arrayLen(2);
        replyCoord(c, p.lon);
        replyCoord(c, p.lat);
      }
    }
    return;
  }
  storeResults(c, storeKey, pts, returned, storeDist, s.conversion, search);
}

/**
 * Write the first `n` points as a new sorted set at `key` (scores: the
 * geohash, or the distance in the query's unit with STOREDIST), replacing
 * any value and TTL; "geosearchstore"/"georadiusstore" event and one dirty
 * count per member. No points: the destination is deleted ("del"). Replies
 * the number stored.
 */
function storeResults(
  c: Client, key: string, pts: GeoPoint[], n: number, storeDist: boolean, conversion: number, search: boolean,
): void {
  const db = c.db;
  if (n === 0) {
    if (db.delete(key)) {
      keyChanged(c, db, key, 0, '');
      notify(c, db, key, NC.GENERIC, 'del');
    }
    c.w.int(0);
    return;
  }
  let maxLen = 0, totLen = 0;
  for (let i = 0; i < n; i++) {
    const l = pts[i].member.length;
    if (l > maxLen) maxLen = l;
    totLen += l;
  }
  const z = zsetCreate(c.server, Infinity, Infinity); // Redis builds a skiplist, then converts
  for (let i = 0; i < n; i++) {
    const p = pts[i];
    zsetInsert(c.server, z, p.member, storeDist ? p.dist / conversion : p.score);
  }
  zsetConvertToListpackIfNeeded(c.server, z, maxLen, totLen);
  db.set(key, z, false);
  keyChanged(c, db, key, NC.ZSET, search ? 'geosearchstore' : 'georadiusstore');
  c.server.dirty += n - 1;
  c.w.int(n);
}

// --- handlers ----------------------------------------------------------------------------------------

function georadiusCommand(c: Client, argv: string[]): void {
  geoSearchGeneric(c, argv, 1, RADIUS_COORDS);
}
function georadiusbymemberCommand(c: Client, argv: string[]): void {
  geoSearchGeneric(c, argv, 1, RADIUS_MEMBER);
}
function georadiusroCommand(c: Client, argv: string[]): void {
  geoSearchGeneric(c, argv, 1, RADIUS_COORDS | RADIUS_NOSTORE);
}
function georadiusbymemberroCommand(c: Client, argv: string[]): void {
  geoSearchGeneric(c, argv, 1, RADIUS_MEMBER | RADIUS_NOSTORE);
}
function geosearchCommand(c: Client, argv: string[]): void {
  geoSearchGeneric(c, argv, 1, GEOSEARCH);
}
function geosearchstoreCommand(c: Client, argv: string[]): void {
  geoSearchGeneric(c, argv, 2, GEOSEARCH | GEOSEARCHSTORE);
}

// --- command table ---------------------------------------------------------------------------------

const UNIT: ArgDoc = { name: 'unit', type: 'oneof', arguments: UNIT_TOKENS };
const WITHCOORD: ArgDoc = { name: 'withcoord', type: 'pure-token', token: 'WITHCOORD', flags: ['optional'] };
const WITHDIST: ArgDoc = { name: 'withdist', type: 'pure-token', token: 'WITHDIST', flags: ['optional'] };
const WITHHASH: ArgDoc = { name: 'withhash', type: 'pure-token', token: 'WITHHASH', flags: ['optional'] };
const ORDER: ArgDoc = { name: 'order', type: 'oneof', flags: ['optional'], arguments: [
  { name: 'asc', type: 'pure-token', token: 'ASC' },
  { name: 'desc', type: 'pure-token', token: 'DESC' },
] };
function countArg(anySince?: string): ArgDoc {
  const any: ArgDoc = anySince !== undefined
    ? { name: 'any', type: 'pure-token', token: 'ANY', since: anySince, flags: ['optional'] }
    : { name: 'any', type: 'pure-token', token: 'ANY', flags: ['optional'] };
  return { name: 'count', type: 'block', flags: ['optional'], arguments: [
    { name: 'count', type: 'integer', token: 'COUNT' }, any,
  ] };
}
const FROM: ArgDoc = { name: 'from', type: 'oneof', arguments: [
  { name: 'member', type: 'string', token: 'FROMMEMBER' },
  { name: 'longitude_latitude', type: 'block', token: 'FROMLONLAT', arguments: [
    { name: 'longitude', type: 'double' },
    { name: 'latitude', type: 'double' },
  ] },
] };
const BY: ArgDoc = { name: 'by', type: 'oneof', arguments: [
  { name: 'circle', type: 'block', arguments: [{ name: 'radius', type: 'double', token: 'BYRADIUS' }, UNIT] },
  { name: 'box', type: 'block', arguments: [
    { name: 'width', type: 'double', token: 'BYBOX' },
    { name: 'height', type: 'double' },
    UNIT,
  ] },
] };
const KEY0: ArgDoc = { name: 'key', type: 'key', key_spec_index: 0 };
const RADIUS_CENTRE: readonly ArgDoc[] = [
  { name: 'longitude', type: 'double' },
  { name: 'latitude', type: 'double' },
  { name: 'radius', type: 'double' },
  UNIT,
];
const MEMBER_CENTRE: readonly ArgDoc[] = [{ name: 'member', type: 'string' }, { name: 'radius', type: 'double' }, UNIT];
const STORE_ARGS: readonly ArgDoc[] = [
  { name: 'key', type: 'key', key_spec_index: 1, token: 'STORE', flags: ['optional'] },
  { name: 'key', type: 'key', key_spec_index: 2, token: 'STOREDIST', flags: ['optional'] },
];
const SEARCH_COMPLEXITY = 'O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area '
  + 'around the shape provided as the filter and M is the number of items inside the shape';
const RADIUS_COMPLEXITY = 'O(N+log(M)) where N is the number of elements inside the bounding box of the circular '
  + 'area delimited by center and radius and M is the number of items inside the index.';
const UPPER_UNITS: readonly [string, string] = ['7.0.0', 'Added support for uppercase unit names.'];
const ANY_ADDED: readonly [string, string] = ['6.2.0', 'Added the `ANY` option for `COUNT`.'];

/** Key specs of GEORADIUS[BYMEMBER]: the source, then STORE / STOREDIST keys found by keyword. */
function radiusKeySpecs(startfrom: number): CommandSpec['keySpecs'] {
  const kw = (keyword: string) => ({
    flags: ['OW', 'update'] as const,
    begin_search: { type: 'keyword' as const, keyword, startfrom },
    find_keys: { type: 'range' as const, lastkey: 0, step: 1, limit: 0 },
  });
  return [ksAt(1, ['RO', 'access']), kw('STORE'), kw('STOREDIST')];
}

export const GEO_SEARCH_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'geosearch', arity: -7, flags: ['readonly'], acl: ['geo'], keySpecs: [ksAt(1, ['RO', 'access'])],
    summary: 'List the members of a geo index that lie inside a circle or a box around a member or a position.',
    since: '6.2.0', group: 'geo', complexity: SEARCH_COMPLEXITY, history: [UPPER_UNITS],
    arguments: [KEY0, FROM, BY, ORDER, countArg(), WITHCOORD, WITHDIST, WITHHASH],
    handler: geosearchCommand,
  },
  {
    name: 'geosearchstore', arity: -8, flags: ['write', 'denyoom'], acl: ['geo'],
    keySpecs: [ksAt(1, ['OW', 'update']), ksAt(2, ['RO', 'access'])],
    summary: 'Like GEOSEARCH, but save the matching members (with hashes or distances as scores) in a sorted set.',
    since: '6.2.0', group: 'geo', complexity: SEARCH_COMPLEXITY, history: [UPPER_UNITS],
    arguments: [
      { name: 'destination', type: 'key', key_spec_index: 0 },
      { name: 'source', type: 'key', key_spec_index: 1 },
      FROM, BY, ORDER, countArg(),
      { name: 'storedist', type: 'pure-token', token: 'STOREDIST', flags: ['optional'] },
    ],
    handler: geosearchstoreCommand,
  },
  {
    name: 'georadius', arity: -6, flags: ['write', 'denyoom'], acl: ['geo'], keySpecs: radiusKeySpecs(6),
    summary: 'List (or store) the members of a geo index within a radius of a longitude/latitude position.',
    since: '3.2.0', group: 'geo', complexity: RADIUS_COMPLEXITY, docFlags: ['deprecated'],
    deprecatedSince: '6.2.0', replacedBy: '`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument',
    history: [ANY_ADDED, UPPER_UNITS],
    arguments: [KEY0, ...RADIUS_CENTRE, WITHCOORD, WITHDIST, WITHHASH, countArg('6.2.0'), ORDER, ...STORE_ARGS],
    handler: georadiusCommand,
  },
  {
    name: 'georadiusbymember', arity: -5, flags: ['write', 'denyoom'], acl: ['geo'], keySpecs: radiusKeySpecs(5),
    summary: 'List (or store) the members of a geo index within a radius of the position of one of its members.',
    since: '3.2.0', group: 'geo', complexity: RADIUS_COMPLEXITY, docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments',
    history: [UPPER_UNITS],
    arguments: [KEY0, ...MEMBER_CENTRE, WITHCOORD, WITHDIST, WITHHASH, countArg(), ORDER, ...STORE_ARGS],
    handler: georadiusbymemberCommand,
  },
  {
    name: 'georadius_ro', arity: -6, flags: ['readonly'], acl: ['geo'], keySpecs: [ksAt(1, ['RO', 'access'])],
    summary: 'Read-only GEORADIUS: list the members within a radius of a position, without the STORE options.',
    since: '3.2.10', group: 'geo', complexity: RADIUS_COMPLEXITY, docFlags: ['deprecated'],
    deprecatedSince: '6.2.0', replacedBy: '`GEOSEARCH` with the `BYRADIUS` argument',
    history: [ANY_ADDED],
    arguments: [KEY0, ...RADIUS_CENTRE, WITHCOORD, WITHDIST, WITHHASH, countArg('6.2.0'), ORDER],
    handler: georadiusroCommand,
  },
  {
    name: 'georadiusbymember_ro', arity: -5, flags: ['readonly'], acl: ['geo'], keySpecs: [ksAt(1, ['RO', 'access'])],
    summary: 'Read-only GEORADIUSBYMEMBER: list the members within a radius of a member, without STORE options.',
    since: '3.2.10', group: 'geo', complexity: RADIUS_COMPLEXITY, docFlags: ['deprecated'],
    deprecatedSince: '6.2.0', replacedBy: '`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments',
    arguments: [KEY0, ...MEMBER_CENTRE, WITHCOORD, WITHDIST, WITHHASH, countArg(), ORDER],
    handler: georadiusbymemberroCommand,
  },
];
