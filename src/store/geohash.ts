/* ==========================================================================
 * Geohash math for the GEO family (Redis's geohash.c + geohash_helper.c).
 *
 * A position is stored as a sorted-set score: the 26-bit latitude cell index
 * and the 26-bit longitude cell index interleaved into a 52-bit integer
 * (latitude bits in the even positions, longitude bits in the odd ones),
 * over the Web-Mercator-safe latitude range +-85.05112878. Everything here is
 * plain IEEE double arithmetic done in the same order as Redis does it, so
 * scores, decoded coordinates and the searched cells come out bit for bit
 * identical. Trigonometry goes through geohash-math.ts (rounded like glibc's
 * libm), so distances match too except in the last bit for the ~0.3% where
 * glibc itself is not correctly rounded. No RESP and no keyspace here.
 *
 * 64-bit integer values (scores cast to uint64, interleaved words) are kept
 * as two unsigned 32-bit halves; a 52-bit hash fits a double exactly.
 * ========================================================================== */

import { crAsin, crCos, crSin } from './geohash-math';

export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
/** Bits per coordinate of a stored score (26 + 26 = 52 bits). */
export const GEO_STEP_MAX = 26;

const D_R = Math.PI / 180.0;
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;

const TWO32 = 4294967296;
const TWO63 = 9223372036854775808;

function degRad(a: number): number {
  return a * D_R;
}
function radDeg(a: number): number {
  return a / D_R;
}

// --- bit interleaving --------------------------------------------------------------

/** Spread the low 16 bits of v to the even bit positions of a 32-bit word. */
function spread16(v: number): number {
  let x = v & 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x >>> 0;
}

/** Gather the even bits of a 32-bit word into a 16-bit value (inverse of spread16). */
function squash32(v: number): number {
  let x = v & 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x >>> 0;
}

/**
 * Interleave two uint32 cell indexes: `even` lands in the even bit positions,
 * `odd` in the odd ones. Returns the 64-bit result as a double (exact for the
 * results GEO produces; otherwise rounded like Redis's later int->double).
 */
export function interleave(even: number, odd: number): number {
  const lo = (spread16(even) | (spread16(odd) << 1)) >>> 0;
  const hi = (spread16(even >>> 16) | (spread16(odd >>> 16) << 1)) >>> 0;
  return hi * TWO32 + lo;
}

/**
 * The two 32-bit halves of `(uint64_t)d` as x86-64 computes it (cvttsd2si
 * based): values below 2^63 truncate as signed int64 (negative ones wrap,
 * out-of-range and NaN give 2^63), values from 2^63 subtract 2^63 first
 * (2^64 and above, and +inf, give 0). Out: [hi, lo].
 */
export function doubleToU64Words(d: number): [number, number] {
  if (d !== d) return [0x80000000, 0];
  if (d >= TWO63) {
    const r = d - TWO63;
    if (r >= TWO63) return [0, 0];
    return [((Math.floor(r / TWO32) >>> 0) ^ 0x80000000) >>> 0, (r % TWO32) >>> 0];
  }
  if (d <= -TWO63 - 1) return [0x80000000, 0];
  const t = Math.trunc(d);
  if (t >= 0) return [Math.floor(t / TWO32) >>> 0, (t % TWO32) >>> 0];
  // two's complement of a negative integer |t| < 2^63
  const big = BigInt.asUintN(64, BigInt(t));
  return [Number(big >> 32n) >>> 0, Number(big & 0xffffffffn) >>> 0];
}

// --- encode / decode ------------------------------------------------------------------

/** A coordinate range [min, max] of the hash space. */
export interface Range {
  min: number;
  max: number;
}
export const WGS84_LONG: Range = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
export const WGS84_LAT: Range = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };
/** The standard geohash ranges, used to print GEOHASH strings. */
export const STD_LONG: Range = { min: -180, max: 180 };
export const STD_LAT: Range = { min: -90, max: 90 };

/**
 * Encode a position at `step` bits per coordinate (geohashEncode): the
 * interleaved cell index, or -1 when the position is outside the GEO limits
 * or the given ranges.
 */
