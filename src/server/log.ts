/* ==========================================================================
 * Logger in Redis's format:  <pid>:<role> <dd Mon yyyy hh:mm:ss.mmm> <lvl> <msg>
 * with level marks '.' debug, '-' verbose, '*' notice, '#' warning.
 * Writes synchronously (logging is rare and must survive a crash), to
 * `logfile` or to stdout when it is empty.
 * ========================================================================== */

import * as fs from 'node:fs';
import type { Config } from '../config/table';

export const enum Level {
  DEBUG = 0,
  VERBOSE = 1,
  NOTICE = 2,
  WARNING = 3,
  NOTHING = 4,
}

const MARKS = ['.', '-', '*', '#'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LEVELS: Record<string, Level> = { debug: Level.DEBUG, verbose: Level.VERBOSE, notice: Level.NOTICE, warning: Level.WARNING, nothing: Level.NOTHING };

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

export class Logger {
  /** 'M' master, 'C' while starting (before the config is applied), as Redis does. */
  role = 'C';
  /** Silence everything (programmatic servers default to quiet). */
  quiet = false;
  private fd = -1;
  private openedFor = '';

  constructor(private readonly config: Config) {}

  private target(): number {
    const f = this.config.logfile;
    if (f === '') return 1;
    if (this.fd < 0 || this.openedFor !== f) {
      this.fd = fs.openSync(f, 'a');
      this.openedFor = f;
    }
    return this.fd;
  }

  /** Write one line at `level` if loglevel allows it. */
  log(level: Level, msg: string): void {
    if (this.quiet) return;
    if (level < (LEVELS[this.config.loglevel] ?? Level.NOTICE)) return;
    this.raw(level, msg);
  }

  /** Write regardless of loglevel (Redis's LL_RAW-style start-up lines honour only 'nothing'). */
  raw(level: Level, msg: string): void {
    if (this.quiet) return;
    const d = new Date();
    const ts = `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
    const line = `${process.pid}:${this.role} ${ts} ${MARKS[level] ?? '*'} ${msg}\n`;
    try {
      fs.writeSync(this.target(), line);
    } catch {
      // A log that cannot be written must not take the server down.
    }
  }

  notice(msg: string): void { this.log(Level.NOTICE, msg); }
  warning(msg: string): void { this.log(Level.WARNING, msg); }
  verbose(msg: string): void { this.log(Level.VERBOSE, msg); }
  debug(msg: string): void { this.log(Level.DEBUG, msg); }

  close(): void {
    if (this.fd > 2) {
      try { fs.closeSync(this.fd); } catch { /* already closed */ }
    }
    this.fd = -1;
  }
}
