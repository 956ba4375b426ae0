/* ==========================================================================
 * SLOWLOG state and call()'s slow path.
 *
 * Redis's slowlog.c: a list of the last `slowlog-max-len` commands that ran
 * for at least `slowlog-log-slower-than` microseconds (negative: off, 0:
 * every command), newest first. Each entry keeps an id (a counter that also
 * advances when the entry is trimmed away at once, e.g. max-len 0), the unix
 * time in seconds, the duration in µs, the arguments (at most 32, the last
 * one then reading "... (N more arguments)"; each at most 128 bytes, then
 * "... (N more bytes)"), the client's address and its name. Arguments that
 * carry secrets are shown as "(redacted)" (see monitor.ts redactedArgv).
 *
 * call() (dispatch.ts) pays one comparison per command for this and the
 * latency monitor together: `us >= srv.slowCallUs`, where slowCallUs is the
 * smaller of the two thresholds (Infinity when both are off). Only commands
 * past it reach slowCall() below.
 * ========================================================================== */

import { CMD, type CommandEntry } from '../commands/table';
import type { Client } from './client';
import { redactedArgv } from './monitor';
import type { Server } from './server';

/** Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING. */
const MAX_ARGC = 32;
const MAX_STRING = 128;

/** One logged command. */
export class SlowlogEntry {
  constructor(
    readonly id: number,
    /** Unix time, seconds. */
    readonly time: number,
    /** Duration, whole microseconds. */
    readonly duration: number,
    readonly argv: readonly string[],
    readonly peer: string,
    readonly name: string,
  ) {}
}

/**
 * The log: a queue with the oldest entry at `head`. Trimming advances head
 * and compacts the array now and then, so a large max-len never costs a
 * shift per command.
 */
export class Slowlog {
  private items: SlowlogEntry[] = [];
  private head = 0;
  /** Id of the next entry (Redis's slowlog_entry_id). */
  nextId = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  /** Append an entry, then drop the oldest ones beyond `maxLen`. */
  push(e: SlowlogEntry, maxLen: number): void {
    this.items.push(e);
    const over = this.length - maxLen;
    if (over > 0) this.head += over;
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** The `n` newest entries, newest first. */
  newest(n: number): SlowlogEntry[] {
    const out: SlowlogEntry[] = [];
    for (let i = this.items.length - 1; i >= this.head && out.length < n; i--) out.push(this.items[i]);
    return out;
  }

  reset(): void {
    this.items = [];
    this.head = 0;
  }
}

/** The address a slowlog entry shows: "ip:port", "path:0", or "?:0" for clients without a connection. */
export function peerId(c: Client): string {
  return c.addr !== '' ? c.addr : '?:0';
}

/** Build the stored argument vector: at most 32 arguments, each at most 128 bytes (Redis's slowlogCreateEntry). */
function trimArgs(argv: readonly string[]): string[] {
  const argc = argv.length;
  const n = argc > MAX_ARGC ? MAX_ARGC : argc;
  const out: string[] = new Array<string>(n);
  for (let j = 0; j < n; j++) {
    if (n !== argc && j === n - 1) {
      out[j] = `... (${argc - n + 1} more arguments)`;
    } else {
      const a = argv[j];
      out[j] = a.length > MAX_STRING ? `${a.slice(0, MAX_STRING)}... (${a.length - MAX_STRING} more bytes)` : a;
    }
  }
  return out;
}

/**
 * Log a command that ran for `us` microseconds if the slowlog wants it
 * (Redis's slowlogPushCurrentCommand + slowlogPushEntryIfNeeded). Commands
 * flagged skip_slowlog (EXEC: its queued commands are logged one by one)
 * are never logged.
 */
export function slowlogPush(c: Client, e: CommandEntry, argv: readonly string[], us: number): void {
  const srv = c.server;
  const cfg = srv.config;
  const threshold = cfg.slowlogLogSlowerThan;
  if (threshold < 0 || e.flagBits & CMD.SKIP_SLOWLOG) return;
  const duration = Math.floor(us);
  if (duration < threshold) return;
  const log = srv.slowlog;
  const shown = redactedArgv(e, argv) ?? argv;
  const entry = new SlowlogEntry(
    log.nextId++, Math.floor(Date.now() / 1000), duration, trimArgs(shown), peerId(c), c.name,
  );
  log.push(entry, cfg.slowlogMaxLen);
}

/**
 * call()'s slow path, reached only when a command ran for at least
 * srv.slowCallUs: the slowlog entry and the latency-monitor sample
 * ("command", or "fast-command" for commands flagged fast; Redis records
 * ms = µs / 1000, truncated). A blocked command's re-run that serves it is
 * logged once, like Redis logs a blocked command when it is unblocked; its
 * latency is that of the serving run (Redis's "command-unblocking").
 */
export function slowCall(c: Client, e: CommandEntry, argv: readonly string[], us: number): void {
  const srv = c.server;
  slowlogPush(c, e, argv, us);
  const lm = srv.config.latencyMonitorThreshold;
  if (lm > 0) {
    const ms = Math.floor(us / 1000);
    if (ms >= lm) {
      const event = srv.blocking.rerun === c ? 'command-unblocking' : e.flagBits & CMD.FAST ? 'fast-command' : 'command';
      srv.latency.addSample(event, ms);
      srv.latency.reportedMs += ms;
    }
  }
}

/**
 * Recompute srv.slowCallUs from the slowlog and latency-monitor thresholds
 * (at start-up and when CONFIG SET changes either), and start / stop the
 * latency monitor's stall probe.
 */
export function updateSlowCallThreshold(srv: Server): void {
  const cfg = srv.config;
  const sl = cfg.slowlogLogSlowerThan;
  const lm = cfg.latencyMonitorThreshold;
  const a = sl >= 0 ? sl : Infinity;
  const b = lm > 0 ? lm * 1000 : Infinity;
  srv.slowCallUs = a < b ? a : b;
  srv.latency.updateProbe(srv);
}