export function encode(lonR: Range, latR: Range, lon: number, lat: number, step: number): number {
  if (step > 32 || step === 0) return -1;
  if (lon > GEO_LONG_MAX || lon < GEO_LONG_MIN || lat > GEO_LAT_MAX || lat < GEO_LAT_MIN) return -1;
  if (lat < latR.min || lat > latR.max || lon < lonR.min || lon > lonR.max) return -1;
  let latOff = (lat - latR.min) / (latR.max - latR.min);
  let lonOff = (lon - lonR.min) / (lonR.max - lonR.min);
  latOff *= Math.pow(2, step);
  lonOff *= Math.pow(2, step);
  return interleave(Math.trunc(latOff) >>> 0, Math.trunc(lonOff) >>> 0);
}

/** The 52-bit score of a position (GEOADD): WGS84 ranges at full precision. */
export function encodeScore(lon: number, lat: number): number {
  return encode(WGS84_LONG, WGS84_LAT, lon, lat, GEO_STEP_MAX);
}

/** The cell a hash covers: [lonMin, lonMax, latMin, latMax]. */
export type Area = [number, number, number, number];

/** Decode the cell of a hash given as 64-bit halves (geohashDecode). */
function decodeWords(lonR: Range, latR: Range, hi: number, lo: number, step: number): Area {
  const ilat = (squash32(hi) * 65536 + squash32(lo)) >>> 0;
  const ilon = (squash32(hi >>> 1) * 65536 + squash32(lo >>> 1)) >>> 0;
  const latScale = latR.max - latR.min;
  const lonScale = lonR.max - lonR.min;
  const div = Math.pow(2, step);
  return [
    lonR.min + (ilon * 1.0 / div) * lonScale,
    lonR.min + (((ilon + 1) >>> 0) * 1.0 / div) * lonScale,
    latR.min + (ilat * 1.0 / div) * latScale,
    latR.min + (((ilat + 1) >>> 0) * 1.0 / div) * latScale,
  ];
}

/** Decode the WGS84 cell of a hash (bits < 2^53) at `step`. */
export function decodeArea(bits: number, step: number): Area {
  return decodeWords(WGS84_LONG, WGS84_LAT, Math.floor(bits / TWO32) >>> 0, bits >>> 0, step);
}

/**
 * Decode a sorted-set score to [longitude, latitude] (Redis's decodeGeohash):
 * the score is cast to uint64 as C does, the cell centre is clamped to the
 * GEO limits. Works for any score a ZADD may have stored.
 */
export function decodeScore(score: number): [number, number] {
  const [hi, lo] = doubleToU64Words(score);
  const a = decodeWords(WGS84_LONG, WGS84_LAT, hi, lo, GEO_STEP_MAX);
  let lon = (a[0] + a[1]) / 2;
  if (lon > GEO_LONG_MAX) lon = GEO_LONG_MAX;
  if (lon < GEO_LONG_MIN) lon = GEO_LONG_MIN;
  let lat = (a[2] + a[3]) / 2;
  if (lat > GEO_LAT_MAX) lat = GEO_LAT_MAX;
  if (lat < GEO_LAT_MIN) lat = GEO_LAT_MIN;
  return [lon, lat];
}

const GEOALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * The 11-character standard geohash of a score (GEOHASH): decode with the
 * GEO ranges, re-encode with the standard +-90 latitude range at 26 steps,
 * print 5 bits per character; the 11th character is always '0'.
 */
export function geohashString(score: number): string {
  const [lon, lat] = decodeScore(score);
  const bits = encode(STD_LONG, STD_LAT, lon, lat, GEO_STEP_MAX);
  const hi = Math.floor(bits / TWO32);
  const lo = bits >>> 0;
  let out = '';
  for (let i = 0; i < 10; i++) {
    const shift = 52 - (i + 1) * 5; // 47, 42, ..., 2
    let idx: number;
    if (shift >= 32) idx = (hi >>> (shift - 32)) & 0x1f;
    else if (shift + 5 <= 32) idx = (lo >>> shift) & 0x1f;
    else idx = ((lo >>> shift) | (hi << (32 - shift))) & 0x1f;
    out += GEOALPHABET[idx];
  }
  return out + '0';
}

// --- neighbours and the 9-cell search area ------------------------------------------

/** Lane coordinates of a hash: [latIndex, lonIndex]. */
function lanes(bits: number): [number, number] {
  const hi = Math.floor(bits / TWO32) >>> 0;
  const lo = bits >>> 0;
  return [(squash32(hi) * 65536 + squash32(lo)) >>> 0, (squash32(hi >>> 1) * 65536 + squash32(lo >>> 1)) >>> 0];
}

