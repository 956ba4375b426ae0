/* ==========================================================================
 * Fault tests: huge arguments, proto-max-bulk-len and the query buffer limit.
 *
 * A 100 MB value must survive both one giant write and thousands of small
 * writes and come back byte for byte. Bulk lengths over proto-max-bulk-len
 * and query buffers over client-query-buffer-limit are compared with real
 * Redis (error text, or silent close), and the server keeps serving.
 * ========================================================================== */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { Pair, startRespite, RawClient } from '../helpers/servers';
import type { RunningServer } from '../../src/index';

const MB = 1024 * 1024;

/** Reads exact byte counts from a socket without re-concatenating on every chunk. */
class ByteReader {
  private chunks: Buffer[] = [];
  private total = 0;
  private wake: (() => void) | null = null;
  closed = false;

  constructor(readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => { this.chunks.push(d); this.total += d.length; this.notify(); });
    sock.on('close', () => { this.closed = true; this.notify(); });
    sock.on('error', () => { /* close follows */ });
  }

  static connect(port: number): Promise<ByteReader> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(new ByteReader(s)));
      s.once('error', reject);
    });
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    if (w !== null) w();
  }

  /** Resolve with exactly `n` bytes (the rest stays buffered). */
  async take(n: number, timeoutMs = 60000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.total < n) {
      if (this.closed) throw new Error(`connection closed after ${this.total} of ${n} bytes`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout: ${this.total} of ${n} bytes`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.wake = () => { clearTimeout(t); res(); };
      });
    }
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.total);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.total = rest.length;
    return out;
  }

  /** Write, waiting for 'drain' when the socket buffer is full. */
  async write(b: Buffer): Promise<void> {
    if (!this.sock.write(b)) await new Promise<void>((r) => this.sock.once('drain', () => r()));
  }

  close(): void {
    this.sock.destroy();
  }
}

/** A deterministic binary payload covering every byte value. */
function payload(n: number, salt: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + salt + (i >>> 12)) & 0xff;
  return b;
}

function setHeader(key: string, n: number): Buffer {
  return Buffer.from(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${n}\r\n`, 'latin1');
}

async function getAndCompare(r: ByteReader, key: string, expected: Buffer): Promise<void> {
  await r.write(Buffer.from(`*2\r\n$3\r\nGET\r\n$${key.length}\r\n${key}\r\n`, 'latin1'));
  const head = `$${expected.length}\r\n`;
  assert.equal((await r.take(head.length)).toString('latin1'), head);
  const body = await r.take(expected.length);
  assert.ok(body.equals(expected), 'GET returned different bytes');
  assert.equal((await r.take(2)).toString('latin1'), '\r\n');
}

let srv: RunningServer;

before(async () => {
  srv = await startRespite();
});

after(async () => {
  await srv.close();
});

test('100 MB value in one write', async () => {
  const n = 100 * MB;
  const value = payload(n, 1);
  const r = await ByteReader.connect(srv.port);
  try {
    await r.write(Buffer.concat([setHeader('big1', n), value, Buffer.from('\r\n')]));
    assert.equal((await r.take(5)).toString('latin1'), '+OK\r\n');
    await getAndCompare(r, 'big1', value);
  } finally {
    r.close();
  }
});

test('100 MB value in many small writes', async () => {
  const n = 100 * MB;
  const value = payload(n, 7);
  const r = await ByteReader.connect(srv.port);
  const other = await RawClient.connect(srv.port);
  try {
    const all = Buffer.concat([setHeader('big2', n), value, Buffer.from('\r\n')]);
    let writes = 0;
    for (let off = 0; off < all.length; off += 16 * 1024) {
      await r.write(all.subarray(off, off + 16 * 1024));
      // Other clients are served while the big argument trickles in.
      if (++writes % 2000 === 0) assert.deepEqual(await other.call('PING'), { simple: 'PONG' });
    }
    assert.ok(writes > 6000);
    assert.equal((await r.take(5)).toString('latin1'), '+OK\r\n');
    await getAndCompare(r, 'big2', value);
    // And the first value is untouched.
    await getAndCompare(r, 'big1', payload(100 * MB, 1));
  } finally {
    r.close();
    other.close();
  }
});

