/* ==========================================================================
 * Per-client memory: what one connection costs Respite (Redis's
 * getClientMemoryUsage), reported as CLIENT LIST / CLIENT INFO tot-mem and
 * summed by client eviction (maxmemory-clients, see client-evict.ts).
 *
 * Components, each an honest estimate of Respite's own V8 costs (measured
 * on Node 20 / V8 11 x64 under `node --expose-gc`: heapUsed + external
 * growth per item over 10k-100k items; table in docs/memory.md, "Client
 * memory"):
 *   - the connection itself: Client + RequestParser + ReplyWriter + the
 *     net.Socket with its handle wrapper, listeners and sink (measured per
 *     connected idle client); a captured pseudo-client has no socket;
 *   - the query buffer: the parser's retained input buffer, its collector
 *     for a big bulk argument (allocated at the announced length, like
 *     Redis's pre-sized querybuf) and the arguments of a partially read
 *     command;
 *   - the argv of the command being run (or held by CLIENT PAUSE): array
 *     plus strings, as argv-mem counts it;
 *   - MULTI: per queued command its record, argv array and strings;
 *   - WATCH: per watched key its records in the per-client and per-key
 *     lists (the key bytes are not counted, as Redis does not);
 *   - pub/sub: per channel / pattern / shard channel its entries in the
 *     client's set and the server's tables (names not counted, as Redis);
 *   - client-side caching: per BCAST prefix its state in the prefix table;
 *   - output: the writer's chunk (pending replies) and the bytes the socket
 *     still queues (written but not yet taken by the kernel).
 * A partially read command can be huge (a million-argument MSET arriving
 * in many reads) and so can a MULTI queue, so their cost is accumulated
 * incrementally (GrowingCost): re-measuring visits only the new arguments
 * or queued commands. The running command's argv is summed directly (once
 * per command, no more than parsing it cost). Everything else is O(1).
 * ========================================================================== */

import { CF, type Client } from './client';
import type { QueuedCommand } from './multi';
import { watchStateIfAny } from './watch';
import { arrayBytes, strBytes } from '../store/cost';

// --- measured costs (bytes) ----------------------------------------------------

/** A connected idle client: Client, parser, writer, net.Socket + handle wrapper, listeners, sink. */
export const CLIENT_CONNECTED = 2720;
/** A captured pseudo-client (no socket): Client, parser, writer. */
export const CLIENT_FAKE = 650;
/** One queued MULTI command: its { e, argv } record plus its queue slot (with the queue's growth slack). */
const QUEUED_COMMAND = 40;
/** One watched key: WatchedKey record + slots in the client's and the key's lists (+ map entry share). */
const WATCHED_KEY = 190;
/** One subscription: client set entry + server channel map entry + its client set. */
const SUB_CHANNEL = 192;
/** One pattern subscription: as a channel plus the compiled glob matcher. */
const SUB_PATTERN = 312;
/** One shard-channel subscription. */
const SUB_SHARD = 216;
/** One CLIENT TRACKING BCAST prefix: list slot + prefix-table entry with its key map and client set. */
const TRACKING_PREFIX = 406;
// --- incremental costs of growing arrays ----------------------------------------

/** String bytes plus array of an argument vector (no array when empty). */
function argvBytes(arr: readonly string[]): number {
  let b = arr.length === 0 ? 0 : arrayBytes(arr.length);
  for (let i = 0; i < arr.length; i++) b += strBytes(arr[i].length);
  return b;
}

/**
 * Running sum over one array that only grows (the parser's partial argv,
 * the MULTI queue): re-measuring visits only the new elements; another or
 * a shrunk array restarts the sum. The array is held weakly, so a finished
 * command or a discarded queue is never kept alive by its measurement.
 */
class GrowingCost<T> {
  private ref: WeakRef<T[]> | null = null;
  private n = 0;
  private bytes = 0;

  constructor(private readonly cost: (x: T) => number) {}

  of(arr: T[]): number {
    if (this.ref === null || this.ref.deref() !== arr || arr.length < this.n) {
      this.ref = new WeakRef(arr);
      this.n = 0;
      this.bytes = 0;
    }
    for (let i = this.n; i < arr.length; i++) this.bytes += this.cost(arr[i]);
    this.n = arr.length;
    return this.bytes;
  }

  /** Forget the array (it is empty or gone). */
  clear(): void {
    if (this.ref !== null) {
      this.ref = null;
      this.n = this.bytes = 0;
    }
  }
}

/** One queued MULTI command: record, argv array and strings. */
function queuedBytes(q: QueuedCommand): number {
  return QUEUED_COMMAND + argvBytes(q.argv);
}

/** Per-client running sums (created on first measure). */
class MemCache {
  readonly partial = new GrowingCost<string>((a) => strBytes(a.length));
  readonly multi = new GrowingCost<QueuedCommand>(queuedBytes);
}

const CACHES = new WeakMap<Client, MemCache>();

/** The private fields of the parser and writer we read (no accessor for them exists). */
interface ParserInternals { buf: Buffer; big: Buffer | null; argv: string[] }
interface WriterInternals { chunk: Buffer | null }

// --- the figure ------------------------------------------------------------------

/**
 * Memory `c` holds, in bytes (tot-mem). `running`: `c` is executing (or
 * about to execute) the command in c.argv, whose arguments then count, as
 * in argv-mem; otherwise only a command held by CLIENT PAUSE counts.
 * No side effects besides the per-client incremental caches.
 */
export function clientMemory(c: Client, running = false): number {
  let cache = CACHES.get(c);
  if (cache === undefined) CACHES.set(c, (cache = new MemCache()));
  const s = c.socket;
  let mem = s !== null ? CLIENT_CONNECTED : CLIENT_FAKE;
  // query buffer: retained input, big-argument collector, a partially read command
  const p = c.parser as unknown as ParserInternals;
  mem += p.buf.length;
  if (p.big !== null) mem += p.big.length;
  if (p.argv.length !== 0) mem += cache.partial.of(p.argv) + arrayBytes(p.argv.length);
  else cache.partial.clear();
  // the command's arguments (once per command: as costly as parsing them)
  const argv = running ? c.argv : c.flags & CF.POSTPONED ? c.postponed : null;
  if (argv !== null) mem += argvBytes(argv);
  // transaction state
  if (c.mqueue.length !== 0) mem += cache.multi.of(c.mqueue);
  else cache.multi.clear();
  const ws = watchStateIfAny(c.server);
  if (ws !== null) mem += WATCHED_KEY * ws.watchedBy(c);
  // pub/sub and tracking
  mem += SUB_CHANNEL * c.subCount + SUB_PATTERN * c.psubCount + SUB_SHARD * c.ssubCount;
  if (c.trackingPrefixes !== null) mem += TRACKING_PREFIX * c.trackingPrefixes.length;
  // output: the writer's chunk (pending replies) and what the socket still queues
  const chunk = (c.w as unknown as WriterInternals).chunk;
  if (chunk !== null) mem += chunk.length;
  if (s !== null) mem += s.writableLength;
  return mem;
}
