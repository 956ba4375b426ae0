/* ==========================================================================
 * Request parser: RESP multibulk and inline commands.
 *
 * Feeds on socket chunks and yields one argv (array of latin1 strings, one
 * char per byte, so binary safe) per complete command. It mirrors Redis's
 * processMultibulkBuffer / processInlineBuffer, including its quirks, because
 * clients and tests observe them byte for byte:
 *   - the two bytes after a bulk payload are skipped, not checked;
 *   - a multibulk count <= 0 is an empty command and is silently skipped;
 *   - unauthenticated clients may not send more than 10 args / 16 KB bulks.
 * Big bulk payloads (>= BIG_ARG) are collected into one buffer of exact size
 * so a 512 MB argument costs O(n), never O(n^2) re-concatenation.
 *
 * This module imports nothing from the server.
 * ========================================================================== */

import './buffer-ext';

const PROTO_INLINE_MAX_SIZE = 64 * 1024;
const BIG_ARG = 32 * 1024;
const INT_MAX = 2147483647;

export const ERR_INVALID_MBULK = 'ERR Protocol error: invalid multibulk length';
export const ERR_INVALID_BULK = 'ERR Protocol error: invalid bulk length';
export const ERR_UNAUTH_MBULK = 'ERR Protocol error: unauthenticated multibulk length';
export const ERR_UNAUTH_BULK = 'ERR Protocol error: unauthenticated bulk length';
export const ERR_BIG_MBULK = 'ERR Protocol error: too big mbulk count string';
export const ERR_BIG_BULK = 'ERR Protocol error: too big bulk count string';
export const ERR_BIG_INLINE = 'ERR Protocol error: too big inline request';
export const ERR_UNBALANCED = 'ERR Protocol error: unbalanced quotes in request';

const EMPTY = Buffer.alloc(0);

/**
 * Argument reuse. Pipelined traffic repeats itself: every command of a batch
 * usually has the same name, often the same key (and for benchmarks the same
 * members and values). The parser remembers the string it built for each of
 * the first REUSE_ARGS argument positions and, when the next command carries
 * the same bytes at that position, hands out the same string again instead of
 * building a new one. Comparing a few bytes is cheaper than allocating, and
 * the reused string is identical (===) to the one stored before, so the
 * command-table Map finds its cached hash, dict lookups hit their one-entry
 * hash cache (store/dict.ts) and key comparisons succeed on identity. Strings
 * are immutable, so sharing them is invisible to the commands. Only short
 * arguments are remembered (a long one would be pinned by the cache).
 */
const REUSE_ARGS = 4;
const REUSE_MAX = 64;
const REUSE_GIVE_UP = 16;

/**
 * True if a[ai, ai+n) and b[bi, bi+n) hold the same bytes: compared as
 * 32-bit words (DataView reads, which TurboFan compiles to plain unaligned
 * loads), the last word first because keys often differ at the end.
 */
function sameBytes(a: DataView, ai: number, b: DataView, bi: number, n: number): boolean {
  if (n < 4) {
    for (let i = 0; i < n; i++) if (a.getUint8(ai + i) !== b.getUint8(bi + i)) return false;
    return true;
  }
  const last = n - 4;
  if (a.getUint32(ai + last, true) !== b.getUint32(bi + last, true)) return false;
  let i = 0;
  for (; i + 4 <= last; i += 4) if (a.getUint32(ai + i, true) !== b.getUint32(bi + i, true)) return false;
  for (; i < last; i++) if (a.getUint8(ai + i) !== b.getUint8(bi + i)) return false;
  return true;
}