test('big argument split at awkward points (header, payload, CRLF)', async () => {
  const n = 40 * 1024; // above the parser's big-argument threshold
  const value = payload(n, 3);
  const all = Buffer.concat([setHeader('big3', n), value, Buffer.from('\r\n')]);
  const r = await ByteReader.connect(srv.port);
  try {
    for (const cut of [1, 10, 26, 27, all.length - 2, all.length - 1]) {
      await r.write(all.subarray(0, cut));
      await new Promise((res) => setTimeout(res, 5));
      await r.write(all.subarray(cut));
      assert.equal((await r.take(5)).toString('latin1'), '+OK\r\n');
      await getAndCompare(r, 'big3', value);
    }
  } finally {
    r.close();
  }
});

// --- limits, compared with real Redis --------------------------------------------

const LIMIT_ARGS = { respite: { 'proto-max-bulk-len': '1mb', 'client-query-buffer-limit': '1mb' },
  redisArgs: ['--proto-max-bulk-len', '1mb', '--client-query-buffer-limit', '1mb'] };

test('bulk length over proto-max-bulk-len: Redis error, connection closed', async () => {
  const pair = await Pair.start(LIMIT_ARGS);
  try {
    const [a, b] = await pair.connectMore();
    const bytes = '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$' + (MB + 1) + '\r\n';
    a.write(bytes);
    b.write(bytes);
    const [ours, theirs] = await Promise.all([a.waitClose(), b.waitClose()]);
    a.close();
    b.close();
    assert.equal(ours, theirs);
    assert.equal(ours, '-ERR Protocol error: invalid bulk length\r\n');
    // Exactly the limit is accepted (below the query buffer limit too: sent in pieces).
    const [c, d] = await pair.connectMore();
    try {
      const v = Buffer.alloc(MB - 64, 0x61);
      for (const x of [c, d]) {
        x.write(setHeader('k', v.length));
        x.write(v);
        x.write('\r\n');
      }
      const [[, rc], [, rd]] = await Promise.all([c.readReply(), d.readReply()]);
      assert.equal(rc.toString('latin1'), rd.toString('latin1'));
      assert.equal(rc.toString('latin1'), '+OK\r\n');
    } finally {
      c.close();
      d.close();
    }
    await pair.same('GET', 'k');
    await pair.same('PING');
  } finally {
    await pair.close();
  }
});

test('client-query-buffer-limit: the client is closed without a reply', async () => {
  const pair = await Pair.start({ respite: { 'client-query-buffer-limit': '1mb' },
    redisArgs: ['--client-query-buffer-limit', '1mb'] });
  try {
    const huge = Buffer.alloc(2 * MB, 0x78);
    const cases: [string, Buffer][] = [
      ['2 MB bulk in one write', Buffer.concat([setHeader('q', 2 * MB), huge, Buffer.from('\r\n')])],
      ['1.5 MB of an unfinished 2 MB bulk', Buffer.concat([setHeader('q', 2 * MB), huge.subarray(0, 1.5 * MB)])],
    ];
    for (const [name, bytes] of cases) {
      const [a, b] = await pair.connectMore();
      a.write(bytes);
      b.write(bytes);
      const [ours, theirs] = await Promise.all([a.waitClose(10000), b.waitClose(10000)]);
      a.close();
      b.close();
      assert.equal(ours, theirs, name);
      assert.equal(ours, '', name);
      await pair.same('PING');
      await pair.same('GET', 'q');
    }
    // Many commands in one write may exceed the limit in total: they are run, not refused.
    const [a, b] = await pair.connectMore();
    try {
      const cmd = Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nq\r\n$1000\r\n' + 'y'.repeat(1000) + '\r\n', 'latin1');
      const many = Buffer.concat(Array.from({ length: 3000 }, () => cmd));
      a.write(many);
      b.write(many);
      for (let i = 0; i < 3000; i++) {
        const [[, ra], [, rb]] = await Promise.all([a.readReply(), b.readReply()]);
        assert.equal(ra.toString('latin1'), '+OK\r\n');
        assert.equal(rb.toString('latin1'), '+OK\r\n');
      }
    } finally {
      a.close();
      b.close();
    }
    await pair.same('GET', 'q');
  } finally {
    await pair.close();
  }
});
