/* ==========================================================================
 * Pub/Sub: channel, pattern and shard-channel subscriptions, message
 * fan-out, and the output-buffer limits that protect the server from
 * subscribers that do not read.
 *
 * Server-side state (Redis's server.pubsub_channels / pubsub_patterns /
 * pubsubshard_channels): name -> the subscribed clients, in subscription
 * order (a Set keeps insertion order, like Redis's client lists). The
 * per-client side (Redis's c->pubsub_channels ...) lives in a ClientSubs
 * record kept here, so the Client class does not grow three fields.
 *
 * Fan-out: a message is encoded once per frame kind and protocol version
 * (RESP2 `*`, RESP3 `>` differ only in the first byte) and the same bytes are
 * appended to every receiver's writer. Receivers are other clients than the
 * publisher: they are collected in a set and flushed once, on setImmediate
 * after the publishing batch, and their output-buffer limit is checked then.
 * ========================================================================== */

import { GlobMatcher } from '../store/glob';
import { CF, ReplyMode, type Client } from './client';
import { clientInfoLine, clientType, ClientType } from './clientlist';
import { setInfoField } from './info';
import { installNotifications } from './notify';
import type { Server } from './server';
import { noteClientMemory } from './client-evict';

/** One client's subscriptions (insertion-ordered, like Redis's per-client dict/list). */
class ClientSubs {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shard = new Set<string>();
}

/** A subscribed pattern: its prepared matcher and its clients. */
class PatternSubs {
  readonly matcher: GlobMatcher;
  readonly clients = new Set<Client>();
  constructor(pattern: string) {
    this.matcher = new GlobMatcher(pattern);
  }
}

/** Subscription kinds, as the (un)subscribe replies name them. */
export const enum SubKind {
  CHANNEL = 0,
  PATTERN = 1,
  SHARD = 2,
}

const SUB_NAMES = ['subscribe', 'psubscribe', 'ssubscribe'] as const;
const UNSUB_NAMES = ['unsubscribe', 'punsubscribe', 'sunsubscribe'] as const;

export class PubSub {
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, PatternSubs>();
  readonly shardChannels = new Map<string, Set<Client>>();
  private readonly subs = new Map<Client, ClientSubs>();
  /** Receivers written to since the last flush. */
  private readonly touched = new Set<Client>();
  private flushScheduled = false;
  private readonly flushBound: () => void;

  constructor(readonly srv: Server) {
    this.flushBound = () => this.flushTouched();
    srv.closeHooks.push((c) => {
      this.touched.delete(c);
      this.dropAll(c, false);
    });
    srv.resetHooks.push((c) => this.dropAll(c, false));
    setInfoField(srv, 'pubsub_channels', () => this.channels.size);
    setInfoField(srv, 'pubsub_patterns', () => this.patterns.size);
    setInfoField(srv, 'pubsubshard_channels', () => this.shardChannels.size);
    installNotifications(this);
  }

  // --- subscriptions ---------------------------------------------------------

  private subsOf(c: Client): ClientSubs {
    let s = this.subs.get(c);
    if (s === undefined) {
      s = new ClientSubs();
      this.subs.set(c, s);
    }
    return s;
  }

  /**
   * Subscribe `c` to `name` of `kind` and reply the confirmation push
   * (duplicates are confirmed again without a change, as Redis does).
   */
  subscribe(c: Client, kind: SubKind, name: string): void {
    const s = this.subsOf(c);
    if (kind === SubKind.PATTERN) {
      if (!s.patterns.has(name)) {
        s.patterns.add(name);
        let p = this.patterns.get(name);
        if (p === undefined) this.patterns.set(name, (p = new PatternSubs(name)));
        p.clients.add(c);
        c.psubCount++;
      }
    } else {
      const mine = kind === SubKind.CHANNEL ? s.channels : s.shard;
      if (!mine.has(name)) {
        mine.add(name);
        const map = kind === SubKind.CHANNEL ? this.channels : this.shardChannels;
        let set = map.get(name);
        if (set === undefined) map.set(name, (set = new Set()));
        set.add(c);
        if (kind === SubKind.CHANNEL) c.subCount++;
        else c.ssubCount++;
      }
    }
    c.flags |= CF.PUBSUB;
    this.confirm(c, SUB_NAMES[kind], name, kind);
  }

  /**
   * Unsubscribe `c` from `name` of `kind`; with `notify` the confirmation
   * push is replied (also when `c` was not subscribed to it).
   */
  unsubscribe(c: Client, kind: SubKind, name: string, notify: boolean): void {
    const s = this.subs.get(c);
    if (s !== undefined) {
      if (kind === SubKind.PATTERN) {
        if (s.patterns.delete(name)) {
          const p = this.patterns.get(name)!;
          p.clients.delete(c);
          if (p.clients.size === 0) this.patterns.delete(name);
          c.psubCount--;
        }
      } else {
        const mine = kind === SubKind.CHANNEL ? s.channels : s.shard;
        if (mine.delete(name)) {
          const map = kind === SubKind.CHANNEL ? this.channels : this.shardChannels;
          const set = map.get(name)!;
          set.delete(c);
          if (set.size === 0) map.delete(name);
          if (kind === SubKind.CHANNEL) c.subCount--;
          else c.ssubCount--;
        }
      }
      this.settle(c, s);
    }
    if (notify) this.confirm(c, UNSUB_NAMES[kind], name, kind);
  }

