/* ==========================================================================
 * Server: the root object — config, databases, clients, command table,
 * stats and the cron. One process may run several servers (the programmatic
 * API); nothing here is module-global.
 *
 * The Server is the databases' KeyspaceHost: it owns the per-command time
 * snapshot and decides what happens when a key expires.
 * ========================================================================== */

import { Config } from '../config/table';
import { buildCommandTable, type CommandTable } from '../commands/table';
import { Db, type KeyspaceHost } from '../store/db';
import { Client } from './client';
import { Stats } from './stats';
import { Logger } from './log';
import { Cron } from './cron';
import { Listener } from './listener';
import { ClientPause } from './pause';
import { Blocking } from './blocking';
import { Tracking } from './tracking';
import { Slowlog } from './slowlog';
import { LatencyMonitor } from './latency';
import { installIntrospection } from './monitor';
import { Eviction, EvictPolicy, policyBits, lfuNew, lfuTouch } from './evict';
import type { GateHooks } from './dispatch';
import type { KeyspaceHooks } from './keyspace';
import { Level } from './log';
// The module's binding, not the `performance` global: in Node that global is a lazy getter, run on every use.
import { performance } from 'node:perf_hooks';

export const REDIS_VERSION = '7.0.15';
export const RESPITE_VERSION = '0.1.0';

export class Server implements KeyspaceHost {
  readonly config: Config;
  readonly dbs: Db[];
  readonly clients = new Map<number, Client>();
  readonly table: CommandTable;
  readonly stats = new Stats();
  readonly log: Logger;
  readonly cron: Cron;
  listener: Listener | null = null;
  nextClientId = 1;
  /** Unix ms when the server started (INFO uptime). */
  readonly startTime = Date.now();
  /** Random 40-hex run id (INFO run_id). */
  readonly runId: string;
  /** Path of the config file it was started with ('' if none): CONFIG REWRITE target. */
  configFile = '';
  /** Writes since the last save (INFO rdb_changes_since_last_save). */
  dirty = 0;
  /** Executable path and argv (INFO executable, config_file). */
  executable = process.argv[1] ?? '';
  shuttingDown = false;
  /** Set by main.ts: how SHUTDOWN ends the process (programmatic servers just close). */
  onShutdown: (() => void) | null = null;
  /** Listeners for key modifications and keyspace events (see keyspace.ts). */
  readonly keyHooks: KeyspaceHooks = { modified: [], event: [], flushed: [], swapped: [] };
  /** Gatekeeper extension points (MULTI, pub/sub context...). */
  readonly gate: GateHooks = { beforeCall: null, afterCall: null };
  /** Cleanups run when any client goes away (blocking, pub/sub, WATCH...). */
  readonly closeHooks: ((c: Client) => void)[] = [];
  /** Per-client state drops run by RESET (MULTI/WATCH, pub/sub, tracking, MONITOR). */
  readonly resetHooks: ((c: Client) => void)[] = [];
  /** CLIENT PAUSE state (see pause.ts). */
  readonly pause: ClientPause;
  /** Clients blocked on keys, ready keys, shared timeouts (see blocking.ts). */
  readonly blocking: Blocking;
  /** Client-side caching: tracked keys and BCAST prefixes (see tracking.ts). */
  readonly tracking: Tracking;
  /** The client whose command is executing (outermost call()), else null. */
  currentClient: Client | null = null;
  /** Nesting of call(): 0 outside commands, 1 in a command, more inside EXEC. */
  callDepth = 0;
  /** Clients in MONITOR mode, in the order they started (see monitor.ts). */
  readonly monitors: Client[] = [];
  /** SLOWLOG entries and the latency monitor's time series (slowlog.ts, latency.ts). */
  readonly slowlog = new Slowlog();
  readonly latency = new LatencyMonitor();
  /** call() takes its slow path (slowlog / latency events) for commands of at least this many µs. */
  slowCallUs = Infinity;
  /** Resolves when the server has fully stopped. */
  private closing: Promise<void> | null = null;

  // --- KeyspaceHost --------------------------------------------------------
  /** Time snapshot of the running command (unix ms). */
  now = Date.now();
  /** Wall clock (unix ms) and performance.now() read together by syncClock(). */
  wallBase = Date.now();
  perfBase = performance.now();
  /** performance.now() handed from processInput to the next call() (-1: none); see dispatch.ts. */
  chainStart = -1;
  /** performance.now() at the end of the last call(). */
  lastCallEnd = 0;
  expireEnabled = true;
  noTouch = false;
  /** LRU clock in seconds, 24 bits (Redis's LRU_CLOCK). */
  lruClock = 0;
  /** maxmemory-policy as EvictPolicy bits (kept in step by CONFIG SET). */
  evictPolicy = 0;
  /** Keys' metadata words hold LFU counters (an LFU policy), else LRU clocks. */
  lfu = false;
  /** Eviction state (server/evict.ts). */
  readonly eviction: Eviction;
  /** Client memory at the last refresh (server/memory.ts refreshClientsMemory), part of used_memory. */
  clientsMemory = 0;