/**
 * Move a hash by (dLon, dLat) cells (geohash_move_x / _y). A moved lane
 * wraps around modulo 2^step; an unmoved lane is left untouched, including
 * the overflow bit a coordinate exactly at the range maximum (longitude 180,
 * latitude 85.05112878) encodes to.
 */
function moveHash(bits: number, step: number, dLon: number, dLat: number): number {
  let [ilat, ilon] = lanes(bits);
  const mod = Math.pow(2, step);
  if (dLat !== 0) ilat = (ilat + dLat + mod) % mod;
  if (dLon !== 0) ilon = (ilon + dLon + mod) % mod;
  return interleave(ilat, ilon);
}

/** Shape of a GEOSEARCH: circle (radius) or box (width x height), centre, unit factor. */
export class GeoShape {
  isBox = false;
  lon = 0;
  lat = 0;
  radius = 0;
  width = 0;
  height = 0;
  /** Metres per unit (m 1, km 1000, ft 0.3048, mi 1609.34). */
  conversion = 1;
  /** Bounding box: [minLon, minLat, maxLon, maxLat]. */
  bounds: [number, number, number, number] = [0, 0, 0, 0];
}

/**
 * Bits of precision for the 9 search cells of a query of radius `meters`
 * around latitude `lat` (geohashEstimateStepsByRadius): doubles the range
 * until it reaches the Mercator half-width, backs off 2 steps, one more above
 * 66 degrees and another above 80, framed to [1, 26].
 */
export function estimateStepsByRadius(meters: number, lat: number): number {
  if (meters === 0) return 26;
  let step = 1;
  while (meters < MERCATOR_MAX) {
    meters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/**
 * Fill shape.bounds with the shape's bounding box (geohashBoundingBox). The
 * longitude span is taken at the edge nearer the pole: top edge in the
 * northern hemisphere, bottom edge in the southern one.
 */
export function boundingBox(s: GeoShape): void {
  const height = s.conversion * (s.isBox ? s.height / 2 : s.radius);
  const width = s.conversion * (s.isBox ? s.width / 2 : s.radius);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const lonDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / crCos(degRad(s.lat + latDelta)));
  const lonDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / crCos(degRad(s.lat - latDelta)));
  const south = s.lat < 0;
  s.bounds[0] = south ? s.lon - lonDeltaBottom : s.lon - lonDeltaTop;
  s.bounds[2] = south ? s.lon + lonDeltaBottom : s.lon + lonDeltaTop;
  s.bounds[1] = s.lat - latDelta;
  s.bounds[3] = s.lat + latDelta;
}

/**
 * The 9 cells to scan for a shape (geohashCalculateAreasByShapeWGS84), in
 * Redis's scan order: centre, N, S, E, W, NE, NW, SE, SW. A cell excluded as
 * useless is -1. All cells share the returned step.
 *
 * The step comes from the radius (a box uses its half-diagonal); it is
 * lowered by one if a direct neighbour does not reach the bounding box, and
 * at step >= 2 neighbours on a side the centre cell already covers past the
 * bounding box are dropped.
 */
export function searchCells(s: GeoShape): { step: number; cells: number[] } {
  boundingBox(s);
  const [minLon, minLat, maxLon, maxLat] = s.bounds;
  let radius = s.isBox ? Math.sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2)) : s.radius;
  radius *= s.conversion;
  let step = estimateStepsByRadius(radius, s.lat);
  let hash = encode(WGS84_LONG, WGS84_LAT, s.lon, s.lat, step);

  const north = decodeArea(moveHash(hash, step, 0, 1), step);
  const south = decodeArea(moveHash(hash, step, 0, -1), step);
  const east = decodeArea(moveHash(hash, step, 1, 0), step);
  const west = decodeArea(moveHash(hash, step, -1, 0), step);
  const decrease = north[3] < maxLat || south[2] > minLat || east[1] < maxLon || west[0] > minLon;
  if (step > 1 && decrease) {
    step--;
    hash = encode(WGS84_LONG, WGS84_LAT, s.lon, s.lat, step);
  }
  const area = decodeArea(hash, step);
  // order: centre, N, S, E, W, NE, NW, SE, SW
  const cells = [
    hash,
    moveHash(hash, step, 0, 1), moveHash(hash, step, 0, -1),
    moveHash(hash, step, 1, 0), moveHash(hash, step, -1, 0),
    moveHash(hash, step, 1, 1), moveHash(hash, step, -1, 1),
    moveHash(hash, step, 1, -1), moveHash(hash, step, -1, -1),
  ];
  if (step >= 2) {
    if (area[2] < minLat) cells[2] = cells[8] = cells[7] = -1; // S, SW, SE
    if (area[3] > maxLat) cells[1] = cells[5] = cells[6] = -1; // N, NE, NW
    if (area[0] < minLon) cells[4] = cells[8] = cells[6] = -1; // W, SW, NW
    if (area[1] > maxLon) cells[3] = cells[7] = cells[5] = -1; // E, SE, NE
  }
  return { step, cells };
}

