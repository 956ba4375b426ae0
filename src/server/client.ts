/* ==========================================================================
 * Client: the state of one connection (or of a pseudo-client whose replies
 * are captured: MULTI/EXEC, scripts, AOF loading, replication).
 *
 * Fields are all initialised in the constructor (stable hidden class). The
 * socket glue lives in listener.ts; a Client without a socket is a captured
 * client: its writer's sink decides where replies go.
 * ========================================================================== */

import type { Socket } from 'node:net';
import { RequestParser } from '../protocol/parser';
import { ReplyWriter, type ReplySink } from '../protocol/writer';
import type { Db } from '../store/db';
import type { Server } from './server';
import type { CommandEntry } from '../commands/table';
import type { QueuedCommand } from './multi';
import type { BlockState } from './blocking';

/** Client flag bits (subset of Redis's CLIENT_* flags that we track). */
export const enum CF {
  CLOSE_AFTER_REPLY = 1 << 0,
  CLOSE_ASAP = 1 << 1,
  MULTI = 1 << 2,
  PUBSUB = 1 << 3,
  BLOCKED = 1 << 4,
  MONITOR = 1 << 5,
  NO_EVICT = 1 << 6,
  NO_TOUCH = 1 << 7,
  READONLY = 1 << 8,
  TRACKING = 1 << 9,
  UNIX_SOCKET = 1 << 10,
  DIRTY_EXEC = 1 << 11,
  DIRTY_CAS = 1 << 12,
  PUSHING = 1 << 13,
  /** Captured pseudo-client (no socket). */
  FAKE = 1 << 14,
  /** Command held by CLIENT PAUSE (Redis's BLOCKED_POSTPONE): input is not processed. */
  POSTPONED = 1 << 15,
  /** Blocking commands answer at once as if timed out (inside EXEC, scripts). */
  DENY_BLOCKING = 1 << 20,
  /** Replica link / our master link (CLIENT LIST flags S, M; TYPE filters). */
  SLAVE = 1 << 16,
  MASTER = 1 << 17,
  /** Tracking in BCAST mode / redirect target gone (CLIENT LIST flags B, R). */
  TRACKING_BCAST = 1 << 18,
  TRACKING_BROKEN_REDIR = 1 << 19,
  /** CLIENT TRACKING modes and the one-shot CLIENT CACHING flag (see tracking.ts). */
  TRACKING_OPTIN = 1 << 21,
  TRACKING_OPTOUT = 1 << 22,
  TRACKING_CACHING = 1 << 23,
  TRACKING_NOLOOP = 1 << 24,
}

export const enum ReplyMode {
  ON = 0,
  OFF = 1,
  SKIP = 2,
}

export class Client {
  readonly id: number;
  readonly server: Server;
  socket: Socket | null;
  readonly w: ReplyWriter;
  readonly parser: RequestParser;
  db: Db;
  flags = 0;
  name = '';
  libName = '';
  libVer = '';
  user = 'default';
  authenticated: boolean;
  replyMode = ReplyMode.ON;
  /** Set by CLIENT REPLY SKIP: suppress the reply of the next command only. */
  skipNext = false;
  /** Set by CLIENT REPLY ON: its own +OK goes out even though the command ran with replies off. */
  replyOnNow = false;
  /** Remote "ip:port" and local "ip:port" (CLIENT LIST addr / laddr). */
  addr = '';
  laddr = '';
  fd = -1;
  /** Creation and last-interaction times, unix ms. */
  readonly ctime: number;
  lastInteraction: number;
  /** The command being run (or last run) and its argv. */
  cmd: CommandEntry | null = null;
  argv: string[] = [];
  /** Last command's full name (CLIENT LIST cmd=). */
  lastCmd = 'NULL';
  /** Error replies sent during the current command (for failed_calls). */
  errors = 0;
  /** Deadline of a blocking command (unix ms, 0 = forever), -1 when not blocked. */
  blockedUntil = -1;
  /** Set when the connection must not be read from (paused or over output limit). */
  readPaused = false;
  /** Output-buffer-limit soft-limit start time (ms), 0 when under the soft limit. */
  obufSoftSince = 0;
  /** Total bytes received (INFO total_net_input_bytes). */
  netIn = 0;
  /**
   * Counters other families keep up to date for CLIENT LIST / INFO: pub/sub
   * subscriptions (sub, psub, ssub), queued MULTI commands and their argv
   * bytes (multi, multi-mem), the OR of the queued commands' CMD flag bits
   * (CLIENT PAUSE WRITE holds an EXEC whose queue writes), and the tracking
   * redirection id (redir; read only while CF.TRACKING is set).
   */
  subCount = 0;
  psubCount = 0;
  ssubCount = 0;
  multiCount = 0;
  multiMem = 0;
  multiCmdFlags = 0;
  trackingRedir = -1;
  /** BCAST prefixes of CLIENT TRACKING (null when none). */
  trackingPrefixes: string[] | null = null;
  /** Commands queued by MULTI (see multi.ts). */
  mqueue: QueuedCommand[] = [];
  /** What a client blocked on keys waits for (see blocking.ts); null when not blocked on keys. */
  bstate: BlockState | null = null;
  /** The command held while clients are paused (CF.POSTPONED), re-run when the pause ends. */
  postponed: string[] | null = null;

  constructor(server: Server, socket: Socket | null, sink: ReplySink, db: Db) {
    this.id = server.nextClientId++;
    this.server = server;
    this.socket = socket;
    this.w = new ReplyWriter(sink);
    this.parser = new RequestParser();
    this.db = db;
    this.authenticated = !server.authRequired();
    this.parser.authenticated = this.authenticated;
    this.parser.maxBulkLen = server.config.protoMaxBulkLen;
    this.ctime = Date.now();
    this.lastInteraction = this.ctime;
  }

  /**
   * Reply with an error and count it (INFO errorstats, failed_calls).
   * `msg` is the full text with its code prefix ("ERR ...", "WRONGTYPE ...").
   */
  error(msg: string): void {
    this.errors++;
    this.server.stats.countError(msg);
    this.w.error(msg);
  }

  /** Select database `i` (caller checked the range). */
  select(i: number): void {
    this.db = this.server.dbs[i];
  }
}