export class RequestParser {
  /** Unconsumed input; `pos` is the read cursor inside it. */
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Multibulk state: args still expected (-1 = not inside a multibulk). */
  private pending = -1;
  private argv: string[] = [];
  /** Arguments of `argv` filled so far. */
  private filled = 0;
  /** Length of the bulk being read, or -1 when the next token is a `$` line. */
  private bulkLen = -1;
  /** Exact-size collector for a big bulk payload (plus its CRLF). */
  private big: Buffer | null = null;
  private bigFill = 0;
  /**
   * Argument reuse (see REUSE_ARGS): the last string built at each of the
   * first REUSE_ARGS positions, and a copy of its bytes (REUSE_MAX bytes per
   * position) read through a DataView, like `view` over the input, so the
   * bytes are compared four at a time.
   */
  private readonly recent: string[] = new Array<string>(REUSE_ARGS).fill('');
  private readonly recentBytes = new Uint8Array(REUSE_ARGS * REUSE_MAX);
  private readonly recentView = new DataView(this.recentBytes.buffer);
  /** Consecutive reuse misses per position (kept below 2^24: wrapping to 0 just retries). */
  private readonly recentMisses = new Int32Array(REUSE_ARGS);
  /** DataView over `buf`, made on first use (null after `buf` changes). */
  private view: DataView | null = null;
  /** Set when the input is malformed: the Redis error text to reply with. */
  error: string | null = null;
  /** Whether the inline command just parsed came from an inline request. */
  inline = false;
  /** Mirror of the client's auth state; limits apply while false. */
  authenticated = true;
  /** proto-max-bulk-len */
  maxBulkLen = 512 * 1024 * 1024;

  /** Bytes buffered but not yet parsed (for client-query-buffer-limit and CLIENT LIST qbuf). */
  get buffered(): number {
    return this.buf.length - this.pos + (this.big !== null ? this.bigFill : 0);
  }

  /** Append a socket chunk. Keeps any unparsed tail; copies so socket chunks are never pinned long. */
  feed(chunk: Buffer): void {
    if (this.big !== null) {
      // Fill the big-arg collector first, straight from the chunk.
      const need = this.big.length - this.bigFill;
      const n = chunk.length < need ? chunk.length : need;
      chunk.copy(this.big, this.bigFill, 0, n);
      this.bigFill += n;
      if (n === chunk.length) return;
      chunk = chunk.subarray(n);
    }
    if (this.pos >= this.buf.length) {
      this.buf = chunk;
      this.view = null;
    } else {
      const rest = this.buf.length - this.pos;
      const merged = Buffer.allocUnsafe(rest + chunk.length);
      this.buf.copy(merged, 0, this.pos);
      chunk.copy(merged, rest);
      this.buf = merged;
      this.view = null;
    }
    this.pos = 0;
  }

  /**
   * Stop pointing into `shared` (a read buffer the caller is about to reuse):
   * an unparsed tail that lives in it is copied into a buffer of its own.
   */
  detach(shared: Buffer): void {
    const b = this.buf;
    if (b.buffer !== shared.buffer) return;
    this.buf = this.pos < b.length ? Buffer.from(b.subarray(this.pos)) : EMPTY;
    this.pos = 0;
    this.view = null;
  }

  /** Drop all state (used after a protocol error or on RESET of a closing client). */
  reset(): void {
    this.buf = EMPTY;
    this.view = null;
    this.pos = 0;
    this.pending = -1;
    this.argv = [];
    this.filled = 0;
    this.bulkLen = -1;
    this.big = null;
    this.bigFill = 0;
  }