/** Score range [min, max) of the members inside a cell (scoresOfGeoHashBox). */
export function cellScoreRange(bits: number, step: number): [number, number] {
  const f = Math.pow(2, 52 - step * 2);
  return [bits * f, (bits + 1) * f];
}

// --- distances ------------------------------------------------------------------------

/**
 * Great-circle distance in metres: the haversine formula over Redis's earth
 * radius, operation for operation as Redis 7.0.15 writes it, with sin/cos/
 * asin rounded like glibc's (geohash-math.ts). When the longitudes are equal
 * (sin of half their difference is 0) Redis takes the meridian arc
 * R * |dlat| instead (latDistance).
 */
export function distance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const lon1r = degRad(lon1);
  const lon2r = degRad(lon2);
  const v = crSin((lon2r - lon1r) / 2);
  if (v === 0) return latDistance(lat1, lat2);
  const lat1r = degRad(lat1);
  const lat2r = degRad(lat2);
  const u = crSin((lat2r - lat1r) / 2);
  const c1 = cosLat(lat1r);
  const a = u * u + c1 * (lat2r === lat1r ? c1 : crCos(lat2r)) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * crAsin(Math.sqrt(a));
}

/** Distance along a meridian (geohashGetLatDistance): R * |lat2 - lat1| in radians. */
export function latDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2) - degRad(lat1));
}

// one-entry cache: searches measure from the same centre latitude many times
let cachedLatR = NaN;
let cachedCos = NaN;
function cosLat(latr: number): number {
  if (latr !== cachedLatR) {
    cachedCos = crCos(latr);
    cachedLatR = latr;
  }
  return cachedCos;
}

/**
 * The same distance with V8's Math.sin/cos/asin: within a few ulps of
 * distance() (up to ~1e-8 relative next to the antipode, where asin is
 * steep). Only used to reject points clearly outside a shape cheaply.
 */
function roughDistance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const v = Math.sin((degRad(lon2) - degRad(lon1)) / 2);
  if (v === 0) return latDistance(lat1, lat2);
  const lat1r = degRad(lat1);
  const lat2r = degRad(lat2);
  const u = Math.sin((lat2r - lat1r) / 2);
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v));
}

/** Relative margin beyond which roughDistance decides a comparison on its own. */
const ROUGH_MARGIN = 1e-6;

/** True if roughDistance shows d > limit beyond any rounding doubt. */
function clearlyBeyond(rough: number, limit: number): boolean {
  return rough > limit * (1 + ROUGH_MARGIN) + 1e-9;
}

/**
 * Distance from the shape's centre to (lon, lat) if the point is inside the
 * shape, else -1 (NaN distances count as inside, as in Redis). A box test
 * (Redis 7.0.15's geohashGetDistanceIfInRectangle) takes the north-south
 * offset along the meridian (exact arc, cheap) and the east-west offset
 * along the point's own parallel. Points clearly outside a circle are
 * rejected with the cheap distance; every decision near the edge and every
 * returned distance uses the exact one.
 */
export function distanceIfInShape(s: GeoShape, lon: number, lat: number): number {
  if (!s.isBox) {
    const r = s.radius * s.conversion;
    if (clearlyBeyond(roughDistance(s.lon, s.lat, lon, lat), r)) return -1;
    const d = distance(s.lon, s.lat, lon, lat);
    return d > r ? -1 : d;
  }
  if (latDistance(lat, s.lat) > (s.height * s.conversion) / 2) return -1;
  const hw = (s.width * s.conversion) / 2;
  if (clearlyBeyond(roughDistance(lon, lat, s.lon, lat), hw)) return -1;
  if (distance(lon, lat, s.lon, lat) > hw) return -1;
  return distance(s.lon, s.lat, lon, lat);
}
