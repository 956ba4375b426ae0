/* Differential tests of the GEO family: the same commands against real Redis 7.0 and Respite, replies
 * compared byte for byte. Fixed sequences cover every error path and option; a seeded random run adds
 * points worldwide (poles, latitude limits, antimeridian, duplicates at the same position) and fires
 * radius and box searches with every option combination.
 *
 * Known limit: glibc's sin/cos/asin are not correctly rounded for ~0.1-0.25% of arguments, Respite's
 * are (store/geohash-math.ts), so about 0.3% of raw distances differ in the last bit. That shows only
 * in STOREDIST scores read back at full precision (not done here) and, with odds of about 1e-7 per
 * value, in a 4-decimal distance text. */

import { test, before, after } from 'node:test';
import { Pair, rng } from '../helpers/servers';
import { buildCommandTable } from '../../src/commands/table';

const TABLE = buildCommandTable();
const HAS_ZADD = TABLE.commands.has('zadd');
const HAS_ZSCORE = TABLE.commands.has('zscore');

let pair: Pair;

before(async () => {
  pair = await Pair.start();
});

after(async () => {
  await pair.close();
});

const SICILY = ['GEOADD', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'];

test('GEOADD / GEOPOS / GEODIST / GEOHASH: replies and errors', async () => {
  await pair.same('FLUSHALL');
  await pair.sameAll([
    SICILY, SICILY,
    ['GEODIST', 'Sicily', 'Palermo', 'Catania'], ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'km'],
    ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'MI'], ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'ft'],
    ['GEODIST', 'Sicily', 'Palermo', 'nope'], ['GEODIST', 'nokey', 'a', 'b'], ['GEODIST', 'nokey', 'a', 'b', 'yd'],
    ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'km', 'x'], ['GEODIST', 'Sicily', 'Palermo', 'Palermo'],
    ['GEOPOS', 'Sicily', 'Palermo', 'Catania', 'NonExisting'], ['GEOPOS', 'nokey', 'a', 'b'], ['GEOPOS', 'Sicily'],
    ['GEOHASH', 'Sicily', 'Palermo', 'Catania', 'x'], ['GEOHASH', 'nokey', 'a'], ['GEOHASH', 'Sicily'],
    ['GEOADD', 'k', '200', '0', 'm'], ['GEOADD', 'k', '0', '-85.06', 'm'], ['GEOADD', 'k', 'inf', '0', 'm'],
    ['GEOADD', 'k', '-inf', '1e400', 'm'], ['GEOADD', 'k', '1', 'x', 'm'], ['GEOADD', 'k', 'nan', '1', 'm'],
    ['GEOADD', 'k', '-180.0000001', '0', 'm'], ['GEOADD', 'k', '1', '2', 'a', '3', '100', 'b'],
    ['GEOADD', 'k', 'nx', 'xx', '1', '2', 'm'], ['GEOADD', 'k', 'ch', 'ch', 'ch'], ['GEOADD', 'k', 'nx', 'ch', 'xx'],
    ['GEOADD', 'k', '1', '2', 'm', '3'], ['GEOADD', 'k', 'gt', '1', '2', 'm'], ['EXISTS', 'k'],
    ['GEOADD', 'k', 'xx', '1', '2', 'm'], ['EXISTS', 'k'],
    ['GEOADD', 'k', '-180', '-85.05112878', 'sw', '180', '85.05112878', 'ne', '0', '0', 'zero'],
    ['GEOPOS', 'k', 'sw', 'ne', 'zero'], ['GEOHASH', 'k', 'sw', 'ne', 'zero'], ['GEODIST', 'k', 'sw', 'ne'],
    ['GEOADD', 'k', 'NX', 'CH', '1', '1', 'zero', '2', '2', 'new'], ['GEOADD', 'k', 'XX', 'CH', '1', '1', 'zero', '3', '3', 'new2'],
    ['GEOADD', 'k', 'CH', '1', '1', 'zero', '1', '1', 'zero'], ['GEOADD', 'k', 'ch', 'xx', 'nx', '1', '1', 'a'],
    ['GEOPOS', 'k', 'zero', 'new', 'new2'], ['OBJECT', 'ENCODING', 'k'], ['TYPE', 'k'],
    ['SET', 'str', 'x'], ['GEOADD', 'str', '1', '2', 'm'], ['GEOADD', 'str', '1', '200', 'm'],
    ['GEOPOS', 'str', 'm'], ['GEOHASH', 'str', 'm'], ['GEODIST', 'str', 'a', 'b'], ['GEODIST', 'str', 'a', 'b', 'yd'],
    ['GEOADD', 'str', 'nx', 'xx', '1', '2', 'm'],
  ]);
});

