/* Unit tests of the GEO math (src/store/geohash*.ts) against constants taken from real Redis 7.0.15:
 * GEOADD + ZSCORE gives the 52-bit score, GEOPOS the decoded coordinates, GEOHASH the string, GEODIST
 * the distance text. Also the C-cast of odd scores, step estimation, the 9-cell search layout, the
 * printf-exact formatting and the two result sorts (stable merge sort, Redis's partial quicksort). */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  GeoShape, cellScoreRange, decodeArea, decodeScore, distance, distanceIfInShape, doubleToU64Words, encodeScore,
  estimateStepsByRadius, geohashString, interleave, searchCells,
} from '../../src/store/geohash';
import { fixedC, formatCoord, formatDistance } from '../../src/store/geohash-format';
import { GeoPoint, sortAll, sortFirst } from '../../src/store/geohash-sort';

// [lon, lat, ZSCORE, GEOPOS lon, GEOPOS lat, GEOHASH] as real Redis reports them
const POINTS: [number, number, number, string, string, string][] = [
  [13.361389, 38.115556, 3479099956230698, '13.36138933897018433', '38.11555639549629859', 'sqc8b49rny0'],
  [15.087269, 37.502669, 3479447370796909, '15.08726745843887329', '37.50266842333162032', 'sqdtr74hyu0'],
  [-180, -85.05112878, 0, '-179.99999731779098511', '-85.05112751263942528', '00bh0hbj200'],
  [180, 85.05112878, 13510798882111488, '180', '85.0511287799999991', 'bp05b5048p0'],
  [0, 0, 3377699720527872, '0.00000268220901489', '0.00000126736058093', 's0000000000'],
  [-122.27652, 37.805186, 1367952638197536, '-122.27652043104171753', '37.80518485897756165', '9q9p1d0znt0'],
  [179.9999, -0.0001, 3377699720526306, '179.99990075826644897', '-0.00010012148579364', 'rzzzzzzzmt0'],
];

test('encodeScore gives the scores Redis stores', () => {
  for (const [lon, lat, score] of POINTS) assert.equal(encodeScore(lon, lat), score, `${lon},${lat}`);
});

test('decodeScore + formatCoord give GEOPOS text; geohashString gives GEOHASH text', () => {
  for (const [, , score, x, y, h] of POINTS) {
    const [lon, lat] = decodeScore(score);
    assert.equal(formatCoord(lon), x);
    assert.equal(formatCoord(lat), y);
    assert.equal(geohashString(score), h);
  }
});

test('odd scores decode like the C cast to uint64 (clamped to the limits)', () => {
  // ZADD k -1 neg 1e300 huge 4503599627370496 two52; GEOPOS / GEOHASH in real Redis
  const cases: [number, string, string, string][] = [
    [-1, '180', '85.0511287799999991', 'bp05b5048p0'],
    [1e300, '-179.99999731779098511', '-85.05112751263942528', '00bh0hbj200'],
    [4503599627370496, '-179.99999731779098511', '85.0511287799999991', 'bp05b5048p0'],
    [1e17, '180', '85.0511287799999991', 'bp05b5048p0'],
    [Infinity, '-179.99999731779098511', '-85.05112751263942528', '00bh0hbj200'],
    [-Infinity, '180', '-85.05112751263942528', '00bh0hbj200'],
  ];
  for (const [score, x, y, h] of cases) {
    const [lon, lat] = decodeScore(score);
    assert.equal(formatCoord(lon), x, String(score));
    assert.equal(formatCoord(lat), y, String(score));
    assert.equal(geohashString(score), h, String(score));
  }
  assert.deepEqual(doubleToU64Words(-1), [0xffffffff, 0xffffffff]);
  assert.deepEqual(doubleToU64Words(-1.5), [0xffffffff, 0xffffffff]);
  assert.deepEqual(doubleToU64Words(2 ** 63), [0x80000000, 0]);
  assert.deepEqual(doubleToU64Words(2 ** 64), [0, 0]);
  assert.deepEqual(doubleToU64Words(NaN), [0x80000000, 0]);
  assert.deepEqual(doubleToU64Words(-Infinity), [0x80000000, 0]);
  assert.deepEqual(doubleToU64Words(2 ** 32 + 5), [1, 5]);
});

