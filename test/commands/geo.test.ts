/* GEO family command tests against an in-process Respite: GEOADD (NX/XX/CH, errors, events, dirty
 * counts, stored scores), GEOPOS / GEODIST / GEOHASH, the search commands (GEOSEARCH, GEOSEARCHSTORE,
 * GEORADIUS, GEORADIUSBYMEMBER and the _RO variants) with their options, stores (events, TTL dropped,
 * encodings, deletion of the destination), WRONGTYPE, RESP3 shapes. Expected values come from real
 * Redis 7.0.15 (byte-for-byte agreement on random data is in test/differential/geo). */

import { test, before, after, beforeEach } from 'node:test';
import * as assert from 'node:assert/strict';
import { startRespite, RawClient } from '../helpers/servers';
import type { RunningServer } from '../../src/index';
import { encodingOf } from '../../src/store/values';
import { ZSet } from '../../src/store/zset';

let srv: RunningServer;
let c: RawClient;
let events: string[] = [];

before(async () => {
  srv = await startRespite();
  c = await RawClient.connect(srv.port);
  srv.server.keyHooks.event.push((cls, event, key) => { events.push(`${event}:${key}`); void cls; });
});

after(async () => {
  c.close();
  await srv.close();
});

beforeEach(async () => {
  for (const k of [...srv.server.dbs[0].dict.keyList()]) srv.server.dbs[0].delete(k);
  events = [];
});

const db = () => srv.server.dbs[0];
const zscore = (k: string, m: string) => (db().peek(k) as ZSet).score(m);
const WRONGTYPE = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
const SYNTAX = { error: 'ERR syntax error' };