  /**
   * Parse the next complete command. Returns its argv, an empty array for an
   * empty command that must be skipped, or null when more input is needed or
   * on error (then `error` is set and the caller must close the connection).
   */
  next(): string[] | null {
    if (this.error !== null) return null;
    if (this.pending < 0) {
      if (this.big !== null) return this.readBulk();
      if (this.pos >= this.buf.length) {
        if (this.buf !== EMPTY) { this.buf = EMPTY; this.view = null; this.pos = 0; }
        return null;
      }
      const buf = this.buf;
      const pos = this.pos;
      if (buf[pos] !== 0x2a /* '*' */) return this.parseInline();
      this.inline = false;
      let ll: number | null;
      const d = buf[pos + 1] - 0x30;
      if (d >= 1 && d <= 9 && pos + 3 < buf.length && buf[pos + 2] === 13) {
        // Fast path: "*" + one digit 1..9 + CR + one more byte, the usual header.
        ll = d;
        this.pos = pos + 4;
      } else {
        const cr = findLineEnd(buf, pos, 13);
        if (cr < 0) {
          if (buf.length - pos > PROTO_INLINE_MAX_SIZE) this.error = ERR_BIG_MBULK;
          return null;
        }
        if (cr + 1 >= buf.length) return null; // need the '\n' too (Redis skips it)
        ll = parseLL(buf, pos + 1, cr);
        if (ll === null || ll > INT_MAX) { this.error = ERR_INVALID_MBULK; return null; }
        if (ll > 10 && !this.authenticated) { this.error = ERR_UNAUTH_MBULK; return null; }
        this.pos = cr + 2;
      }
      if (ll <= 0) return EMPTY_ARGV;
      this.pending = ll;
      // Grows as arguments arrive (argv.length === filled: server/client-memory.ts reads the
      // partial argv), so a huge announced count allocates nothing up front.
      this.argv = [];
      this.filled = 0;
      this.bulkLen = -1;
    }
    return this.readBulk();
  }

  /** Continue a multibulk: read `$len` lines and payloads until argv is complete. */
  private readBulk(): string[] | null {
    const buf = this.buf;
    const end = buf.length;
    const argv = this.argv;
    while (this.pending > 0) {
      if (this.big !== null) {
        if (this.bigFill < this.big.length) return null;
        argv[this.filled++] = this.big.latin1Slice(0, this.big.length - 2);
        this.big = null;
        this.bigFill = 0;
        this.bulkLen = -1;
        this.pending--;
        continue;
      }
      let pos = this.pos;
      let n = this.bulkLen;
      if (n < 0) {
        // Fast path for the usual header, "$" + 1..5 digits (no leading zero) + CR + one more
        // byte: parsed in one pass; anything else (and every error) takes the general path.
        if (pos + 3 < end && buf[pos] === 0x24 /* '$' */) {
          let j = pos + 1;
          let c = buf[j];
          if (c > 0x30 && c <= 0x39) {
            let v = c - 0x30;
            const lim = j + 5 < end ? j + 5 : end;
            for (j++; j < lim; j++) {
              c = buf[j];
              if (c < 0x30 || c > 0x39) break;
              v = v * 10 + (c - 0x30);
            }
            if (j + 1 < end && buf[j] === 13 && (v <= 16384 || this.authenticated) && v <= this.maxBulkLen) {
              n = v;
              pos = j + 2;
            }
          }
        }
        if (n < 0) {
          if (pos >= end) return null;
          const cr = findLineEnd(buf, pos, 13);
          if (cr < 0) {
            if (end - pos > PROTO_INLINE_MAX_SIZE) this.error = ERR_BIG_BULK;
            return null;
          }
          if (cr + 1 >= end) return null;
          if (buf[pos] !== 0x24 /* '$' */) {
            // Redis's error formatting turns CR / LF into spaces.
            const got = buf[pos] === 13 || buf[pos] === 10 ? 32 : buf[pos];
            this.error = "ERR Protocol error: expected '$', got '" + String.fromCharCode(got) + "'";
            return null;
          }
          const ll = parseLL(buf, pos + 1, cr);
          if (ll === null || ll < 0 || ll > this.maxBulkLen) { this.error = ERR_INVALID_BULK; return null; }
          if (ll > 16384 && !this.authenticated) { this.error = ERR_UNAUTH_BULK; return null; }
          n = ll;
          pos = cr + 2;
        }
        this.pos = pos;
        this.bulkLen = n;
        if (n >= BIG_ARG && end - pos < n + 2) {
          // Collect the payload into one exact-size buffer.
          this.big = Buffer.allocUnsafe(n + 2);
          const have = end - pos;
          buf.copy(this.big, 0, pos);
          this.bigFill = have;
          this.buf = EMPTY;
          this.view = null;
          this.pos = 0;
          return null;
        }
      }
      if (end - pos < n + 2) return null;
      const idx = this.filled++;
      // Reuse the previous command's string for this position when the bytes match (see
      // REUSE_ARGS). A position that missed REUSE_GIVE_UP times in a row (a random key or
      // member) is only retried every 64th command, saving the compare and the byte copy.
      const misses = idx < REUSE_ARGS && n <= REUSE_MAX ? this.recentMisses[idx] : -1;
      if (misses >= 0 && (misses < REUSE_GIVE_UP || (misses & 63) === 0)) {
        const prev = this.recent[idx];
        const off = idx * REUSE_MAX;
        let view = this.view;
        if (view === null) view = this.view = new DataView(buf.buffer, buf.byteOffset, end);
        if (prev.length === n && sameBytes(view, pos, this.recentView, off, n)) {
          argv[idx] = prev;
          this.recentMisses[idx] = 0;
        } else {
          const str = latin1(buf, pos, n);
          this.recent[idx] = str;
          const rb = this.recentBytes;
          for (let i = 0; i < n; i++) rb[off + i] = buf[pos + i];
          argv[idx] = str;
          this.recentMisses[idx] = (misses + 1) & 0xffffff;
        }
      } else {
        if (misses >= 0) this.recentMisses[idx] = (misses + 1) & 0xffffff;
        argv[idx] = latin1(buf, pos, n);
      }
      this.pos = pos + n + 2;
      this.bulkLen = -1;
      this.pending--;
    }
    this.pending = -1;
    this.argv = EMPTY_ARGV;
    return argv;
  }

