/* ==========================================================================
 * Shared argument parser of the multi-key pop commands LMPOP / BLMPOP
 * (list-ops.ts, list-blocking.ts) and ZMPOP / BZMPOP (zset-pop.ts,
 * zset-blocking.ts): `numkeys key... WHERE [COUNT n]`, where WHERE is one
 * of two keywords (LEFT|RIGHT, MAX|MIN). Redis's lmpopGenericCommand and
 * zmpopGenericCommand parse identically, with the same error texts.
 * ========================================================================== */

import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseInt64 } from '../protocol/numbers';
import { is } from './args';

/** Parsed LMPOP / BLMPOP / ZMPOP / BZMPOP arguments. */
export interface MpopArgs {
  /** argv index of the first key. */
  first: number;
  numkeys: number;
  /** True for the first keyword given to parseMpop (LEFT = head; MAX = high end). */
  where: boolean;
  count: number;
}

/** Integer >= 1, else `ERR <msg>` (getRangeLongFromObjectOrReply). */
function atLeastOne(c: Client, s: string, msg: string): number | null {
  const v = parseInt64(s);
  if (v === null || v < 1) {
    c.error('ERR ' + msg);
    return null;
  }
  return v;
}

/**
 * Parse `numkeys key... yes|no [COUNT n]` from argv[idx]: numkeys >= 1,
 * the direction keyword right after the keys (`yes` gives where = true,
 * `no` false, anything else a syntax error), COUNT >= 1 at most once.
 * Returns null after replying the error.
 */
export function parseMpop(c: Client, argv: string[], idx: number, yes: string, no: string): MpopArgs | null {
  const numkeys = atLeastOne(c, argv[idx], 'numkeys should be greater than 0');
  if (numkeys === null) return null;
  const whereIdx = idx + numkeys + 1;
  if (whereIdx >= argv.length) {
    c.error(E.SYNTAX);
    return null;
  }
  const wh = argv[whereIdx];
  let where: boolean;
  if (is(wh, yes)) where = true;
  else if (is(wh, no)) where = false;
  else {
    c.error(E.SYNTAX);
    return null;
  }
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && j + 1 < argv.length && is(argv[j], 'count')) {
      const v = atLeastOne(c, argv[++j], 'count should be greater than 0');
      if (v === null) return null;
      count = v;
    } else {
      c.error(E.SYNTAX);
      return null;
    }
  }
  return { first: idx + 1, numkeys, where, count: count === -1 ? 1 : count };
}
