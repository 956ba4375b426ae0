/* ==========================================================================
 * Test helpers: a raw RESP client that returns each reply's exact bytes (for
 * byte-for-byte comparison with real Redis) and a decoded value.
 * ========================================================================== */

import * as net from 'node:net';

/** Encode a command as a RESP multibulk (args as latin1 strings or Buffers). */
export function encodeCommand(args: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, 'latin1')];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`, 'latin1'), b, Buffer.from('\r\n', 'latin1'));
  }
  return Buffer.concat(parts);
}

/** Decoded reply: strings are latin1; errors are { error }; RESP3 extras are tagged objects. */
export type Reply =
  | null
  | string
  | number
  | bigint
  | boolean
  | { error: string }
  | { double: string }
  | { verbatim: string; format: string }
  | { map: [Reply, Reply][] }
  | { set: Reply[] }
  | { push: Reply[] }
  | { simple: string }
  | Reply[];

/**
 * Try to parse one reply from buf at offset. Returns [value, endOffset] or
 * null when incomplete.
 */
export function parseReply(buf: Buffer, off: number): [Reply, number] | null {
  if (off >= buf.length) return null;
  const nl = buf.indexOf('\r\n', off, 'latin1');
  if (nl < 0) return null;
  const type = String.fromCharCode(buf[off]);
  const line = buf.toString('latin1', off + 1, nl);
  const next = nl + 2;
  const aggregate = (n: number, wrap: (items: Reply[]) => Reply): [Reply, number] | null => {
    const items: Reply[] = [];
    let o = next;
    for (let i = 0; i < n; i++) {
      const r = parseReply(buf, o);
      if (r === null) return null;
      items.push(r[0]);
      o = r[1];
    }
    return [wrap(items), o];
  };
  switch (type) {
    case '+': return [{ simple: line }, next];
    case '-': return [{ error: line }, next];
    case ':': { const v = BigInt(line); return [v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v, next]; }
    case '(': return [BigInt(line), next];
    case ',': return [{ double: line }, next];
    case '#': return [line === 't', next];
    case '_': return [null, next];
    case '$':
    case '=': {
      const n = parseInt(line, 10);
      if (n < 0) return [null, next];
      if (buf.length < next + n + 2) return null;
      const s = buf.toString('latin1', next, next + n);
      if (type === '=') return [{ verbatim: s.slice(4), format: s.slice(0, 3) }, next + n + 2];
      return [s, next + n + 2];
    }
    case '*': {
      const n = parseInt(line, 10);
      if (n < 0) return [null, next];
      return aggregate(n, (items) => items);
    }
    case '~': return aggregate(parseInt(line, 10), (items) => ({ set: items }));
    case '>': return aggregate(parseInt(line, 10), (items) => ({ push: items }));
    case '%': {
      const r = aggregate(parseInt(line, 10) * 2, (items) => items);
      if (r === null) return null;
      const items = r[0] as Reply[];
      const pairs: [Reply, Reply][] = [];
      for (let i = 0; i < items.length; i += 2) pairs.push([items[i], items[i + 1]]);
      return [{ map: pairs }, r[1]];
    }
    default:
      throw new Error(`bad reply type ${JSON.stringify(type)} in ${JSON.stringify(buf.toString('latin1', off, off + 40))}`);
  }
}

/** A connection that sends commands and reads replies one at a time, keeping raw bytes. */
export class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private closed = false;
  readonly sock: net.Socket;

  private constructor(sock: net.Socket) {
    this.sock = sock;
    sock.on('data', (d) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.wake();
    });
    sock.on('close', () => { this.closed = true; this.wake(); });
    sock.on('error', () => { this.closed = true; this.wake(); });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  get isClosed(): boolean { return this.closed; }

  /** True if a complete reply has arrived and not been read yet. */
  get hasReply(): boolean { return parseReply(this.buf, 0) !== null; }

  /** Write raw bytes (protocol tests). */
  write(data: string | Buffer): void {
    this.sock.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Read one reply: [decoded, raw bytes]. Rejects on close or after timeoutMs. */
  async readReply(timeoutMs = 5000): Promise<[Reply, Buffer]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = parseReply(this.buf, 0);
      if (r !== null) {
        const raw = this.buf.subarray(0, r[1]);
        this.buf = this.buf.subarray(r[1]);
        return [r[0], Buffer.from(raw)];
      }
      if (this.closed) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timeout waiting for reply');
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.waiters.push(() => { clearTimeout(t); res(); });
      });
    }
  }

  /** Send one command and return its decoded reply. */
  async call(...args: (string | Buffer | number)[]): Promise<Reply> {
    this.write(encodeCommand(args.map((a) => (typeof a === 'number' ? String(a) : a))));
    return (await this.readReply())[0];
  }

  /** Send one command and return the raw reply bytes as a latin1 string. */
  async raw(...args: (string | Buffer | number)[]): Promise<string> {
    this.write(encodeCommand(args.map((a) => (typeof a === 'number' ? String(a) : a))));
    return (await this.readReply())[1].toString('latin1');
  }

  /** Wait until the server closes the connection; returns whatever bytes arrived. */
  async waitClose(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) {
      await new Promise<void>((res) => {
        const t = setTimeout(res, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => { clearTimeout(t); res(); });
      });
    }
    if (!this.closed) throw new Error('connection not closed');
    return this.buf.toString('latin1');
  }

  close(): void {
    this.sock.destroy();
  }
}