  /** Inline command: one line, split like sdssplitargs (quotes and escapes). */
  private parseInline(): string[] | null {
    const buf = this.buf;
    const nl = findLineEnd(buf, this.pos, 10);
    if (nl < 0) {
      if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) this.error = ERR_BIG_INLINE;
      return null;
    }
    let end = nl;
    const start = this.pos;
    if (end > start && buf[end - 1] === 13) end--;
    this.pos = nl + 1;
    this.inline = true;
    // Fast path for a line without quotes (e.g. "PING"): split straight from the bytes, with
    // exactly splitArgs's rules for unquoted text (skip isspace() bytes; a token ends at
    // space, \n, \r, \t or NUL, and that byte is consumed).
    let quoted = false;
    for (let i = start; i < end; i++) {
      const b = buf[i];
      if (b === 34 /* " */ || b === 39 /* ' */) { quoted = true; break; }
    }
    if (!quoted) {
      const out: string[] = [];
      let p = start;
      for (;;) {
        while (p < end && isSpace(buf[p])) p++;
        if (p >= end) return out;
        const t = p;
        for (; p < end; p++) {
          const b = buf[p];
          if (b === 32 || b === 10 || b === 13 || b === 9 || b === 0) break;
        }
        out.push(latin1(buf, t, p - t));
        if (p < end) p++;
      }
    }
    const line = buf.toString('latin1', start, end);
    const argv = splitArgs(line);
    if (argv === null) { this.error = ERR_UNBALANCED; return null; }
    return argv;
  }
}

const EMPTY_ARGV: string[] = [];

/**
 * Index of byte `ch` at or after `from`, or -1 when absent — or when a NUL
 * byte comes before it: Redis looks for line ends with strchr() on the query
 * buffer, which stops at a NUL, so such a line never completes (it waits,
 * then fails with the "too big" error once past 64 KB). Only control lines
 * and inline requests are searched this way, never bulk payloads.
 */
function findLineEnd(buf: Buffer, from: number, ch: number): number {
  // Protocol header lines are a few bytes: scan them in JS (cheaper than a
  // native indexOf call), and fall back to indexOf for long inline lines.
  const n = buf.length;
  const lim = from + 32 < n ? from + 32 : n;
  for (let j = from; j < lim; j++) {
    const b = buf[j];
    if (b === ch) return j;
    if (b === 0) return -1;
  }
  if (lim === n) return -1;
  const i = buf.indexOf(ch, lim);
  if (i < 0) return -1;
  for (let j = lim; j < i; j++) if (buf[j] === 0) return -1;
  return i;
}

