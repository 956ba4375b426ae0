/* ==========================================================================
 * Reply writer: semantic reply methods that encode RESP2 or RESP3.
 *
 * Every connection (and every captured pseudo-client: MULTI, scripts, AOF
 * loading) owns one writer. Replies are appended into one chunk and handed to
 * the sink once per read batch (`flush`). When the sink reports that it took
 * the bytes synchronously (the socket wrote them straight to the kernel), the
 * chunk is reused; otherwise the written region stays owned by the sink and
 * the writer continues after it. Idle writers hold no chunk at all.
 *
 * This module imports nothing from the server.
 * ========================================================================== */

import { formatDouble } from './numbers';
import './buffer-ext';

/** Where flushed bytes go. `write` returns true if `buf` may be reused at once. */
export interface ReplySink {
  write(buf: Buffer): boolean;
}

const CHUNK = 16 * 1024;
/** Values at least this large are written as their own buffer, not copied into the chunk. */
const LARGE = 64 * 1024;
/** A grown chunk up to this size stays with its client between batches; larger ones are dropped. */
const KEEP_MAX = 1024 * 1024;
const pool: Buffer[] = [];

function takeChunk(min: number): Buffer {
  if (min <= CHUNK) {
    const b = pool.pop();
    return b !== undefined ? b : Buffer.allocUnsafeSlow(CHUNK);
  }
  return Buffer.allocUnsafeSlow(min);
}

const CRLF = '\r\n';
/** Bulk values up to this length are copied with a JS loop instead of a native latin1Write. */
const SMALL = 32;

/** Write the decimal digits of a non-negative integer at `o`; returns the new offset. */
function writeDigits(c: Buffer, o: number, n: number): number {
  if (n < 10) {
    c[o] = 48 + n;
    return o + 1;
  }
  if (n < 100) {
    c[o] = 48 + ((n / 10) | 0);
    c[o + 1] = 48 + (n % 10);
    return o + 2;
  }
  if (n < 0x80000000) {
    // Up to 2^31: count the digits, then store them from the last one (int32 arithmetic, no string).
    let len = 3;
    for (let x = (n / 1000) | 0; x !== 0; x = (x / 10) | 0) len++;
    let x = n;
    for (let i = o + len - 1; i >= o; i--) {
      const q = (x / 10) | 0;
      c[i] = 48 + (x - q * 10);
      x = q;
    }
    return o + len;
  }
  const d = String(n);
  for (let i = 0; i < d.length; i++) c[o + i] = d.charCodeAt(i);
  return o + d.length;
}

export class ReplyWriter {
  /** 2 or 3, as negotiated with HELLO. */
  proto = 2;
  private chunk: Buffer | null = null;
  /** Start of the bytes not yet handed to the sink. */
  private start = 0;
  /** Write offset. */
  private len = 0;
  /** True once part of the chunk was handed to the sink asynchronously: it may not be reused. */
  private lent = false;
  /** Bytes written since creation (for stats / output limits). */
  total = 0;

  constructor(public sink: ReplySink) {}

  /** Bytes waiting for the next flush. */
  get pending(): number {
    return this.len - this.start;
  }

  private reserve(n: number): Buffer {
    let c = this.chunk;
    if (c === null) {
      c = this.chunk = takeChunk(n);
      this.start = this.len = 0;
      this.lent = false;
    } else if (this.len + n > c.length) {
      const used = this.len - this.start;
      // Grow geometrically: a batch of many large replies (100k pipelined
      // GETs of 10 KB) must not re-copy everything pending on every reply.
      const next = takeChunk(used > 0 ? Math.max(used + n, 2 * c.length) : n);
      if (used > 0) c.copy(next, 0, this.start, this.len);
      // The old chunk may still be referenced by the sink; never pool it.
      c = this.chunk = next;
      this.start = 0;
      this.len = used;
      this.lent = false;
    }
    return c;
  }

  /** Append an ASCII/latin1 string verbatim (protocol text). */
  raw(s: string): void {
    const n = s.length;
    const c = this.reserve(n);
    if (n <= SMALL) {
      const o = this.len;
      for (let i = 0; i < n; i++) c[o + i] = s.charCodeAt(i);
    } else {
      c.latin1Write(s, this.len, n);
    }
    this.len += n;
    this.total += n;
  }

  /** Append bytes verbatim (captured replies, pre-encoded protocol). */
  rawBuffer(b: Buffer): void {
    if (b.length >= LARGE) {
      this.flush();
      this.sink.write(b);
      this.total += b.length;
      return;
    }
    const c = this.reserve(b.length);
    b.copy(c, this.len);
    this.len += b.length;
    this.total += b.length;
  }

  /** Hand pending bytes to the sink. */
  flush(): void {
    const c = this.chunk;
    if (c === null || this.len === this.start) return;
    const out = c.subarray(this.start, this.len);
    if (this.sink.write(out) && !this.lent) {
      // Written synchronously and nothing else of this chunk is held: reuse it.
      this.start = this.len = 0;
      if (c.length === CHUNK && pool.length < 256) {
        pool.push(c);
        this.chunk = null;
      } else if (c.length > KEEP_MAX) {
        // A one-off huge batch must not leave the client holding its buffer forever.
        this.chunk = null;
      }
    } else {
      this.lent = true;
      this.start = this.len;
      if (c.length - this.len < 1024) this.chunk = null;
    }
  }

  /** Forget pending output (CLIENT REPLY OFF bookkeeping, closing clients). */
  discard(): void {
    this.len = this.start;
  }

  // --- RESP encoders -------------------------------------------------------