  /**
   * Unsubscribe from every subscription of `kind` (UNSUBSCRIBE without
   * arguments): one push per name, or a single push with a null name when
   * there was none.
   */
  unsubscribeAll(c: Client, kind: SubKind): void {
    const s = this.subs.get(c);
    const names = s === undefined ? [] : [...(kind === SubKind.CHANNEL ? s.channels : kind === SubKind.PATTERN ? s.patterns : s.shard)];
    for (const n of names) this.unsubscribe(c, kind, n, true);
    if (names.length === 0) this.confirm(c, UNSUB_NAMES[kind], null, kind);
  }

  /** Drop every subscription of `c` silently (RESET, disconnect). */
  dropAll(c: Client, notify: boolean): void {
    const s = this.subs.get(c);
    if (s === undefined) return;
    for (const n of [...s.channels]) this.unsubscribe(c, SubKind.CHANNEL, n, notify);
    for (const n of [...s.patterns]) this.unsubscribe(c, SubKind.PATTERN, n, notify);
    for (const n of [...s.shard]) this.unsubscribe(c, SubKind.SHARD, n, notify);
    this.subs.delete(c);
    c.flags &= ~CF.PUBSUB;
  }

  /** Clear the PUBSUB flag and forget the record once nothing is subscribed. */
  private settle(c: Client, s: ClientSubs): void {
    if (s.channels.size + s.patterns.size + s.shard.size === 0) {
      this.subs.delete(c);
      c.flags &= ~CF.PUBSUB;
    }
  }

  /**
   * The (un)subscribe confirmation push: [kind, name|null, count], where
   * count is channels + patterns for the classic kinds and shard channels
   * for the shard kind (Redis's clientSubscriptionsCount /
   * clientShardSubscriptionsCount).
   */
  private confirm(c: Client, what: string, name: string | null, kind: SubKind): void {
    const count = kind === SubKind.SHARD ? c.ssubCount : c.subCount + c.psubCount;
    if (c.replyMode === ReplyMode.OFF) {
      const nil = name === null ? (c.w.proto === 3 ? '_\r\n' : '$-1\r\n') : '$' + name.length + '\r\n' + name + '\r\n';
      const head = c.w.proto === 3 ? '>3\r\n$' : '*3\r\n$';
      pushAround(c, Buffer.from(head + what.length + '\r\n' + what + '\r\n' + nil + ':' + count + '\r\n', 'latin1'));
      return;
    }
    const w = c.w;
    w.pushLen(3);
    w.bulk(what);
    if (name === null) w.null();
    else w.bulk(name);
    w.int(count);
  }

  // --- publishing ------------------------------------------------------------

  /**
   * Deliver `message` on `channel` to its subscribers, then to every client
   * whose pattern matches it. Returns the number of deliveries (a client
   * subscribed twice, by channel and by pattern, counts twice).
   */
  publish(channel: string, message: string): number {
    let n = 0;
    const set = this.channels.get(channel);
    if (set !== undefined) n += this.deliver(set, 'message', null, channel, message);
    if (this.patterns.size !== 0) {
      for (const [pat, p] of this.patterns) {
        if (p.matcher.matches(channel)) n += this.deliver(p.clients, 'pmessage', pat, channel, message);
      }
    }
    return n;
  }

  /** SPUBLISH: deliver to the shard channel's subscribers only. */
  publishShard(channel: string, message: string): number {
    const set = this.shardChannels.get(channel);
    return set === undefined ? 0 : this.deliver(set, 'smessage', null, channel, message);
  }

  /** Write one frame to each client of `to`, encoding it at most once per protocol. */
  private deliver(to: Set<Client>, kind: string, pattern: string | null, channel: string, message: string): number {
    let f2: Buffer | null = null;
    let f3: Buffer | null = null;
    for (const r of to) {
      let f: Buffer;
      if (r.w.proto === 3) {
        if (f3 === null) {
          f3 = f2 !== null ? Buffer.from(f2) : encodeFrame(kind, pattern, channel, message);
          f3[0] = 0x3e; // '>'
        }
        f = f3;
      } else {
        if (f2 === null) f2 = f3 !== null ? (Buffer.from(f3) as Buffer) : encodeFrame(kind, pattern, channel, message);
        f2[0] = 0x2a; // '*'
        f = f2;
      }
      if (r.replyMode === ReplyMode.OFF) pushAround(r, f);
      else r.w.rawBuffer(f);
      this.deliverLater(r);
    }
    return to.size;
  }