const fcc = String.fromCharCode;

/**
 * The latin1 string of b[s, s+n). Arguments of up to 16 bytes (command names,
 * most keys and small values) are built with String.fromCharCode and explicit
 * arguments, about 2-4x cheaper than a native latin1Slice call at these sizes
 * (measured: 12 ns vs 52 ns for 3 bytes, 28 ns vs 61 ns for 16). Both produce
 * flat one-byte strings.
 */
export function latin1(b: Buffer, s: number, n: number): string {
  switch (n) {
    case 0: return '';
    case 1: return fcc(b[s]);
    case 2: return fcc(b[s], b[s + 1]);
    case 3: return fcc(b[s], b[s + 1], b[s + 2]);
    case 4: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3]);
    case 5: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4]);
    case 6: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5]);
    case 7: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6]);
    case 8: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7]);
    case 9: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8]);
    case 10: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9]);
    case 11: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10]);
    case 12: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11]);
    case 13: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12]);
    case 14: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13]);
    case 15: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14]);
    case 16: return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14], b[s + 15]);
    default: return b.latin1Slice(s, s + n);
  }
}

/** Strict signed decimal parse of buf[start, end) like Redis's string2ll; null if invalid. */
export function parseLL(buf: Buffer, start: number, end: number): number | null {
  if (start >= end || end - start > 20) return null;
  let i = start;
  let neg = false;
  if (buf[i] === 0x2d) { neg = true; i++; if (i === end) return null; }
  if (buf[i] === 0x30) return i + 1 === end && !neg ? 0 : null;
  let v = 0;
  for (; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  if (v > Number.MAX_SAFE_INTEGER) return null; // beyond any length we accept
  return neg ? -v : v;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Split a line into arguments exactly as Redis's sdssplitargs does: whitespace
 * separates, "double quotes" take \xHH \n \r \t \b \a and \<char> escapes,
 * 'single quotes' take \' only, and a closing quote must be followed by a
 * space or the end. Returns null on unbalanced quotes.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  const n = line.length;
  let p = 0;
  for (;;) {
    while (p < n && isSpace(line.charCodeAt(p))) p++;
    if (p >= n) return out;
    let inq = false, insq = false, done = false;
    let cur = '';
    while (!done) {
      if (inq) {
        if (p >= n) return null;
        const c = line.charCodeAt(p);
        if (c === 92 /* \ */ && p + 3 < n && line.charCodeAt(p + 1) === 120 /* x */ &&
            hexVal(line.charCodeAt(p + 2)) >= 0 && hexVal(line.charCodeAt(p + 3)) >= 0) {
          cur += String.fromCharCode(hexVal(line.charCodeAt(p + 2)) * 16 + hexVal(line.charCodeAt(p + 3)));
          p += 3;
        } else if (c === 92 && p + 1 < n) {
          p++;
          const e = line.charCodeAt(p);
          cur += e === 110 ? '\n' : e === 114 ? '\r' : e === 116 ? '\t' : e === 98 ? '\b' : e === 97 ? '\x07' : line[p];
        } else if (c === 34 /* " */) {
          if (p + 1 < n && !isSpace(line.charCodeAt(p + 1))) return null;
          done = true;
        } else {
          cur += line[p];
        }
      } else if (insq) {
        if (p >= n) return null;
        const c = line.charCodeAt(p);
        if (c === 92 && p + 1 < n && line.charCodeAt(p + 1) === 39) {
          p++;
          cur += "'";
        } else if (c === 39) {
          if (p + 1 < n && !isSpace(line.charCodeAt(p + 1))) return null;
          done = true;
        } else {
          cur += line[p];
        }
      } else {
        if (p >= n) { done = true; break; }
        const c = line.charCodeAt(p);
        if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0) done = true;
        else if (c === 34) inq = true;
        else if (c === 39) insq = true;
        else cur += line[p];
      }
      if (p < n) p++;
    }
    out.push(cur);
  }
}