test('GEOADD picks the encoding like ZADD (first member decides, listpack limits)', async () => {
  await pair.same('FLUSHALL');
  await pair.same('CONFIG', 'SET', 'zset-max-listpack-entries', '2');
  await pair.same('CONFIG', 'SET', 'zset-max-listpack-value', '5');
  await pair.sameAll([
    ['GEOADD', 'a', '1', '1', 'x', '1', '1', 'x', '2', '2', 'x'], ['OBJECT', 'ENCODING', 'a'],
    ['GEOADD', 'b', '1', '1', 'x', '1', '1', 'y', '2', '2', 'z'], ['OBJECT', 'ENCODING', 'b'],
    ['GEOADD', 'c', '1', '1', 'longname', '1', '1', 'y'], ['OBJECT', 'ENCODING', 'c'],
    ['GEOADD', 'd', '1', '1', 'x', '1', '1', 'longname'], ['OBJECT', 'ENCODING', 'd'],
    ['GEOADD', 'e', '1', '1', 'x', '1', '2', 'y'], ['GEOSEARCHSTORE', 'e2', 'e', 'FROMLONLAT', '1', '1', 'BYRADIUS', '500', 'km'],
    ['OBJECT', 'ENCODING', 'e2'], ['GEOSEARCHSTORE', 'b2', 'b', 'FROMLONLAT', '1', '1', 'BYRADIUS', '500', 'km'],
    ['OBJECT', 'ENCODING', 'b2'],
  ]);
  await pair.same('CONFIG', 'SET', 'zset-max-listpack-entries', '128');
  await pair.same('CONFIG', 'SET', 'zset-max-listpack-value', '64');
});