test('interleave puts the first argument in the even bits', () => {
  assert.equal(interleave(1, 0), 1);
  assert.equal(interleave(0, 1), 2);
  assert.equal(interleave(0xffff, 0), 0x55555555);
  assert.equal(interleave(2 ** 26, 0), 2 ** 52);
  assert.equal(interleave(0, 2 ** 26 - 1), 2 * (2 ** 52 - 1) / 3);
});

test('distance matches GEODIST text in every unit', () => {
  const [a, b, sw, ne, oak, am] = [0, 1, 2, 3, 5, 6].map((i) => decodeScore(POINTS[i][2]));
  assert.equal(formatDistance(distance(a[0], a[1], b[0], b[1])), '166274.1516');
  assert.equal(formatDistance(distance(a[0], a[1], b[0], b[1]) / 1000), '166.2742');
  assert.equal(formatDistance(distance(sw[0], sw[1], ne[0], ne[1]) / 1609.34), '11756.2756');
  assert.equal(formatDistance(distance(oak[0], oak[1], am[0], am[1]) / 0.3048), '23735726.3871');
  assert.equal(distance(1, 2, 1, 2), 0);
});

test('step estimation follows the radius and widens near the poles', () => {
  assert.equal(estimateStepsByRadius(0, 0), 26);
  assert.equal(estimateStepsByRadius(1, 0), 24);
  assert.equal(estimateStepsByRadius(1000, 0), 14);
  assert.equal(estimateStepsByRadius(1000, 70), 13);
  assert.equal(estimateStepsByRadius(1000, -81), 12);
  assert.equal(estimateStepsByRadius(5e6, 0), 2);
  assert.equal(estimateStepsByRadius(1e7, 0), 1);
  assert.equal(estimateStepsByRadius(Infinity, 0), 1);
});

test('search cells: centre first, neighbours wrap, useless ones dropped, ranges cover the cell', () => {
  const s = new GeoShape();
  s.lon = 13.361389; s.lat = 38.115556; s.radius = 100; s.conversion = 1000;
  const { step, cells } = searchCells(s);
  assert.equal(step, 7);
  assert.equal(cells.length, 9);
  const centre = decodeArea(cells[0], step);
  assert.ok(centre[0] <= s.lon && s.lon <= centre[1] && centre[2] <= s.lat && s.lat <= centre[3]);
  for (let i = 1; i < 9; i++) {
    if (cells[i] < 0) continue;
    const [min, max] = cellScoreRange(cells[i], step);
    assert.ok(max > min);
  }
  // a point at the antimeridian: the east neighbour wraps to longitude -180
  const e = new GeoShape();
  e.lon = 179.99; e.lat = 0; e.radius = 10; e.conversion = 1000;
  const r = searchCells(e);
  const east = decodeArea(r.cells[3] >= 0 ? r.cells[3] : r.cells[5], r.step);
  assert.equal(east[0], -180);
  // score range of a cell holds exactly the scores with that prefix
  const [lo, hi] = cellScoreRange(cells[0], step);
  assert.equal(hi - lo, 2 ** (52 - 2 * step));
  assert.ok(encodeScore(s.lon, s.lat) >= lo && encodeScore(s.lon, s.lat) < hi);
});

test('box test measures along the parallel and the meridian', () => {
  const s = new GeoShape();
  s.isBox = true; s.lon = 0; s.lat = 0; s.width = 200; s.height = 100; s.conversion = 1000;
  assert.ok(distanceIfInShape(s, 0.8, 0.4) >= 0);
  assert.equal(distanceIfInShape(s, 0.95, 0), -1); // ~105.6 km east: outside the 100 km half-width
  assert.equal(distanceIfInShape(s, 0, 0.5), -1); // ~55.6 km north: outside the 50 km half-height
  const c = new GeoShape();
  c.lon = 0; c.lat = 0; c.radius = 100; c.conversion = 1000;
  assert.equal(distanceIfInShape(c, 0.8, 0.8), -1);
  assert.ok(distanceIfInShape(c, 0.6, 0.6) > 0);
});