  /** Remember `c` for the deferred flush (also used by tracking.ts for invalidations). */
  deliverLater(c: Client): void {
    this.touched.add(c);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushBound);
    }
  }

  /** Flush every receiver written to since the last flush and check its output limit. */
  private flushTouched(): void {
    this.flushScheduled = false;
    const list = [...this.touched];
    this.touched.clear();
    for (const c of list) {
      if (c.flags & CF.CLOSE_ASAP || c.socket === null) continue;
      c.w.flush();
      if (!checkOutputLimit(c)) noteClientMemory(c);
    }
  }

  // --- introspection (PUBSUB) ---------------------------------------------------

  /** Active channel names (shard ones with `shard`) matching `pattern` (null: all). */
  channelNames(shard: boolean, pattern: string | null): string[] {
    const map = shard ? this.shardChannels : this.channels;
    if (pattern === null) return [...map.keys()];
    const m = new GlobMatcher(pattern);
    const out: string[] = [];
    for (const k of map.keys()) if (m.matches(k)) out.push(k);
    return out;
  }

  /** Subscribers of a channel (shard or classic). */
  numSub(shard: boolean, channel: string): number {
    const set = (shard ? this.shardChannels : this.channels).get(channel);
    return set === undefined ? 0 : set.size;
  }
}

/**
 * Redis 7.0 sends pub/sub pushes even to a client with CLIENT REPLY OFF
 * (CLIENT_PUSHING). While such a client runs a command its writer is
 * silenced, so the frame goes straight to the socket, after whatever the
 * writer held (order preserved; a silenced writer's content is dropped
 * anyway). CLIENT REPLY SKIP is not detected here: pushes produced by the
 * skipped command itself are dropped with its reply.
 */
function pushAround(c: Client, frame: Buffer): void {
  const s = c.socket;
  c.w.flush();
  if (s === null || s.destroyed) return;
  c.server.stats.netOutput += frame.length;
  s.write(frame);
}

/**
 * A message frame as bytes: [kind, (pattern,) channel, message] with a
 * RESP2 array header (deliver() patches the first byte for RESP3).
 */
function encodeFrame(kind: string, pattern: string | null, channel: string, message: string): Buffer {
  let head = (pattern === null ? '*3\r\n$' : '*4\r\n$') + kind.length + '\r\n' + kind + '\r\n';
  if (pattern !== null) head += '$' + pattern.length + '\r\n' + pattern + '\r\n';
  head += '$' + channel.length + '\r\n' + channel + '\r\n$' + message.length + '\r\n';
  const b = Buffer.allocUnsafe(head.length + message.length + 2);
  b.latin1Write(head, 0, head.length);
  b.latin1Write(message, head.length, message.length);
  b[b.length - 2] = 13;
  b[b.length - 1] = 10;
  return b;
}

// --- output-buffer limits ------------------------------------------------------

/** Reply bytes a client holds: the writer's pending bytes plus what the socket still queues. */
function outputUsage(c: Client): number {
  const s = c.socket;
  return c.w.pending + (s !== null ? s.writableLength : 0);
}

/**
 * Redis's checkClientOutputBufferLimits + closeClientOnOutputBufferLimitReached:
 * a client over its class's hard limit, or over the soft limit for longer
 * than the soft seconds, is closed asynchronously (pending output dropped)
 * with Redis's log line. Returns true if the client was scheduled to close.
 */
export function checkOutputLimit(c: Client): boolean {
  const srv = c.server;
  if (c.socket === null || c.flags & CF.CLOSE_ASAP) return false;
  let cls = clientType(c);
  if (cls === ClientType.MASTER) cls = ClientType.NORMAL;
  const lim = srv.config.clientOutputBufferLimit[cls];
  if (lim.hard === 0 && lim.soft === 0) return false;
  const used = outputUsage(c);
  const hard = lim.hard !== 0 && used >= lim.hard;
  let soft = lim.soft !== 0 && used >= lim.soft;
  const now = Math.floor(Date.now() / 1000);
  if (soft) {
    if (c.obufSoftSince === 0) {
      c.obufSoftSince = now;
      soft = false; // first time over the soft limit
    } else if (now - c.obufSoftSince <= lim.seconds) {
      soft = false;
    }
  } else {
    c.obufSoftSince = 0;
  }
  if (!hard && !soft) return false;
  srv.log.warning(`Client ${clientInfoLine(c, null)} scheduled to be closed ASAP for overcoming of output buffer limits.`);
  c.flags |= CF.CLOSE_ASAP;
  setImmediate(closeNow, c);
  return true;
}

/** Close a client scheduled by checkOutputLimit without flushing what it could not take. */
function closeNow(c: Client): void {
  c.w.discard();
  const s = c.socket;
  if (s !== null && !s.destroyed) s.destroy();
  c.server.unlinkClient(c);
}

// --- module API ------------------------------------------------------------------

const STATES = new WeakMap<Server, PubSub>();

/** The server's pub/sub state (created with its hooks on first use). */
export function pubsubOf(srv: Server): PubSub {
  let p = STATES.get(srv);
  if (p === undefined) {
    p = new PubSub(srv);
    STATES.set(srv, p);
  }
  return p;
}

/** Publish `message` on `channel` (PUBLISH, keyspace events, tracking): the receivers count. */
export function publish(srv: Server, channel: string, message: string): number {
  return pubsubOf(srv).publish(channel, message);
}
