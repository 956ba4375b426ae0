/* ==========================================================================
 * Blocking on keys: BLPOP and friends, later BZPOP*, BZMPOP and XREAD.
 *
 * Model (Redis's blocked.c, with 7.2's "re-run the command" serving):
 * - A blocking handler that finds nothing to serve calls blockForKeys(): the
 *   client is appended to the FIFO of every key it waits on (per database,
 *   Db.blockedOn), gets CF.BLOCKED (its input is not processed meanwhile)
 *   and, with a timeout, enters one shared min-heap of deadlines.
 * - Db.add() — the one place a key comes into existence — signals the key
 *   as ready when someone waits on it (Redis's signalKeyAsReady from dbAdd);
 *   SWAPDB rescans the swapped databases. Ready keys are only collected.
 * - After each top-level command (dispatch.gate), after EXEC's whole queue,
 *   the gatekeeper calls handleReadyKeys(): for every ready key, the clients
 *   waiting for that key's type are served in the order they blocked, by
 *   re-running their command through call() with `blockReadyKey` set (the
 *   handler then only tries that key). A handler that still finds nothing
 *   keeps its place (blockForKeys is a no-op during its own re-run). Clients
 *   waiting for another type are rotated to the back, as Redis does.
 * - Timeouts are coarse and shared: the cron tick (hz) pops expired
 *   deadlines from the heap — never a timer per blocked client.
 * - Unblocked clients get their pending pipelined input processed on the
 *   next setImmediate turn (Redis's processUnblockedClients in beforeSleep),
 *   which bounds recursion and flushes their replies.
 * ========================================================================== */

import type { CommandEntry } from '../commands/table';
import { parseLD, type LongDouble } from '../commands/string-float';
import { ObjType, type Value } from '../store/values';
import type { Db } from '../store/db';
import { CF, type Client } from './client';
import { call, processInput } from './dispatch';
import { afterBatch } from './listener';
import type { Server } from './server';

/** What a blocked client waits for, and how it answers on timeout. */
export interface BlockState {
  db: Db;
  keys: string[];
  /** Unix ms deadline, 0 = forever. */
  deadline: number;
  /** Value type whose arrival wakes the client. */
  type: ObjType;
  timeoutReply: 'nullarray' | 'null';
  /** The command re-run when a key is ready. */
  e: CommandEntry;
  argv: string[];
  /** Index in the timeout heap, -1 when not in it. */
  heapIndex: number;
}

/** A ready key: where and which. */
interface ReadyKey {
  db: Db;
  key: string;
}

/* ---------------------------------------------------------------------------
 * Per-server blocking state
 * ------------------------------------------------------------------------- */

export class Blocking {
  /** Blocked-on-keys clients ordered by deadline (binary min-heap). */
  private readonly heap: Client[] = [];
  private ready: ReadyKey[] = [];
  /** "<db>\0<key>" of the keys in `ready` (no duplicates, like Redis's ready_keys dict check). */
  private readonly readySet = new Set<string>();
  /** Clients unblocked since the last turn whose input must be resumed. */
  private unblocked: Client[] = [];
  private resumeScheduled = false;
  /** The client whose command is being re-run, and the key that woke it. */
  rerun: Client | null = null;
  blockReadyKey: string | null = null;
  /** Set by blockForKeys(): the running command blocked, call() must not count it yet. */
  justBlocked = false;
  /** Set by blockForKeys() during a re-run: the client found nothing again and keeps waiting. */
  private reblocked = false;
  /** Clients currently blocked on keys. */
  count = 0;

  constructor(private readonly srv: Server) {}

  get hasReady(): boolean {
    return this.ready.length !== 0;
  }

  /** Db.add(): `key` came into existence and someone may wait on it. */
  signalReady(db: Db, key: string): void {
    const id = db.id + '\0' + key;
    if (this.readySet.has(id)) return;
    this.readySet.add(id);
    this.ready.push({ db, key });
  }

  /** SWAPDB: keys waited on in `db` that now exist are ready (Redis's scanDatabaseForReadyKeys). */
  scanDb(db: Db): void {
    for (const key of db.blockedOn.keys()) {
      if (db.peek(key) !== undefined) this.signalReady(db, key);
    }
  }

  /* -------------------------------------------------------------------------
   * Block / unblock
   * ----------------------------------------------------------------------- */