test('formatDistance is Redis 7.0.15 fixed-point text: llrint(d * 10^4), ties to even', () => {
  assert.equal(formatDistance(34867038.754450001), '34867038.7544'); // printf %.4f would say ...7545
  assert.equal(formatDistance(0), '0.0000');
  assert.equal(formatDistance(-0), '0.0000');
  assert.equal(formatDistance(0.00004), '0.0000');
  assert.equal(formatDistance(0.00005), '0.0000'); // 0.5 after scaling: to even
  assert.equal(formatDistance(0.00015), '0.0001'); // 0.00015 * 10000 = 1.4999999999999998
  assert.equal(formatDistance(1.0351), '1.0351');
  assert.equal(formatDistance(166274.15156960033), '166274.1516');
  assert.equal(formatDistance(NaN), '-922337203685477.5808'); // llrint's INT64_MIN
});

test('fixedC prints like glibc printf %.Nf', () => {
  assert.equal(fixedC(0.03125, 4), '0.0312'); // exact tie: half to even
  assert.equal(fixedC(0.09375, 4), '0.0938');
  assert.equal(fixedC(2.5, 0), '2');
  assert.equal(fixedC(3.5, 0), '4');
  assert.equal(fixedC(-0, 6), '-0.000000');
  assert.equal(fixedC(-1e-20, 4), '-0.0000');
  assert.equal(fixedC(200, 6), '200.000000');
  assert.equal(fixedC(1e22, 2), '10000000000000000000000.00');
  assert.equal(fixedC(Infinity, 6), 'inf');
  assert.equal(fixedC(-Infinity, 6), '-inf');
  assert.equal(formatCoord(-0), '0');
  assert.equal(formatCoord(1.5), '1.5');
  assert.equal(formatCoord(-2), '-2');
});

/** Points with the given distances; member = original index. */
function pts(ds: number[]): GeoPoint[] {
  return ds.map((d, i) => new GeoPoint(String(i), 0, 0, d, 0));
}

test('sortAll is a stable sort by distance (ascending / descending)', () => {
  const a = pts([3, 1, 2, 1, 3, 0]);
  sortAll(a, false);
  assert.deepEqual(a.map((p) => p.member), ['5', '1', '3', '2', '0', '4']);
  const b = pts([3, 1, 2, 1, 3, 0]);
  sortAll(b, true);
  assert.deepEqual(b.map((p) => p.member), ['0', '4', '2', '1', '3', '5']);
});

test('sortFirst orders the first k like Redis pqsort, ties included', () => {
  // reference outputs from Redis's pqsort.c compiled and run on the same input
  const ds = [5, 3, 3, 9, 1, 3, 7, 3, 0, 2, 3, 8, 3, 4];
  const a = pts(ds);
  sortFirst(a, 5, false);
  const firstK = a.slice(0, 5).map((p) => p.dist);
  assert.deepEqual(firstK, [0, 1, 2, 3, 3]);
  // any k: the prefix holds the k smallest distances in order
  for (let k = 1; k <= ds.length; k++) {
    const b = pts(ds);
    sortFirst(b, k, true);
    const want = [...ds].sort((x, y) => y - x).slice(0, k);
    assert.deepEqual(b.slice(0, k).map((p) => p.dist), want);
  }
  // large inputs exercise the median-of-9 pivot path
  const big: number[] = [];
  for (let i = 0; i < 500; i++) big.push((i * 7919) % 101);
  const c = pts(big);
  sortFirst(c, 50, false);
  assert.deepEqual(c.slice(0, 50).map((p) => p.dist), [...big].sort((x, y) => x - y).slice(0, 50));
});
