/* ==========================================================================
 * CLIENT PAUSE: hold clients' commands until a deadline or CLIENT UNPAUSE.
 *
 * Redis 7.0 semantics (pauseClients / updateClientPauseTypeAndEndTime /
 * blockPostponeClient): the gatekeeper runs its usual checks first (so an
 * unknown command or a wrong arity is still answered at once), then, while a
 * pause is active, a command that the pause covers is not executed: it is
 * kept in `c.postponed`, the client is flagged CF.POSTPONED and processInput
 * stops reading its buffer. A pause of type ALL covers every command
 * (CLIENT UNPAUSE included); WRITE covers commands flagged write or
 * may_replicate (PUBLISH, EVAL...) and an EXEC whose queue holds one.
 * Replica links and captured pseudo-clients are never held.
 *
 * A new pause while one is active keeps the most restrictive type and the
 * furthest deadline. While paused, keys are not expired (reads see expired
 * keys as missing but nothing is deleted), like Redis.
 *
 * One coarse shared timer fires at the deadline (never a timer per client).
 * When the pause ends, held clients are re-run in the order they were held
 * (each re-enters the gatekeeper, so it may be held again by a new pause),
 * then their remaining input is processed.
 * ========================================================================== */

import { CMD, type CommandEntry } from '../commands/table';
import { CF, type Client } from './client';
import type { Server } from './server';
import { processCommand, processInput } from './dispatch';
import { afterBatch } from './listener';

export const enum PauseType {
  OFF = 0,
  WRITE = 1,
  ALL = 2,
}

/** setTimeout's largest delay; longer pauses re-arm the timer when it fires. */
const MAX_DELAY = 2147483647;

export class ClientPause {
  type: PauseType = PauseType.OFF;
  /** Deadline, unix ms (may be far beyond 2^53 after a huge timeout: only compared). */
  end = 0;
  /** Held clients, in the order their command was held. */
  private held: Client[] = [];
  private timer: NodeJS.Timeout | null = null;
  private resumeScheduled = false;
  /** server.expireEnabled as it was when the pause began. */
  private savedExpire = true;
  private readonly onTimer: () => void;
  private readonly onResume: () => void;

  constructor(private readonly srv: Server) {
    this.onTimer = () => this.timerFired();
    this.onResume = () => this.resumeHeld();
    srv.closeHooks.push((c) => this.forget(c));
  }

  /** Clients currently held (INFO / tests). */
  get heldCount(): number {
    return this.held.length;
  }

  /**
   * Start or extend a pause until `end` (unix ms). Combines with an active
   * pause: most restrictive type, furthest deadline.
   */
  pause(end: number, type: PauseType): void {
    if (this.type === PauseType.OFF) {
      this.savedExpire = this.srv.expireEnabled;
      this.srv.expireEnabled = false;
      this.type = type;
      this.end = end;
    } else {
      if (type > this.type) this.type = type;
      if (end > this.end) this.end = end;
    }
    if (!this.expireIfDue(Date.now())) this.arm();
  }

  /** CLIENT UNPAUSE: end the pause now; held clients run on the next tick. */
  unpause(): void {
    if (this.type === PauseType.OFF) return;
    this.stop();
  }

  /**
   * Gatekeeper check: true when `c`'s command `e` must be held now. Called
   * only while `type` is not OFF (the caller tests that first, for speed).
   */
  mustHold(c: Client, e: CommandEntry): boolean {
    if (this.expireIfDue(Date.now())) return false;
    if (c.flags & (CF.SLAVE | CF.FAKE)) return false;
    if (this.type === PauseType.ALL) return true;
    const W = CMD.WRITE | CMD.MAY_REPLICATE;
    if (e.flagBits & W) return true;
    return e.parent === null && e.spec.name === 'exec' && (c.multiCmdFlags & W) !== 0;
  }

  /** Hold `argv` for `c`: it is re-run when the pause ends. */
  hold(c: Client, argv: string[]): void {
    c.postponed = argv;
    c.flags |= CF.POSTPONED;
    this.held.push(c);
  }

  /** End the pause if its deadline passed (Redis: end < now). Returns true if it ended. */
  private expireIfDue(now: number): boolean {
    if (this.type === PauseType.OFF) return true;
    if (this.end >= now) return false;
    this.stop();
    return true;
  }

  /** Turn the pause off, restore expiry, schedule the held clients. */
  private stop(): void {
    this.type = PauseType.OFF;
    this.end = 0;
    this.srv.expireEnabled = this.savedExpire;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.held.length > 0 && !this.resumeScheduled) {
      this.resumeScheduled = true;
      setImmediate(this.onResume);
    }
  }

  private arm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    const delay = Math.min(MAX_DELAY, Math.max(1, this.end - Date.now() + 1));
    this.timer = setTimeout(this.onTimer, delay);
    this.timer.unref();
  }

  private timerFired(): void {
    this.timer = null;
    if (!this.expireIfDue(Date.now())) this.arm();
  }

  /**
   * Re-run every held client's command, in hold order, then the rest of its
   * input. A client may be held again if a new pause began meanwhile.
   */
  private resumeHeld(): void {
    this.resumeScheduled = false;
    const list = this.held;
    this.held = [];
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      const argv = c.postponed;
      c.postponed = null;
      c.flags &= ~CF.POSTPONED;
      if (argv === null || !this.srv.clients.has(c.id)) continue;
      processCommand(c, argv);
      if (c.postponed === null) processInput(c);
      afterBatch(c);
    }
  }

  /** A client went away: drop it from the held list. */
  private forget(c: Client): void {
    if (c.postponed === null) return;
    c.postponed = null;
    c.flags &= ~CF.POSTPONED;
    const i = this.held.indexOf(c);
    if (i >= 0) this.held.splice(i, 1);
  }

  /** Server shutdown: cancel the timer. */
  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