test('searches: option parsing, errors and their order', async () => {
  await pair.same('FLUSHALL');
  await pair.same(...SICILY);
  await pair.same('GEOADD', 'Sicily', '12.758489', '38.788135', 'edge1', '17.241510', '38.788135', 'edge2');
  const S = ['GEOSEARCH', 'Sicily'];
  await pair.sameAll([
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHDIST'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHCOORD', 'WITHDIST', 'WITHHASH'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'withhash', 'withcoord', 'ASC', 'COUNT', '1'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'DESC', 'COUNT', '3', 'ANY'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '1', 'ANY'],
    ['GEORADIUS', 'Sicily', '200', '37', '200', 'km'], ['GEORADIUS', 'Sicily', '15', 'x', '200', 'km'],
    ['GEORADIUS', 'Sicily', '15', '37', 'x', 'km'], ['GEORADIUS', 'Sicily', '15', '37', '-1', 'km'],
    ['GEORADIUS', 'Sicily', '15', '37', '1', 'yd'], ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', 'x'], ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '0'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '-3'], ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'ANY'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE'], ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'bogus'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'd', 'WITHDIST'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'd'], ['GEOPOS', 'd', 'Palermo', 'Catania'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STOREDIST', 'd', 'STORE', 'd2'], ['TYPE', 'd2'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'd', 'STOREDIST', 'd3'], ['GEOHASH', 'd3', 'Catania'],
    ['GEORADIUS', 'Sicily', '0', '0', '1', 'km', 'STORE', 'd3'], ['EXISTS', 'd3'],
    ['GEORADIUS', 'Sicily', '0', '0', '1', 'km'], ['GEORADIUS', 'nokey', '0', '0', '1', 'km'],
    ['GEORADIUS', 'nokey', '0', '0', '1', 'km', 'STORE', 'd'], ['EXISTS', 'd'],
    ['GEORADIUS', 'nokey', '200', '0', '1', 'km'], ['GEORADIUS', 'nokey', '0', '0', '1', 'km', 'ANY'],
    ['GEORADIUS_RO', 'Sicily', '15', '37', '200', 'km', 'STORE', 'd'],
    ['GEORADIUS_RO', 'Sicily', '15', '37', '200', 'km', 'STOREDIST', 'd'],
    ['GEORADIUS_RO', 'Sicily', '15', '37', '200', 'km', 'WITHDIST', 'DESC'],
    ['GEORADIUSBYMEMBER', 'Sicily', 'Palermo', '300', 'km', 'WITHDIST', 'ASC'],
    ['GEORADIUSBYMEMBER', 'Sicily', 'nope', '300', 'km'], ['GEORADIUSBYMEMBER', 'Sicily', 'nope', 'x', 'yd'],
    ['GEORADIUSBYMEMBER', 'Sicily', 'Palermo', 'x', 'km'], ['GEORADIUSBYMEMBER', 'Sicily', 'Palermo', '1', 'yd'],
    ['GEORADIUSBYMEMBER', 'nokey', 'x', 'abc', 'yy'], ['GEORADIUSBYMEMBER', 'nokey', 'x', 'abc', 'yy', 'STORE', 'd'],
    ['GEORADIUSBYMEMBER', 'nokey', 'x', 'abc', 'yy', 'WITHDIST', 'STORE', 'd'],
    ['GEORADIUSBYMEMBER', 'nokey', 'x', 'abc', 'yy', 'bogus'],
    ['GEORADIUSBYMEMBER', 'Sicily', 'Palermo', '300', 'km', 'STOREDIST', 'dd'], ['GEOPOS', 'dd', 'Catania'],
    ['GEORADIUSBYMEMBER_RO', 'Sicily', 'Palermo', '300', 'km', 'STORE', 'd'],
    ['GEORADIUSBYMEMBER_RO', 'Sicily', 'Catania', '300', 'km', 'COUNT', '2', 'WITHCOORD'],
    [...S, 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'ASC', 'WITHCOORD', 'WITHDIST'],
    [...S, 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'ASC'],
    [...S, 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1000', 'km', 'DESC', 'COUNT', '1'],
    [...S, 'FROMMEMBER', 'nope', 'BYRADIUS', '1000', 'km'], [...S, 'BYRADIUS', '1000', 'km'],
    ['geosearch', 'Sicily', 'FROMMEMBER', 'Palermo', 'ASC'], ['GeoSearch', 'Sicily', 'BYRADIUS', '1', 'm', 'ASC'],
    [...S, 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1000', 'km', 'ANY'],
    [...S, 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1000', 'km', 'COUNT', '0'],
    [...S, 'FROMMEMBER', 'Palermo', 'BYRADIUS', '-1', 'km'], [...S, 'FROMMEMBER', 'Palermo', 'BYRADIUS', 'x', 'km'],
    [...S, 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'yd'], [...S, 'FROMMEMBER', 'Palermo', 'BYBOX', '1', '-1', 'km'],
    [...S, 'FROMMEMBER', 'Palermo', 'BYBOX', 'x', 'y', 'km'], [...S, 'FROMMEMBER', 'Palermo', 'BYBOX', '1', 'y', 'km'],
    [...S, 'FROMMEMBER', 'Palermo', 'BYBOX', '1', '1', 'yd'], [...S, 'FROMMEMBER', 'Palermo', 'BYBOX', '1', '1'],
    [...S, 'FROMMEMBER', 'Palermo', 'FROMLONLAT', '1', '1', 'BYRADIUS', '1', 'km'],
    [...S, 'FROMLONLAT', '1', '1', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km'],
    [...S, 'FROMLONLAT', '1', '1', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1000', 'km'],
    [...S, 'FROMLONLAT', '1', '1', 'BYRADIUS', '1', 'km', 'BYBOX', '1', '1', 'km'],
    [...S, 'FROMLONLAT', '1', '1', 'BYBOX', '1', '1', 'km', 'BYRADIUS', '1', 'km'],
    [...S, 'FROMLONLAT', '1', '100', 'BYRADIUS', '1', 'km'], [...S, 'FROMLONLAT', '1', 'x', 'BYRADIUS', '1', 'km'],
    [...S, 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1000', 'km', 'STORE', 'x'],
    [...S, 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1000', 'km', 'STOREDIST'],
    [...S, 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1000', 'km', 'WITHHASH', 'COUNT', '2', 'ANY', 'DESC'],
    [...S, 'FROMMEMBER', 'Palermo', 'BYRADIUS', '0', 'km', 'WITHDIST'],
    ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', '1', 'km'], ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', 'z', 'km'],
    ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'x'], ['GEOSEARCH', 'nokey', 'BYRADIUS', '1', 'km', 'x', 'y'],
    ['GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1000', 'km', 'WITHDIST'],
    ['GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1000', 'km', 'STOREDIST'],
    ['TYPE', 'dst'], ['OBJECT', 'ENCODING', 'dst'], ['GEOPOS', 'dst', 'Palermo', 'Catania'],
    ['GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1000', 'km', 'COUNT', '1'],
    ['GEOHASH', 'dst', 'Palermo', 'Catania'],
    ['GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'], ['EXISTS', 'dst'],
    ['GEOSEARCHSTORE', 'dst', 'nokey', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
    ['GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1000', 'km', 'STORE', 'x'],
    ['geosearchstore', 'dst', 'Sicily', 'BYRADIUS', '1000', 'km'],
    ['SET', 'str', 'v'], ['GEOSEARCH', 'str', 'FROMMEMBER', 'x', 'BYRADIUS', '1', 'km'],
    ['GEOSEARCHSTORE', 'str', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km'], ['TYPE', 'str'],
    ['GEOSEARCHSTORE', 'dst', 'str', 'FROMMEMBER', 'x', 'BYRADIUS', '1', 'km'],
    ['GEORADIUS', 'str', '1', '1', '1', 'km', 'STORE', 'x'], ['GEORADIUSBYMEMBER', 'str', 'x', '1', 'km'],
    ['SET', 'withttl', 'v', 'EX', '100'],
    ['GEOSEARCHSTORE', 'withttl', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km'], ['TTL', 'withttl'],
  ]);
});

test('RESP3 replies: coordinates are doubles, distances strings, null arrays', async () => {
  await pair.same('FLUSHALL');
  await pair.both('HELLO', '3'); // client ids differ: compare what follows
  await pair.sameAll([
    SICILY,
    ['GEOPOS', 'Sicily', 'Palermo', 'x'], ['GEOPOS', 'nokey', 'x'], ['GEOHASH', 'Sicily', 'x', 'Catania'],
    ['GEODIST', 'Sicily', 'x', 'Catania'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'WITHCOORD', 'WITHDIST', 'WITHHASH', 'ASC'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHCOORD'],
  ]);
  await pair.both('HELLO', '2');
});

/** A random longitude: uniform, or hugging the antimeridian, or exactly on a limit. */
function randLon(r: () => number): number {
  const k = r();
  if (k < 0.1) return (r() < 0.5 ? -1 : 1) * (180 - r() * 0.01);
  if (k < 0.15) return [180, -180, 0][(r() * 3) | 0];
  return r() * 360 - 180;
}

/** A random latitude: uniform, near the +-85.05112878 limits, or exactly on one. */
function randLat(r: () => number): number {
  const k = r();
  if (k < 0.1) return (r() < 0.5 ? -1 : 1) * (85.05112878 - r() * 0.5);
  if (k < 0.15) return [85.05112878, -85.05112878, 0][(r() * 3) | 0];
  if (k < 0.2) return (r() < 0.5 ? -1 : 1) * (66 + r() * 16); // the step-widening bands
  return r() * 170.1 - 85.05;
}

// GEO_SEED=n runs another seed (e.g. for a soak: for s in $(seq 1 50); do GEO_SEED=$s node --test ...; done)
const SEED = process.env.GEO_SEED !== undefined ? Number(process.env.GEO_SEED) : 20260401;

test(`seeded random (seed ${SEED}): points worldwide, radius and box searches with every option`, async () => {
  const r = rng(SEED);
  const pick = <T>(a: readonly T[]): T => a[(r() * a.length) | 0];
  const num = (x: number): string => (r() < 0.3 ? x.toFixed((r() * 6) | 0) : String(x));
  await pair.same('FLUSHALL');
  // 'g': duplicates at equal positions (ties in the sorts); 'u': unique positions
  for (let i = 0; i < 250; i++) {
    const g = ['GEOADD', 'g'];
    const u = ['GEOADD', 'u'];
    if (r() < 0.2) g.push(pick(['NX', 'XX', 'CH', 'nx', 'ch']));
    for (let j = 0; j < 4; j++) {
      const x = num(randLon(r)), y = num(randLat(r));
      g.push(x, y, 'm' + ((r() * 500) | 0));
      if (r() < 0.15) g.push(x, y, 'dup' + ((r() * 40) | 0));
      u.push(String(r() * 360 - 180), String(r() * 170 - 85), 'u' + (i * 4 + j));
    }
    await pair.same(...g);
    await pair.same(...u);
  }
  const units = ['m', 'km', 'ft', 'mi', 'KM', 'Mi'];
  const anyRadius = (): number => pick([r() * 1000, r() * 100000, r() * 2000000, r() * 20000000, 0, 1e9]);
  const smallRadius = (): number => pick([r() * 1000, r() * 50000, r() * 500000, 0]);
  for (let i = 0; i < 1500; i++) {
    const key = r() < 0.5 ? 'g' : 'u';
    const radius = r() < 0.5 ? smallRadius : anyRadius;
    const opts: string[] = [];
    if (r() < 0.5) opts.push(pick(['ASC', 'DESC', 'asc']));
    if (r() < 0.4) {
      opts.push('COUNT', String(1 + ((r() * 15) | 0)));
      if (r() < 0.4) opts.push('ANY');
    }
    const withs: string[] = [];
    if (r() < 0.6) withs.push('WITHDIST');
    if (r() < 0.3) withs.push('WITHHASH');
    if (r() < 0.4) withs.push('WITHCOORD');
    const k = key;
    const member = (): string => (k === 'u' ? 'u' + ((r() * 1000) | 0) : 'm' + ((r() * 500) | 0));
    const from = r() < 0.5 ? ['FROMMEMBER', member()] : ['FROMLONLAT', num(randLon(r)), num(randLat(r))];
    const box = (): string => String(2 * radius());
    const by = r() < 0.5 ? ['BYRADIUS', String(radius()), pick(units)] : ['BYBOX', box(), box(), pick(units)];
    const shuffled = [...opts, ...withs].sort(() => r() - 0.5);
    const x = r();
    if (x < 0.35) {
      await pair.same('GEOSEARCH', k, ...from, ...by, ...shuffled);
    } else if (x < 0.5) {
      const sd = r() < 0.5 ? ['STOREDIST'] : [];
      await pair.same('DEL', 'dst'); // a failing store leaves the old value: start clean
      await pair.same('GEOSEARCHSTORE', 'dst', k, ...from, ...by, ...opts, ...sd);
      await pair.same('OBJECT', 'ENCODING', 'dst');
      await pair.same('GEOHASH', 'dst', member(), member(), 'dup1');
      // geohash scores are exact; distance scores may differ in the last bit (see the header)
      if (HAS_ZSCORE) await pair.same('ZRANGE', 'dst', '0', '-1', ...(sd.length ? [] : ['WITHSCORES']));
    } else if (x < 0.7) {
      const cmd = pick(['GEORADIUS', 'GEORADIUS_RO', 'georadius']);
      const store = cmd !== 'GEORADIUS_RO' && r() < 0.2 ? [pick(['STORE', 'STOREDIST']), 'dst2'] : [];
      await pair.same(cmd, k, num(randLon(r)), num(randLat(r)), String(radius()), pick(units), ...shuffled, ...store);
      if (store.length) await pair.same('GEOPOS', 'dst2', member());
    } else if (x < 0.9) {
      const cmd = pick(['GEORADIUSBYMEMBER', 'GEORADIUSBYMEMBER_RO']);
      await pair.same(cmd, k, member(), String(radius()), pick(units), ...shuffled);
    } else {
      await pair.same('GEODIST', k, member(), member(), pick(units));
      await pair.same('GEOPOS', k, member(), member());
    }
  }
});

test('seeded random: odd arguments (bad numbers, tokens in the wrong places, zsets with any scores)', async () => {
  const r = rng(SEED + 1);
  const pick = <T>(a: readonly T[]): T => a[(r() * a.length) | 0];
  const NUMS = ['0', '1.5', '-0.25', '1e3', '180', '-180', '85.05112878', '-85.05112878', '85.06', 'inf', '-inf',
    'nan', 'x', '', '9223372036854775807', '-1', '3', '1e309', '0x10', '50', '-33.5', '179.9999999'];
  const TOKENS = ['NX', 'XX', 'CH', 'ASC', 'DESC', 'COUNT', 'ANY', 'WITHDIST', 'WITHHASH', 'WITHCOORD', 'STORE',
    'STOREDIST', 'FROMMEMBER', 'FROMLONLAT', 'BYRADIUS', 'BYBOX', 'm', 'km', 'FT', 'mi', 'yd'];
  const KEYS = ['g', 'h', 'str', 'none'];
  const MEMBERS = ['a', 'b', 'c', 'zero', 'neg', 'huge'];
  const anyArg = (): string => (r() < 0.45 ? pick(NUMS) : r() < 0.8 ? pick(TOKENS) : pick([...MEMBERS, ...KEYS]));
  await pair.same('FLUSHALL');
  await pair.same('GEOADD', 'g', '1', '1', 'a', '1.5', '1.2', 'b', '-179.5', '85', 'c', '0', '0', 'zero');
  await pair.same('SET', 'str', 'v');
  const cmds = ['GEOADD', 'GEOPOS', 'GEODIST', 'GEOHASH', 'GEOSEARCH', 'GEOSEARCHSTORE', 'GEORADIUS',
    'GEORADIUSBYMEMBER', 'GEORADIUS_RO', 'GEORADIUSBYMEMBER_RO'];
  for (let i = 0; i < 1500; i++) {
    const cmd = pick(cmds);
    const args: string[] = [cmd, pick(KEYS)];
    if (cmd === 'GEOSEARCHSTORE') args.push(pick(KEYS));
    if (cmd.startsWith('GEOSEARCH') && r() < 0.8) {
      args.push(...(r() < 0.5 ? ['FROMMEMBER', pick(MEMBERS)] : ['FROMLONLAT', pick(NUMS), pick(NUMS)]));
      args.push(...(r() < 0.5 ? ['BYRADIUS', pick(NUMS), pick(TOKENS)] : ['BYBOX', pick(NUMS), pick(NUMS), pick(TOKENS)]));
    } else if (cmd === 'GEORADIUS' || cmd === 'GEORADIUS_RO') {
      args.push(pick(NUMS), pick(NUMS), pick(NUMS), r() < 0.8 ? pick(['m', 'km', 'ft', 'mi']) : anyArg());
    } else if (cmd.startsWith('GEORADIUSBYMEMBER')) {
      args.push(pick(MEMBERS), pick(NUMS), r() < 0.8 ? pick(['m', 'km', 'ft', 'mi']) : anyArg());
    } else if (cmd === 'GEOADD') {
      while (r() < 0.3) args.push(pick(['NX', 'XX', 'CH', 'nx', 'ch']));
      const n = 1 + ((r() * 3) | 0);
      for (let j = 0; j < n; j++) args.push(pick(NUMS), pick(NUMS), pick(MEMBERS));
    }
    const extra = (r() * 5) | 0;
    for (let j = 0; j < extra; j++) args.push(anyArg());
    if (r() < 0.05) args.pop();
    await pair.same(...args);
    // zsets holding scores no GEOADD makes (decoded through the C uint64 cast), once ZADD exists
    const score = pick(['-1', '1e300', '4503599627370496', '0', '1e17', '-inf']);
    if (r() < 0.05 && HAS_ZADD) await pair.same('ZADD', 'h', score, pick(MEMBERS));
  }
});

test('equal longitudes: meridian-arc distances, box edges exactly on a point', async () => {
  const r = rng(SEED + 2);
  await pair.same('FLUSHALL');
  const R = 6372797.560856, D_R = Math.PI / 180;
  for (let i = 0; i < 60; i++) {
    const lon = String(r() * 360 - 180), lat = String(r() * 170 - 85);
    await pair.same('DEL', 'm', 'md');
    await pair.same('GEOADD', 'm', lon, lat, 'p');
    // the centre on the decoded longitude of p: Redis measures R * |dlat|
    const pos = (await pair.ours.call('GEOPOS', 'm', 'p')) as string[][];
    const [plon, plat] = [pos[0][0], pos[0][1]];
    const clat = String(r() * 170 - 85);
    await pair.same('GEOSEARCH', 'm', 'FROMLONLAT', plon, clat, 'BYRADIUS', '30000', 'km', 'WITHDIST');
    await pair.same('GEODIST', 'm', 'p', 'p');
    // a box whose half-height is exactly the point's meridian offset (inclusive edge), and one ulp less
    const half = R * Math.abs(Number(clat) * D_R - Number(plat) * D_R);
    await pair.same('GEOSEARCH', 'm', 'FROMLONLAT', plon, clat, 'BYBOX', '1', String(2 * half), 'm', 'WITHDIST');
    await pair.same('GEOSEARCH', 'm', 'FROMLONLAT', plon, clat, 'BYBOX', '1', String(2 * half * (1 - 2 ** -52)), 'm');
    await pair.same('GEOSEARCHSTORE', 'md', 'm', 'FROMLONLAT', plon, clat, 'BYRADIUS', '30000', 'km', 'STOREDIST');
    if (HAS_ZSCORE) await pair.same('ZSCORE', 'md', 'p');
  }
});
