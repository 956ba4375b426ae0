/* ==========================================================================
 * CLIENT LIST / CLIENT INFO formatting and client classification.
 *
 * One line per client, fields in Redis 7.0.15's order (catClientInfoString):
 *   id addr laddr fd name age idle flags db sub psub ssub multi qbuf
 *   qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd
 *   user redir resp
 * Values are what Respite can honestly measure: qbuf is the parser's
 * unparsed bytes, obl the reply bytes not yet flushed, omem the bytes the
 * socket still holds, rbs the writer's chunk size. Respite has no growable
 * query buffer nor reply list, so qbuf-free and oll are 0; tot-mem is
 * clientMemory() (client-memory.ts), the figure client eviction sums.
 * ========================================================================== */

import { CF, type Client } from './client';
import type { Server } from './server';
import { clientMemory } from './client-memory';

/** Client classes (Redis's CLIENT_TYPE_*), for LIST/KILL TYPE filters. */
export const enum ClientType {
  NORMAL = 0,
  SLAVE = 1,
  PUBSUB = 2,
  MASTER = 3,
}

/** Reply chunk size of the writer (reported as rbs / rbp). */
const REPLY_CHUNK = 16 * 1024;

/** Redis's getClientType: monitors count as normal clients. */
export function clientType(c: Client): ClientType {
  if (c.flags & CF.MASTER) return ClientType.MASTER;
  if (c.flags & CF.SLAVE && !(c.flags & CF.MONITOR)) return ClientType.SLAVE;
  if (c.flags & CF.PUBSUB) return ClientType.PUBSUB;
  return ClientType.NORMAL;
}

/** Redis's getClientTypeByName (any case); -1 when unknown. */
export function clientTypeByName(name: string): ClientType | -1 {
  switch (name.toLowerCase()) {
    case 'normal': return ClientType.NORMAL;
    case 'slave':
    case 'replica': return ClientType.SLAVE;
    case 'pubsub': return ClientType.PUBSUB;
    case 'master': return ClientType.MASTER;
    default: return -1;
  }
}

/** The flags letters of CLIENT LIST, in Redis's order; 'N' when none. */
function flagLetters(c: Client): string {
  const f = c.flags;
  let s = '';
  if (f & CF.MONITOR) s += 'O';
  else if (f & CF.SLAVE) s += 'S';
  if (f & CF.MASTER) s += 'M';
  if (f & CF.PUBSUB) s += 'P';
  if (f & CF.MULTI) s += 'x';
  if (f & (CF.BLOCKED | CF.POSTPONED)) s += 'b';
  if (f & CF.TRACKING) s += 't';
  if (f & CF.TRACKING_BROKEN_REDIR) s += 'R';
  if (f & CF.TRACKING_BCAST) s += 'B';
  if (f & CF.DIRTY_CAS) s += 'd';
  if (f & CF.CLOSE_AFTER_REPLY) s += 'c';
  if (f & CF.CLOSE_ASAP) s += 'A';
  if (f & CF.UNIX_SOCKET) s += 'U';
  if (f & CF.READONLY) s += 'r';
  if (f & CF.NO_EVICT) s += 'e';
  return s === '' ? 'N' : s;
}

/** Sum of argument lengths: the command being run (or held by CLIENT PAUSE). */
function argvMem(c: Client, self: Client | null): number {
  const argv = c === self ? c.argv : c.postponed;
  if (argv === null) return 0;
  let n = 0;
  for (let i = 0; i < argv.length; i++) n += argv[i].length;
  return n;
}

/**
 * One CLIENT LIST line for `c` (no trailing newline). `self` is the client
 * running the command: its current command counts in argv-mem.
 */
export function clientInfoLine(c: Client, self: Client | null): string {
  const nowSec = Math.floor(Date.now() / 1000);
  const s = c.socket;
  const qbuf = c.parser.buffered;
  const argvm = argvMem(c, self);
  const obl = c.w.pending;
  const omem = s !== null ? s.writableLength : 0;
  const multi = c.flags & CF.MULTI ? c.multiCount : -1;
  let events = '';
  if (s !== null && !s.destroyed) {
    if (!c.readPaused) events += 'r';
    if (s.writableLength > 0) events += 'w';
  }
  const totMem = clientMemory(c, c === self);
  return 'id=' + c.id +
    ' addr=' + c.addr +
    ' laddr=' + c.laddr +
    ' fd=' + c.fd +
    ' name=' + c.name +
    ' age=' + (nowSec - Math.floor(c.ctime / 1000)) +
    ' idle=' + (nowSec - Math.floor(c.lastInteraction / 1000)) +
    ' flags=' + flagLetters(c) +
    ' db=' + c.db.id +
    ' sub=' + c.subCount +
    ' psub=' + c.psubCount +
    ' ssub=' + c.ssubCount +
    ' multi=' + multi +
    ' qbuf=' + qbuf +
    ' qbuf-free=0' +
    ' argv-mem=' + argvm +
    ' multi-mem=' + c.multiMem +
    ' rbs=' + REPLY_CHUNK +
    ' rbp=' + REPLY_CHUNK +
    ' obl=' + obl +
    ' oll=0' +
    ' omem=' + omem +
    ' tot-mem=' + totMem +
    ' events=' + events +
    ' cmd=' + c.lastCmd +
    ' user=' + c.user +
    ' redir=' + (c.flags & CF.TRACKING ? c.trackingRedir : -1) +
    ' resp=' + c.w.proto;
}

/** Every connected client's line (each ending in "\n"), optionally of one type only. */
export function allClientsInfo(srv: Server, type: ClientType | -1, self: Client | null): string {
  let out = '';
  for (const c of srv.clients.values()) {
    if (type !== -1 && clientType(c) !== type) continue;
    out += clientInfoLine(c, self) + '\n';
  }
  return out;
}