  /**
   * Block `c` on `keys` (the running command c.cmd/c.argv is re-run when one
   * is ready). During the client's own re-run it keeps its place instead.
   */
  block(c: Client, keys: readonly string[], deadline: number, type: ObjType, timeoutReply: 'nullarray' | 'null'): void {
    this.justBlocked = true;
    if (this.rerun === c) {
      this.reblocked = true;
      return;
    }
    const db = c.db;
    const distinct: string[] = [];
    for (const k of keys) {
      if (distinct.includes(k)) continue;
      distinct.push(k);
      const q = db.blockedOn.get(k);
      if (q === undefined) db.blockedOn.set(k, [c]);
      else q.push(c);
    }
    c.bstate = { db, keys: distinct, deadline, type, timeoutReply, e: c.cmd!, argv: c.argv, heapIndex: -1 };
    c.flags |= CF.BLOCKED;
    c.blockedUntil = deadline;
    this.count++;
    if (deadline > 0) this.heapPush(c);
  }

  /** Remove `c` from every wait queue and the heap; its input resumes on the next turn. */
  unblock(c: Client): void {
    const bs = c.bstate;
    if (bs === null) return;
    for (const k of bs.keys) {
      const q = bs.db.blockedOn.get(k);
      if (q === undefined) continue;
      const i = q.indexOf(c);
      if (i >= 0) q.splice(i, 1);
      if (q.length === 0) bs.db.blockedOn.delete(k);
    }
    if (bs.heapIndex >= 0) this.heapRemove(bs.heapIndex);
    c.bstate = null;
    c.flags &= ~CF.BLOCKED;
    c.blockedUntil = -1;
    this.count--;
    this.unblocked.push(c);
    if (!this.resumeScheduled) {
      this.resumeScheduled = true;
      setImmediate(() => this.resume());
    }
  }

  /** A client went away: forget it without replying (closeHooks). */
  forget(c: Client): void {
    if (c.bstate === null) return;
    this.unblock(c);
  }

  /**
   * Answer a blocked client as on timeout (null reply, or `error` for CLIENT
   * UNBLOCK ERROR), count the command in commandstats, unblock it.
   */
  timeOut(c: Client, error: string | null = null): void {
    const bs = c.bstate;
    if (bs === null) return;
    if (error !== null) c.error(error);
    else if (bs.timeoutReply === 'nullarray') c.w.nullArray();
    else c.w.null();
    const st = bs.e.stats;
    st.calls++;
    if (error !== null) st.failed++;
    this.unblock(c);
  }

  /** Cron: time out every client whose deadline has passed (Redis: deadline < now). */
  handleTimeouts(now: number): void {
    const h = this.heap;
    while (h.length > 0 && h[0].bstate!.deadline < now) this.timeOut(h[0]);
  }

  /* -------------------------------------------------------------------------
   * Serving ready keys
   * ----------------------------------------------------------------------- */

  /**
   * Serve the clients blocked on every ready key, until no key is ready
   * (serving may push to other keys: BLMOVE). Called by the gatekeeper after
   * a top-level command, never from inside a command.
   */
  handleReadyKeys(): void {
    while (this.ready.length !== 0) {
      const batch = this.ready;
      this.ready = [];
      this.readySet.clear();
      for (const rk of batch) this.serveKey(rk.db, rk.key);
    }
  }

  /** Serve the clients waiting on one key, FIFO, while the key holds a value of their type. */
  private serveKey(db: Db, key: string): void {
    const q = db.blockedOn.get(key);
    if (q === undefined) return;
    let n = q.length; // only those blocked now: re-blocked ones are not retried
    while (n-- > 0) {
      const v = db.lookup(key);
      if (v === undefined) return;
      const cur = db.blockedOn.get(key);
      if (cur === undefined || cur.length === 0) return;
      const c = cur[0];
      const bs = c.bstate!;
      if (typeOf(v) !== bs.type) {
        cur.push(cur.shift()!); // not for this client: to the back, as Redis
        continue;
      }
      this.rerunFor(c, bs, key);
    }
  }

  /** Re-run a blocked client's command for the ready `key`; unblock it unless it blocked again. */
  private rerunFor(c: Client, bs: BlockState, key: string): void {
    this.rerun = c;
    this.blockReadyKey = key;
    this.reblocked = false;
    c.cmd = bs.e;
    c.argv = bs.argv;
    try {
      call(c, bs.e, bs.argv);
    } finally {
      this.rerun = null;
      this.blockReadyKey = null;
    }
    if (this.reblocked) {
      this.reblocked = false;
      // Still nothing for it: it keeps its place; move it behind the others of this key.
      const q = bs.db.blockedOn.get(key);
      if (q !== undefined && q[0] === c) q.push(q.shift()!);
      return;
    }
    this.unblock(c);
  }

  /** Resume the input of clients unblocked since the last turn and flush their replies. */
  private resume(): void {
    this.resumeScheduled = false;
    const list = this.unblocked;
    this.unblocked = [];
    for (const c of list) {
      if (!this.srv.clients.has(c.id) || c.socket === null) continue;
      processInput(c);
      afterBatch(c);
    }
  }