  constructor(config: Config, log?: Logger) {
    this.config = config;
    this.log = log ?? new Logger(config);
    this.table = buildCommandTable();
    this.dbs = [];
    for (let i = 0; i < config.databases; i++) this.dbs.push(new Db(i, this));
    this.runId = randomHex(40);
    this.cron = new Cron(this);
    this.pause = new ClientPause(this);
    this.tracking = new Tracking(this);
    const blocking = (this.blocking = new Blocking(this));
    this.closeHooks.push((c) => blocking.forget(c));
    this.keyHooks.swapped.push((a, b) => {
      blocking.scanDb(a);
      blocking.scanDb(b);
    });
    installIntrospection(this);
    this.updateLruClock();
    this.eviction = new Eviction(this);
    this.policyChanged();
  }

  /** Follow maxmemory-policy: policy bits and which metadata (LRU or LFU) keys keep. */
  policyChanged(): void {
    this.evictPolicy = policyBits(this.config.maxmemoryPolicy);
    this.lfu = (this.evictPolicy & EvictPolicy.LFU) !== 0;
  }

  /**
   * Re-read the wall clock. call() derives each command's snapshot from
   * performance.now() relative to this pair, which saves a Date.now() per
   * command; it is re-synced per read batch and per cron tick, so wall-clock
   * adjustments show up within one batch.
   */
  syncClock(): void {
    this.wallBase = Date.now();
    this.perfBase = performance.now();
  }

  updateLruClock(): void {
    this.lruClock = Math.floor(Date.now() / 1000) & 0xffffff;
  }

  /** A key expired (lazily or actively): count it, signal it, emit the "expired" event. */
  onExpired(db: Db, key: string): void {
    this.stats.expiredKeys++;
    const hooks = this.keyHooks;
    for (let i = 0; i < hooks.modified.length; i++) hooks.modified[i](db, key);
    for (let i = 0; i < hooks.event.length; i++) hooks.event[i](1 << 8 /* NC.EXPIRED */, 'expired', key, db.id);
  }

  /** notify-keyspace-events has 'n' (NC.NEW): Db.add reports each new key. */
  get notifyNew(): boolean {
    return (this.config.notifyKeyspaceEvents & (1 << 14)) !== 0;
  }

  /** A key was created: the "new" keyspace event (Redis's dbAdd), before the command's own event. */
  keyAdded(db: Db, key: string): void {
    const hooks = this.keyHooks;
    for (let i = 0; i < hooks.event.length; i++) hooks.event[i](1 << 14 /* NC.NEW */, 'new', key, db.id);
  }

  keyReady(db: Db, key: string): void {
    this.blocking.signalReady(db, key);
  }

  touchMeta(old: number): number {
    return this.lfu ? lfuTouch(old, this.now, this) : this.lruClock;
  }

  newMeta(): number {
    return this.lfu ? lfuNew(this.now) : this.lruClock;
  }

  /**
   * An overwritten value: under LFU the key's counter is kept (Redis's
   * dbOverwrite) after the write lookup every overwrite makes (lookupKeyWrite
   * in setKey, which counts as an access); under LRU the new value starts
   * afresh.
   */
  overwriteMeta(old: number): number {
    return this.lfu ? lfuTouch(old, this.now, this) : this.lruClock;
  }

  /** True if new connections must authenticate (requirepass set). */
  authRequired(): boolean {
    return this.config.requirepass !== '';
  }

  /** Create a captured pseudo-client (MULTI bodies, scripts, loading) writing into `sink`. */
  createFakeClient(sink: import('../protocol/writer').ReplySink): Client {
    const c = new Client(this, null, sink, this.dbs[0]);
    c.authenticated = true;
    c.parser.authenticated = true;
    c.flags |= 1 << 14; // CF.FAKE
    return c;
  }

  // --- lifecycle -------------------------------------------------------------

  /** Bind the listeners and start the cron. Rejects if an address cannot be bound. */
  async start(): Promise<void> {
    this.listener = new Listener(this);
    await this.listener.listen();
    this.cron.start();
    this.log.role = 'M';
  }

  /** Stop accepting, close every client, stop the cron. Idempotent. */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.shuttingDown = true;
    this.cron.stop();
    this.pause.close();
    for (const c of [...this.clients.values()]) this.closeClient(c);
    const l = this.listener;
    this.closing = (l !== null ? l.close() : Promise.resolve()).then(() => this.log.close());
    return this.closing;
  }

  /** Close a client's connection now (pending replies are flushed first when possible). */
  closeClient(c: Client): void {
    const s = c.socket;
    if (s !== null && !s.destroyed) {
      c.w.flush();
      s.destroy();
    }
    this.unlinkClient(c);
  }

  /** Forget a client (its socket closed): run every subsystem's cleanup once. */
  unlinkClient(c: Client): void {
    if (!this.clients.delete(c.id)) return;
    c.flags |= 1 << 1; // CF.CLOSE_ASAP: stop processing its input
    for (const h of this.closeHooks) h(c);
  }

  /** Log at a level (convenience for families). */
  logAt(level: Level, msg: string): void {
    this.log.log(level, msg);
  }

  /** Keys in all databases (INFO keyspace, DBSIZE sums). */
  totalKeys(): number {
    let n = 0;
    for (const db of this.dbs) n += db.size;
    return n;
  }
}

function randomHex(n: number): string {
  let s = '';
  while (s.length < n) s += Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, n);
}
