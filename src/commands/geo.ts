/* ==========================================================================
 * GEO family (Redis's geo.c): GEOADD, GEOPOS, GEODIST, GEOHASH here; the
 * searches (GEOSEARCH, GEOSEARCHSTORE, GEORADIUS*, *_RO) live in
 * geo-search.ts.
 *
 * A geo index is an ordinary sorted set whose scores are 52-bit interleaved
 * geohashes (store/geohash.ts), so every zset command works on it and GEO
 * commands work on any zset. GEOADD is ZADD underneath: same options (NX,
 * XX, CH), same reply, same "zadd" event.
 * ========================================================================== */

import type { CommandSpec, ArgDoc } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { keyChanged, lookupRead, NC } from '../server/keyspace';
import { is } from './args';
import { zsetCreate, zsetInsert } from '../store/zset';
import { decodeScore, distance, encodeScore, geohashString } from '../store/geohash';
import { formatDistance } from '../store/geohash-format';
import { asZset, parseLonLat, parseUnit, replyCoord, UNIT_TOKENS } from './geo-args';
import { GEO_SEARCH_COMMANDS } from './geo-search';
import { ksAt } from './set-ops';

// --- GEOADD ------------------------------------------------------------------------------------

/**
 * GEOADD key [NX|XX] [CH] lon lat member [...]: options in any order and
 * repeatable; a trailing partial triple or NX with XX is a syntax error.
 * Every position is validated before anything is written; then it is ZADD
 * with the encoded scores: reply = new members (+ changed with CH), one
 * "zadd" event and one dirty count per added or changed member.
 * (Redis replicates it as "ZADD key [flags] <integer score> member ...";
 * whoever adds command propagation must rewrite it the same way.)
 */
function geoaddCommand(c: Client, argv: string[]): void {
  let nx = false, xx = false, ch = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const o = argv[i];
    if (is(o, 'nx')) nx = true;
    else if (is(o, 'xx')) xx = true;
    else if (is(o, 'ch')) ch = true;
    else break;
  }
  const rest = argv.length - i;
  if (rest % 3 !== 0 || (xx && nx) || rest === 0) {
    c.error(E.SYNTAX);
    return;
  }
  const n = rest / 3;
  const scores = new Array<number>(n);
  const xy = [0, 0];
  for (let k = 0; k < n; k++) {
    if (!parseLonLat(c, argv, i + k * 3, xy)) return;
    scores[k] = encodeScore(xy[0], xy[1]);
  }
  const key = argv[1];
  const db = c.db;
  let z = asZset(c, db.lookup(key));
  if (z === false) return;
  if (z === undefined) {
    if (xx) {
      c.w.int(0);
      return;
    }
    // Redis 7.0's ZADD picks the encoding from the first member alone
    z = zsetCreate(c.server, 1, argv[i + 2].length);
    db.add(key, z);
  }
  let added = 0, updated = 0;
  for (let k = 0; k < n; k++) {
    const m = argv[i + k * 3 + 2];
    const cur = z.score(m);
    if (cur !== undefined) {
      if (nx || cur === scores[k]) continue;
      zsetInsert(c.server, z, m, scores[k]);
      updated++;
    } else {
      if (xx) continue;
      zsetInsert(c.server, z, m, scores[k]);
      added++;
    }
  }
  if (added + updated > 0) {
    keyChanged(c, db, key, NC.ZSET, 'zadd');
    c.server.dirty += added + updated - 1;
  }
  c.w.int(ch ? added + updated : added);
}

// --- GEOPOS / GEOHASH / GEODIST -------------------------------------------------------------

/** GEOPOS key member...: [lon, lat] per member, a null array for missing ones. */
function geoposCommand(c: Client, argv: string[]): void {
  const z = asZset(c, lookupRead(c, argv[1]));
  if (z === false) return;
  c.w.arrayLen(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = z === undefined ? undefined : z.score(argv[j]);
    if (s === undefined) {
      c.w.nullArray();
      continue;
    }
    const [lon, lat] = decodeScore(s);
    c.w.arrayLen(2);
    replyCoord(c, lon);
    replyCoord(c, lat);
  }
}

