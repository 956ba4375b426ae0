/* ==========================================================================
 * Argument and reply helpers shared by the GEO family files (geo.ts,
 * geo-search.ts): zset type check, longitude/latitude pair, unit, and the
 * coordinate reply format.
 * ========================================================================== */

import type { ArgDoc } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseDouble } from '../protocol/numbers';
import { is } from './args';
import { ZSet } from '../store/zset';
import type { Value } from '../store/values';
import { GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN } from '../store/geohash';
import { fixedC, formatCoord } from '../store/geohash-format';

/** The zset at `v`, undefined if missing, or false after replying WRONGTYPE. */
export function asZset(c: Client, v: Value | undefined): ZSet | undefined | false {
  if (v === undefined || v instanceof ZSet) return v;
  c.error(E.WRONGTYPE);
  return false;
}

/**
 * Parse a longitude, latitude pair at argv[i], argv[i+1] into out[0..1]
 * (extractLongLatOrReply). Replies and returns false on a bad number or a
 * position outside the indexable range.
 */
export function parseLonLat(c: Client, argv: string[], i: number, out: number[]): boolean {
  for (let k = 0; k < 2; k++) {
    const v = parseDouble(argv[i + k]);
    if (v === null) {
      c.error(E.NOT_FLOAT);
      return false;
    }
    out[k] = v;
  }
  if (out[0] < GEO_LONG_MIN || out[0] > GEO_LONG_MAX || out[1] < GEO_LAT_MIN || out[1] > GEO_LAT_MAX) {
    c.error(`ERR invalid longitude,latitude pair ${fixedC(out[0], 6)},${fixedC(out[1], 6)}`);
    return false;
  }
  return true;
}

/** Metres per unit for m / km / ft / mi (any case), or -1 after replying the unit error. */
export function parseUnit(c: Client, u: string): number {
  if (is(u, 'm')) return 1;
  if (is(u, 'km')) return 1000;
  if (is(u, 'ft')) return 0.3048;
  if (is(u, 'mi')) return 1609.34;
  c.error('ERR unsupported unit provided. please use M, KM, FT, MI');
  return -1;
}

/** Reply a coordinate as Redis's addReplyHumanLongDouble: RESP3 double, RESP2 bulk. */
export function replyCoord(c: Client, d: number): void {
  const s = formatCoord(d);
  if (c.w.proto === 3) c.w.raw(',' + s + '\r\n');
  else c.w.bulk(s);
}

/** Doc arguments of a distance unit. */
export const UNIT_TOKENS: readonly ArgDoc[] = [
  { name: 'm', type: 'pure-token', token: 'M' },
  { name: 'km', type: 'pure-token', token: 'KM' },
  { name: 'ft', type: 'pure-token', token: 'FT' },
  { name: 'mi', type: 'pure-token', token: 'MI' },
];
