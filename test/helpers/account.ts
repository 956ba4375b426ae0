/* ==========================================================================
 * Memory-account invariants (src/store/db.ts Db.bytes), for fuzzers:
 *  - each database's account equals the sum of what its keys were charged;
 *  - every non-string value was re-costed after its last change (its
 *    charge is what it costs now), i.e. no write skipped keyChanged(). Reads
 *    may move a value's dict through its incremental rehash (as in Redis),
 *    which shifts its structure cost a little until the next write, so small
 *    differences (<= 20%, or 64 bytes) are accepted.
 * ========================================================================== */

import type { Server } from '../../src/server/server';
import { accountBytes, strBytes } from '../../src/store/cost';
import { flushAccounts } from '../../src/store/db';

/** Descriptions of broken invariants (empty when the account is exact). */
export function accountProblems(srv: Server): string[] {
  flushAccounts();
  const out: string[] = [];
  for (const db of srv.dbs) {
    const d = db.dict;
    let sum = 0;
    for (let i = 0; i < d.slots; i++) {
      const key = d.keyAt(i);
      if (key === null) continue;
      const v = d.valAt(i);
      if (typeof v === 'string') {
        sum += strBytes(key.length) + strBytes(v.length);
        continue;
      }
      sum += strBytes(key.length) + v.acct;
      const now = accountBytes(v);
      if (Math.abs(now - v.acct) > Math.max(64, 0.2 * now)) out.push(`db${db.id} key ${JSON.stringify(key)}: charged ${v.acct}, costs ${now}`);
    }
    if (sum !== db.bytes) out.push(`db${db.id}: account ${db.bytes}, sum of charges ${sum}`);
  }
  return out;
}