  ok(): void { this.raw('+OK\r\n'); }

  simple(s: string): void { this.raw('+' + s + CRLF); }

  /** Error line; `msg` must already carry its prefix (ERR, WRONGTYPE...). */
  error(msg: string): void {
    // Like Redis's formatted errors: trailing CR/LF trimmed, inner ones become
    // spaces, so text echoed from a client can never break the protocol.
    if (msg.indexOf('\r') >= 0 || msg.indexOf('\n') >= 0) msg = msg.replace(/[\r\n]+$/, '').replace(/[\r\n]/g, ' ');
    this.raw('-' + msg + CRLF);
  }

  int(n: number): void {
    if ((n | 0) !== n || n < 0) {
      this.raw(':' + n + CRLF);
      return;
    }
    const c = this.reserve(24);
    let o = this.len;
    c[o++] = 0x3a; // ':'
    o = writeDigits(c, o, n);
    c[o++] = 13; c[o++] = 10;
    this.total += o - this.len;
    this.len = o;
  }

  /** A 64-bit integer held as bigint (BITFIELD, INCR near the edges). */
  bigint(n: bigint): void { this.raw(':' + n.toString() + CRLF); }

  /** Bulk string from a latin1 string (one char per byte). */
  bulk(s: string): void {
    const n = s.length;
    if (n >= LARGE) {
      this.raw('$' + n + CRLF);
      this.flush();
      const b = Buffer.allocUnsafeSlow(n + 2);
      b.latin1Write(s, 0, n);
      b[n] = 13; b[n + 1] = 10;
      this.sink.write(b);
      this.total += n + 2;
      return;
    }
    // Header digits and (for short values) the bytes themselves are stored
    // with plain loops: for the typical small reply this beats two native
    // latin1Write calls and the header string concatenation.
    const c = this.reserve(n + 24);
    let o = this.len;
    c[o++] = 0x24; // '$'
    o = writeDigits(c, o, n);
    c[o++] = 13; c[o++] = 10;
    if (n <= SMALL) {
      for (let i = 0; i < n; i++) c[o + i] = s.charCodeAt(i);
      o += n;
    } else {
      o += c.latin1Write(s, o, n);
    }
    c[o++] = 13; c[o++] = 10;
    this.total += o - this.len;
    this.len = o;
  }

  /** Bulk string from bytes (copied, since the caller may mutate them later). */
  bulkBuffer(b: Buffer, startOff = 0, end = b.length): void {
    const n = end - startOff;
    this.raw('$' + n + CRLF);
    if (n >= LARGE) {
      this.flush();
      const copy = Buffer.allocUnsafeSlow(n + 2);
      b.copy(copy, 0, startOff, end);
      copy[n] = 13; copy[n + 1] = 10;
      this.sink.write(copy);
      this.total += n + 2;
      return;
    }
    const c = this.reserve(n + 2);
    b.copy(c, this.len, startOff, end);
    this.len += n;
    c[this.len++] = 13; c[this.len++] = 10;
    this.total += n + 2;
  }

  /** Null bulk: `$-1` in RESP2, `_` in RESP3. */
  null(): void { this.raw(this.proto === 3 ? '_\r\n' : '$-1\r\n'); }

  /** Null array: `*-1` in RESP2, `_` in RESP3. */
  nullArray(): void { this.raw(this.proto === 3 ? '_\r\n' : '*-1\r\n'); }

  arrayLen(n: number): void { this.raw('*' + n + CRLF); }

  /** Map header: n key/value pairs (RESP2 flattens to an array of 2n). */
  mapLen(n: number): void { this.raw(this.proto === 3 ? '%' + n + CRLF : '*' + 2 * n + CRLF); }

  /** Set header (RESP2: plain array). */
  setLen(n: number): void { this.raw(this.proto === 3 ? '~' + n + CRLF : '*' + n + CRLF); }

  /** Out-of-band push header (RESP2: plain array, as Redis does for pub/sub). */
  pushLen(n: number): void { this.raw(this.proto === 3 ? '>' + n + CRLF : '*' + n + CRLF); }

  /** Double: RESP3 `,` type, RESP2 bulk string, both formatted like Redis (%.17g, inf, -inf, nan). */
  double(d: number): void {
    const s = formatDouble(d);
    if (this.proto === 3) this.raw(',' + s + CRLF);
    else this.bulk(s);
  }

  /** Boolean: RESP3 `#t`/`#f`, RESP2 integer 1/0. */
  bool(b: boolean): void {
    if (this.proto === 3) this.raw(b ? '#t\r\n' : '#f\r\n');
    else this.raw(b ? ':1\r\n' : ':0\r\n');
  }

  /** Verbatim string (RESP3 `=`, with a 3-letter format) or plain bulk in RESP2. */
  verbatim(s: string, format = 'txt'): void {
    if (this.proto === 3) {
      this.raw('=' + (s.length + 4) + CRLF + format + ':');
      this.raw(s);
      this.raw(CRLF);
    } else {
      this.bulk(s);
    }
  }

  /** Array of bulk strings. */
  bulkArray(items: readonly string[]): void {
    this.arrayLen(items.length);
    for (let i = 0; i < items.length; i++) this.bulk(items[i]);
  }
}

/** A sink that keeps everything it is given (captured replies). */
export class CaptureSink implements ReplySink {
  parts: Buffer[] = [];
  write(buf: Buffer): boolean {
    this.parts.push(Buffer.from(buf));
    return true;
  }
  take(): Buffer {
    const b = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    this.parts = [];
    return b;
  }
}
