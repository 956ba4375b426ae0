/* ==========================================================================
 * LCS: longest common subsequence of two string keys (Redis 7.0).
 *
 * The classic dynamic-programming table, (alen+1)*(blen+1) uint32 cells, as
 * Redis builds it: the same O(N*M) time and memory, the same refusal when
 * the table would exceed proto-max-bulk-len, and the same backtracking walk
 * so the IDX match list comes out in Redis's order (from the end of the
 * strings towards the start).
 * ========================================================================== */

import type { CommandSpec } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseInt64 } from '../protocol/numbers';
import { lookupRead } from '../server/keyspace';
import { isString, strValue } from '../store/values';

const UINT32_MAX = 4294967295;

/** Option text as C's strcasecmp sees it: the argument up to its first NUL, lower-cased. */
function optName(s: string): string {
  const z = s.indexOf('\0');
  return (z >= 0 ? s.slice(0, z) : s).toLowerCase();
}

/** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN] */
function lcsCommand(c: Client, argv: string[]): void {
  // Both keys are looked up (and type-checked) before the options are parsed.
  const va = lookupRead(c, argv[1]);
  const vb = lookupRead(c, argv[2]);
  if ((va !== undefined && !isString(va)) || (vb !== undefined && !isString(vb))) {
    c.error('ERR The specified keys must contain string values');
    return;
  }
  const a = va === undefined ? '' : strValue(va as string);
  const b = vb === undefined ? '' : strValue(vb as string);
  let getLen = false, getIdx = false, withMatchLen = false, minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = optName(argv[j]);
    const more = argv.length - 1 - j;
    if (opt === 'idx') getIdx = true;
    else if (opt === 'len') getLen = true;
    else if (opt === 'withmatchlen') withMatchLen = true;
    else if (opt === 'minmatchlen' && more > 0) {
      const v = parseInt64(argv[j + 1]);
      if (v === null) { c.error(E.NOT_INT); return; }
      minMatchLen = v < 0 ? 0 : v;
      j++;
    } else {
      c.error(E.SYNTAX);
      return;
    }
  }
  if (getIdx && getLen) {
    c.error('ERR If you want both the length and indexes, please just use IDX.');
    return;
  }
  if (a.length >= UINT32_MAX - 1 || b.length >= UINT32_MAX - 1) {
    c.error('ERR String too long for LCS');
    return;
  }
  const alen = a.length, blen = b.length, w = blen + 1;
  const cells = (alen + 1) * (blen + 1);
  if (cells * 4 > c.server.config.protoMaxBulkLen) {
    c.error('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
    return;
  }
  let lcs: Uint32Array;
  try {
    lcs = new Uint32Array(cells); // zero-filled: row 0 and column 0 stay 0
  } catch {
    c.error('ERR Insufficient memory, failed allocating transient memory for LCS');
    return;
  }
  for (let i = 1; i <= alen; i++) {
    const ch = a.charCodeAt(i - 1);
    const row = i * w, prev = row - w;
    for (let j = 1; j <= blen; j++) {
      if (ch === b.charCodeAt(j - 1)) {
        lcs[row + j] = lcs[prev + j - 1] + 1;
      } else {
        const l1 = lcs[prev + j], l2 = lcs[row + j - 1];
        lcs[row + j] = l1 > l2 ? l1 : l2;
      }
    }
  }
  const total = lcs[alen * w + blen];
  if (getLen) {
    c.w.int(total);
    return;
  }
  // Backtrack from the end, building the LCS string and the match ranges.
  const out: number[] = new Array(total);
  const ranges: number[] = []; // groups of 5: astart, aend, bstart, bend, len
  let idx = total;
  let aStart = alen, aEnd = 0, bStart = 0, bEnd = 0; // aStart === alen: no range open
  let i = alen, j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      out[idx - 1] = a.charCodeAt(i - 1);
      if (aStart === alen) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--; i--; j--;
    } else {
      if (lcs[(i - 1) * w + j] > lcs[i * w + j - 1]) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (getIdx && (minMatchLen === 0 || matchLen >= minMatchLen)) ranges.push(aStart, aEnd, bStart, bEnd, matchLen);
      aStart = alen;
    }
  }
  if (!getIdx) {
    c.w.bulk(joinCodes(out));
    return;
  }
  c.w.mapLen(2);
  c.w.bulk('matches');
  c.w.arrayLen(ranges.length / 5);
  for (let k = 0; k < ranges.length; k += 5) {
    c.w.arrayLen(withMatchLen ? 3 : 2);
    c.w.arrayLen(2);
    c.w.int(ranges[k]);
    c.w.int(ranges[k + 1]);
    c.w.arrayLen(2);
    c.w.int(ranges[k + 2]);
    c.w.int(ranges[k + 3]);
    if (withMatchLen) c.w.int(ranges[k + 4]);
  }
  c.w.bulk('len');
  c.w.int(total);
}

/** Char codes to a latin1 string in chunks (fromCharCode.apply has an argument limit). */
function joinCodes(codes: number[]): string {
  let s = '';
  for (let k = 0; k < codes.length; k += 65536) s += String.fromCharCode.apply(null, codes.slice(k, k + 65536));
  return s;
}

export const LCS_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'lcs', arity: -3, flags: ['readonly'], acl: ['string'],
    keySpecs: [{
      flags: ['RO', 'access'],
      begin_search: { type: 'index', index: 1 },
      find_keys: { type: 'range', lastkey: 1, step: 1, limit: 0 },
    }],
    summary: 'Compute the longest common subsequence of two strings.', since: '7.0.0', group: 'string',
    complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively',
    arguments: [
      { name: 'key1', type: 'key', key_spec_index: 0 },
      { name: 'key2', type: 'key', key_spec_index: 0 },
      { name: 'len', type: 'pure-token', token: 'LEN', flags: ['optional'] },
      { name: 'idx', type: 'pure-token', token: 'IDX', flags: ['optional'] },
      { name: 'len', type: 'integer', token: 'MINMATCHLEN', flags: ['optional'] },
      { name: 'withmatchlen', type: 'pure-token', token: 'WITHMATCHLEN', flags: ['optional'] },
    ],
    handler: lcsCommand,
  },
];