async function sicily(): Promise<void> {
  assert.equal(await c.call('GEOADD', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'), 2);
}

test('GEOADD stores 52-bit geohash scores; NX / XX / CH; one zadd event and dirty per change', async () => {
  await sicily();
  assert.equal(zscore('Sicily', 'Palermo'), 3479099956230698);
  assert.equal(zscore('Sicily', 'Catania'), 3479447370796909);
  assert.deepEqual(events, ['zadd:Sicily']);
  const d0 = srv.server.dirty;
  assert.equal(await c.call('GEOADD', 'Sicily', '13.361389', '38.115556', 'Palermo'), 0, 'same position: no change');
  assert.equal(srv.server.dirty, d0);
  assert.equal(await c.call('GEOADD', 'Sicily', 'CH', '1', '1', 'Palermo', '2', '2', 'x'), 2);
  assert.equal(srv.server.dirty, d0 + 2);
  assert.equal(await c.call('GEOADD', 'Sicily', 'NX', 'CH', '5', '5', 'Palermo', '3', '3', 'y'), 1);
  assert.equal(await c.call('GEOADD', 'Sicily', 'XX', 'CH', '5', '5', 'Palermo', '3', '3', 'z'), 1);
  assert.equal(zscore('Sicily', 'z'), undefined);
  assert.equal(await c.call('GEOADD', 'nokey', 'XX', '1', '1', 'a'), 0);
  assert.equal(db().peek('nokey'), undefined, 'XX on a missing key creates nothing');
  assert.deepEqual(events, ['zadd:Sicily', 'zadd:Sicily', 'zadd:Sicily', 'zadd:Sicily']);
  assert.equal(await c.call('GEOADD', 'e', '180', '85.05112878', 'ne', '-180', '-85.05112878', 'sw'), 2);
  assert.equal(zscore('e', 'ne'), 13510798882111488);
  assert.equal(zscore('e', 'sw'), 0);
});

test('GEOADD errors leave the data intact', async () => {
  await sicily();
  const bad: [string[], unknown][] = [
    [['GEOADD', 'Sicily', '200', '0', 'm'], { error: 'ERR invalid longitude,latitude pair 200.000000,0.000000' }],
    [['GEOADD', 'Sicily', '1', '85.06', 'm'], { error: 'ERR invalid longitude,latitude pair 1.000000,85.060000' }],
    [['GEOADD', 'Sicily', 'inf', '0', 'm'], { error: 'ERR invalid longitude,latitude pair inf,0.000000' }],
    [['GEOADD', 'Sicily', '1', '2', 'a', 'x', '0', 'm'], { error: 'ERR value is not a valid float' }],
    [['GEOADD', 'Sicily', 'nx', 'xx', '1', '2', 'm'], SYNTAX],
    [['GEOADD', 'Sicily', '1', '2', 'm', '3'], SYNTAX],
    [['GEOADD', 'Sicily', 'ch', 'ch', 'ch'], SYNTAX],
    [['GEOADD', 'Sicily', 'gt', '1', '2', 'm'], SYNTAX],
    [['GEOADD', 'Sicily', '1'], { error: "ERR wrong number of arguments for 'geoadd' command" }],
  ];
  for (const [cmd, want] of bad) assert.deepEqual(await c.call(...cmd), want, cmd.join(' '));
  assert.equal((db().peek('Sicily') as ZSet).size, 2);
  assert.equal(zscore('Sicily', 'a'), undefined, 'nothing written before the bad triple');
  await c.call('SET', 'str', 'v');
  assert.deepEqual(await c.call('GEOADD', 'str', '1', '2', 'm'), WRONGTYPE);
  assert.deepEqual(await c.call('GEOADD', 'str', '1', '200', 'm'), { error: 'ERR invalid longitude,latitude pair 1.000000,200.000000' });
});

test('GEOPOS / GEODIST / GEOHASH', async () => {
  await sicily();
  assert.deepEqual(await c.call('GEOPOS', 'Sicily', 'Palermo', 'nope'),
    [['13.36138933897018433', '38.11555639549629859'], null]);
  assert.deepEqual(await c.call('GEOPOS', 'nokey', 'a'), [null]);
  assert.equal(await c.call('GEODIST', 'Sicily', 'Palermo', 'Catania'), '166274.1516');
  assert.equal(await c.call('GEODIST', 'Sicily', 'Palermo', 'Catania', 'KM'), '166.2742');
  assert.equal(await c.call('GEODIST', 'Sicily', 'Palermo', 'Catania', 'mi'), '103.3182');
  assert.equal(await c.call('GEODIST', 'Sicily', 'Palermo', 'Catania', 'ft'), '545518.8700');
  assert.equal(await c.call('GEODIST', 'Sicily', 'Palermo', 'nope'), null);
  assert.equal(await c.call('GEODIST', 'nokey', 'a', 'b'), null);
  assert.deepEqual(await c.call('GEODIST', 'nokey', 'a', 'b', 'yd'),
    { error: 'ERR unsupported unit provided. please use M, KM, FT, MI' });
  assert.deepEqual(await c.call('GEODIST', 'Sicily', 'a', 'b', 'km', 'x'), SYNTAX);
  assert.deepEqual(await c.call('GEOHASH', 'Sicily', 'Palermo', 'Catania', 'x'), ['sqc8b49rny0', 'sqdtr74hyu0', null]);
  assert.deepEqual(await c.call('GEOHASH', 'nokey', 'a'), [null]);
  await c.call('SET', 'str', 'v');
  for (const cmd of [['GEOPOS', 'str', 'a'], ['GEOHASH', 'str', 'a'], ['GEODIST', 'str', 'a', 'b'],
    ['GEOSEARCH', 'str', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'], ['GEORADIUS', 'str', '0', '0', '1', 'km'],
    ['GEORADIUSBYMEMBER_RO', 'str', 'a', '1', 'km']]) {
    assert.deepEqual(await c.call(...cmd), WRONGTYPE, cmd.join(' '));
  }
});

test('GEOSEARCH / GEORADIUS: shapes, order, COUNT [ANY], WITH* replies', async () => {
  await sicily();
  await c.call('GEOADD', 'Sicily', '12.758489', '38.788135', 'edge1', '17.241510', '38.788135', 'edge2');
  assert.deepEqual(await c.call('GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHDIST', 'ASC'),
    [['Catania', '56.4413'], ['Palermo', '190.4424']]);
  assert.deepEqual(await c.call('GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHCOORD', 'WITHHASH', 'COUNT', '1'),
    [['Catania', 3479447370796909, ['15.08726745843887329', '37.50266842333162032']]]);
  assert.deepEqual(await c.call('GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'ASC'),
    ['Catania', 'Palermo', 'edge2', 'edge1']);
  assert.deepEqual(await c.call('GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1000', 'km', 'DESC', 'COUNT', '2'),
    ['edge2', 'Catania']);
  assert.deepEqual(await c.call('GEORADIUSBYMEMBER', 'Sicily', 'Palermo', '200', 'km', 'ASC'), ['Palermo', 'edge1', 'Catania']);
  assert.equal((await c.call('GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1000', 'km', 'COUNT', '2', 'ANY') as unknown[]).length, 2);
  assert.deepEqual(await c.call('GEOSEARCH', 'Sicily', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'), []);
  assert.deepEqual(await c.call('GEOSEARCH', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', '1', 'km'), []);
});

test('search errors, in Redis order', async () => {
  await sicily();
  const S = ['GEOSEARCH', 'Sicily'];
  const cases: [string[], string][] = [
    [[...S, 'BYRADIUS', '1', 'km', 'ASC', 'WITHDIST'], 'ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH'],
    [['geosearch', 'Sicily', 'FROMLONLAT', '1', '1', 'DESC', 'ASC'], 'ERR exactly one of BYRADIUS and BYBOX can be specified for geosearch'],
    [[...S, 'FROMMEMBER', 'nope', 'BYRADIUS', '1', 'km'], 'ERR could not decode requested zset member'],
    [[...S, 'FROMLONLAT', '1', '1', 'BYRADIUS', 'x', 'km'], 'ERR need numeric radius'],
    [[...S, 'FROMLONLAT', '1', '1', 'BYRADIUS', '-1', 'km'], 'ERR radius cannot be negative'],
    [[...S, 'FROMLONLAT', '1', '1', 'BYBOX', 'x', '1', 'km'], 'ERR need numeric width'],
    [[...S, 'FROMLONLAT', '1', '1', 'BYBOX', '1', 'x', 'km'], 'ERR need numeric height'],
    [[...S, 'FROMLONLAT', '1', '1', 'BYBOX', '-1', '1', 'km'], 'ERR height or width cannot be negative'],
    [[...S, 'FROMLONLAT', '1', '1', 'BYBOX', '1', '1', 'yd'], 'ERR unsupported unit provided. please use M, KM, FT, MI'],
    [[...S, 'FROMLONLAT', '1', '1', 'BYRADIUS', '1', 'km', 'COUNT', '0'], 'ERR COUNT must be > 0'],
    [[...S, 'FROMLONLAT', '1', '1', 'BYRADIUS', '1', 'km', 'COUNT', 'x'], 'ERR value is not an integer or out of range'],
    [[...S, 'FROMLONLAT', '1', '1', 'BYRADIUS', '1', 'km', 'ANY'], 'ERR the ANY argument requires COUNT argument'],
    [[...S, 'FROMLONLAT', '1', '1', 'BYRADIUS', '1', 'km', 'STOREDIST'], 'ERR syntax error'],
    [[...S, 'FROMMEMBER', 'Palermo', 'FROMLONLAT', '1', '1', 'BYRADIUS', '1', 'km'], 'ERR syntax error'],
    [['GEOSEARCHSTORE', 'd', 'Sicily', 'FROMLONLAT', '1', '1', 'BYRADIUS', '1', 'km', 'WITHDIST'],
      'ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options'],
    [['GEORADIUS', 'Sicily', '1', '1', '1', 'km', 'WITHHASH', 'STORE', 'd'],
      'ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options'],
    [['GEORADIUS_RO', 'Sicily', '1', '1', '1', 'km', 'STORE', 'd'], 'ERR syntax error'],
    [['GEORADIUS', 'Sicily', '1', '91', '1', 'km'], 'ERR invalid longitude,latitude pair 1.000000,91.000000'],
    [['GEORADIUSBYMEMBER', 'Sicily', 'nope', '1', 'km'], 'ERR could not decode requested zset member'],
  ];
  for (const [cmd, err] of cases) assert.deepEqual(await c.call(...cmd), { error: err }, cmd.join(' '));
  // a missing key skips the member lookup and even the radius of GEORADIUSBYMEMBER
  assert.deepEqual(await c.call('GEORADIUSBYMEMBER', 'nokey', 'x', 'abc', 'yy'), []);
  assert.equal(await c.call('GEORADIUSBYMEMBER', 'nokey', 'x', 'abc', 'yy', 'STORE', 'd'), 0);
});

test('GEOSEARCHSTORE / STORE / STOREDIST: scores, events, TTL, encodings, empty result deletes', async () => {
  await sicily();
  await c.call('SET', 'dst', 'old', 'EX', '100');
  assert.equal(await c.call('GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '500', 'km'), 2);
  assert.equal(zscore('dst', 'Catania'), 3479447370796909);
  assert.equal(await c.call('TTL', 'dst'), -1, 'the old TTL is dropped');
  assert.equal(encodingOf(db().peek('dst')!), 'listpack');
  assert.equal(await c.call('GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '500', 'km', 'STOREDIST'), 2);
  assert.equal(zscore('dst', 'Palermo'), 0);
  assert.equal(zscore('dst', 'Catania')!.toFixed(4), '166.2742');
  assert.equal(await c.call('GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'r1'), 2);
  assert.equal(await c.call('GEORADIUSBYMEMBER', 'Sicily', 'Palermo', '100', 'km', 'STOREDIST', 'r2'), 1);
  assert.equal(zscore('r2', 'Palermo'), 0);
  events = [];
  const d0 = srv.server.dirty;
  assert.equal(await c.call('GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'), 0);
  assert.equal(db().peek('dst'), undefined, 'no result: destination deleted');
  assert.equal(srv.server.dirty, d0 + 1);
  assert.equal(await c.call('GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'), 0);
  assert.equal(srv.server.dirty, d0 + 1, 'nothing to delete: no change');
  assert.equal(await c.call('GEORADIUS', 'nokey', '0', '0', '1', 'km', 'STORE', 'r1'), 0);
  assert.equal(await c.call('GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'r3'), 2);
  assert.equal(await c.call('GEOSEARCHSTORE', 'r4', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'), 2);
  assert.deepEqual(events, ['del:dst', 'del:r1', 'georadiusstore:r3', 'geosearchstore:r4']);
  await c.call('CONFIG', 'SET', 'zset-max-listpack-entries', '1');
  assert.equal(await c.call('GEOSEARCHSTORE', 'big', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'), 2);
  assert.equal(encodingOf(db().peek('big')!), 'skiplist');
  await c.call('CONFIG', 'SET', 'zset-max-listpack-entries', '128');
});

test('RESP3: coordinates are doubles, missing positions are nulls', async () => {
  await sicily();
  const r3 = await RawClient.connect(srv.port);
  await r3.call('HELLO', '3');
  assert.equal(await r3.raw('GEOPOS', 'Sicily', 'Palermo', 'x'),
    '*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n');
  assert.equal(await r3.raw('GEOHASH', 'Sicily', 'x'), '*1\r\n_\r\n');
  assert.equal(await r3.raw('GEORADIUS', 'Sicily', '15', '37', '100', 'km', 'WITHDIST', 'WITHCOORD'),
    '*1\r\n*3\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n,15.08726745843887329\r\n,37.50266842333162032\r\n');
  r3.close();
});