/** GEOHASH key member...: the 11-character standard geohash per member, null for missing ones. */
function geohashCommand(c: Client, argv: string[]): void {
  const z = asZset(c, lookupRead(c, argv[1]));
  if (z === false) return;
  c.w.arrayLen(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = z === undefined ? undefined : z.score(argv[j]);
    if (s === undefined) c.w.null();
    else c.w.bulk(geohashString(s));
  }
}

/**
 * GEODIST key m1 m2 [unit]: the distance as "%.4f" text in the unit, null
 * if the key or either member is missing. The unit is checked before the key.
 */
function geodistCommand(c: Client, argv: string[]): void {
  let toMeter = 1;
  if (argv.length === 5) {
    toMeter = parseUnit(c, argv[4]);
    if (toMeter < 0) return;
  } else if (argv.length > 5) {
    c.error(E.SYNTAX);
    return;
  }
  const z = asZset(c, lookupRead(c, argv[1]));
  if (z === false) return;
  const s1 = z === undefined ? undefined : z.score(argv[2]);
  const s2 = z === undefined ? undefined : z.score(argv[3]);
  if (s1 === undefined || s2 === undefined) {
    c.w.null();
    return;
  }
  const [lon1, lat1] = decodeScore(s1);
  const [lon2, lat2] = decodeScore(s2);
  c.w.bulk(formatDistance(distance(lon1, lat1, lon2, lat2) / toMeter));
}

// --- command table -------------------------------------------------------------------------------

const KEY0: ArgDoc = { name: 'key', type: 'key', key_spec_index: 0 };
const MEMBERS: ArgDoc = { name: 'member', type: 'string', flags: ['multiple'] };

const LOCAL_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'geoadd', arity: -5, flags: ['write', 'denyoom'], acl: ['geo'], keySpecs: [ksAt(1, ['RW', 'update'])],
    summary: 'Store positions (longitude, latitude) of named members in a sorted set used as a geo index.',
    since: '3.2.0', group: 'geo',
    complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
    history: [['6.2.0', 'Added the `CH`, `NX` and `XX` options.']],
    arguments: [
      KEY0,
      { name: 'condition', type: 'oneof', since: '6.2.0', flags: ['optional'], arguments: [
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
      ] },
      { name: 'change', type: 'pure-token', token: 'CH', since: '6.2.0', flags: ['optional'] },
      { name: 'longitude_latitude_member', type: 'block', flags: ['multiple'], arguments: [
        { name: 'longitude', type: 'double' },
        { name: 'latitude', type: 'double' },
        { name: 'member', type: 'string' },
      ] },
    ],
    handler: geoaddCommand,
  },
  {
    name: 'geopos', arity: -2, flags: ['readonly'], acl: ['geo'], keySpecs: [ksAt(1, ['RO', 'access'])],
    summary: 'Give back the longitude and latitude stored for each named member of a geo index.',
    since: '3.2.0', group: 'geo', complexity: 'O(N) where N is the number of members requested.',
    arguments: [KEY0, MEMBERS],
    handler: geoposCommand,
  },
  {
    name: 'geodist', arity: -4, flags: ['readonly'], acl: ['geo'], keySpecs: [ksAt(1, ['RO', 'access'])],
    summary: 'Measure the great-circle distance between two members of a geo index.',
    since: '3.2.0', group: 'geo', complexity: 'O(log(N))',
    arguments: [
      KEY0,
      { name: 'member1', type: 'string' },
      { name: 'member2', type: 'string' },
      { name: 'unit', type: 'oneof', flags: ['optional'], arguments: UNIT_TOKENS },
    ],
    handler: geodistCommand,
  },
  {
    name: 'geohash', arity: -2, flags: ['readonly'], acl: ['geo'], keySpecs: [ksAt(1, ['RO', 'access'])],
    summary: 'Give back the standard 11-character geohash text of each named member of a geo index.',
    since: '3.2.0', group: 'geo',
    complexity: 'O(log(N)) for each member requested, where N is the number of elements in the sorted set.',
    arguments: [KEY0, MEMBERS],
    handler: geohashCommand,
  },
];

export const GEO_COMMANDS: readonly CommandSpec[] = [...LOCAL_COMMANDS, ...GEO_SEARCH_COMMANDS];