  /* -------------------------------------------------------------------------
   * Deadline heap
   * ----------------------------------------------------------------------- */

  private heapPush(c: Client): void {
    const h = this.heap;
    h.push(c);
    c.bstate!.heapIndex = h.length - 1;
    this.siftUp(h.length - 1);
  }

  private heapRemove(i: number): void {
    const h = this.heap;
    const last = h.pop()!;
    if (i < h.length) {
      h[i] = last;
      last.bstate!.heapIndex = i;
      this.siftDown(i);
      this.siftUp(i);
    }
  }

  private siftUp(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p], h[i])) break;
      this.swap(i, p);
      i = p;
    }
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) return;
      const r = l + 1;
      const m = r < h.length && less(h[r], h[l]) ? r : l;
      if (less(h[i], h[m])) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(i: number, j: number): void {
    const h = this.heap;
    const t = h[i];
    h[i] = h[j];
    h[j] = t;
    h[i].bstate!.heapIndex = i;
    h[j].bstate!.heapIndex = j;
  }
}

/** Heap order: earlier deadline first, then the client that blocked first. */
function less(a: Client, b: Client): boolean {
  const da = a.bstate!.deadline, dbb = b.bstate!.deadline;
  return da < dbb || (da === dbb && a.id < b.id);
}

function typeOf(v: Value): ObjType {
  return typeof v === 'string' ? ObjType.STRING : v.type;
}

/* ---------------------------------------------------------------------------
 * Handler-side API
 * ------------------------------------------------------------------------- */

/** Plain short decimals take the fast path (exact in a double, no rounding question). */
const SIMPLE_TIMEOUT = /^\d{1,9}(\.\d{1,6})?$/;
const INT64_MIN = -(1n << 63n);
const INT64_LIMIT = 1n << 63n;

/**
 * Parse a blocking command's timeout (seconds, fractional allowed) into an
 * absolute deadline in unix ms; 0 means forever. On a bad value the error is
 * replied and -1 returned. Redis 7.0: strtold, times 1000, ceill, cast to
 * long long — so inf and values past 2^63 ms wrap to LLONG_MIN and are
 * reported as negative, and tiny positive values round up to 1 ms.
 */
export function parseBlockTimeout(c: Client, arg: string): number {
  let ms: number;
  if (SIMPLE_TIMEOUT.test(arg)) {
    ms = Math.ceil(Number(arg) * 1000);
  } else {
    const v = parseLD(arg);
    if (v === null) {
      c.error('ERR timeout is not a float or out of range');
      return -1;
    }
    const big = ceilMillis(v);
    if (big < 0n) {
      c.error('ERR timeout is negative');
      return -1;
    }
    ms = Number(big);
  }
  return ms === 0 ? 0 : c.server.now + ms;
}

/** (long long) ceill(v * 1000) with x86's out-of-range result (LLONG_MIN). */
function ceilMillis(v: LongDouble): bigint {
  if (v.inf) return INT64_MIN;
  const num = v.mant * 1000n;
  let mag: bigint;
  let inexact = false;
  if (v.exp >= 0) {
    mag = num << BigInt(v.exp);
  } else {
    const sh = BigInt(-v.exp);
    mag = num >> sh;
    inexact = mag << sh !== num;
  }
  const r = v.neg ? -mag : inexact ? mag + 1n : mag;
  return r >= INT64_LIMIT || r < INT64_MIN ? INT64_MIN : r;
}

/** Block the running command of `c` on `keys` (see Blocking.block). */
export function blockForKeys(
  c: Client, keys: readonly string[], deadline: number, type: ObjType, timeoutReply: 'nullarray' | 'null',
): void {
  c.server.blocking.block(c, keys, deadline, type, timeoutReply);
}

/** Serve one key of a blocking pop: true when it replied (served, or WRONGTYPE), false if the key is empty. */
export type ServeKey = (c: Client, key: string) => boolean;

/**
 * The body shared by BLPOP / BRPOP / BZPOPMIN / BZPOPMAX: try the keys
 * argv[first .. first+count) in order with `serve` (only the ready key when
 * re-run for a woken client); if none replied, answer a null array inside
 * EXEC, else block on all of them.
 */
export function serveFirstOrBlock(
  c: Client, argv: string[], first: number, count: number, deadline: number, type: ObjType, serve: ServeKey,
): void {
  const only = c.server.blocking.blockReadyKey;
  for (let j = first; j < first + count; j++) {
    const key = argv[j];
    if (only !== null && key !== only) continue;
    if (serve(c, key)) return;
  }
  if (c.flags & CF.DENY_BLOCKING) {
    c.w.nullArray();
    return;
  }
  blockForKeys(c, argv.slice(first, first + count), deadline, type, 'nullarray');
}
