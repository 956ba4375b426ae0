/* ==========================================================================
 * Expire family against real Redis 7.0, byte for byte.
 *
 * Relative TTLs drift between two servers, so exact comparisons use
 * deterministic forms: EXPIREAT/PEXPIREAT with fixed timestamps, their
 * EXPIRETIME/PEXPIRETIME, -1/-2 answers, NX/XX/GT/LT outcomes, past
 * deadlines and errors. The seeded random sequence keeps a small model of
 * which keys carry a relative deadline: their TTL replies are compared
 * with a tolerance, everything else exactly. Relative offsets are never
 * reused and lie on a 10 s grid, so GT/LT between two relative deadlines
 * cannot flip because the two servers ran a few milliseconds apart.
 * ========================================================================== */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { Pair, rng } from '../helpers/servers';
import { parseReply } from '../helpers/resp';

let pair: Pair;

before(async () => {
  pair = await Pair.start();
});

after(async () => {
  await pair.close();
});

const FAR_S = 4102444800; // 2100-01-01
const FAR_MS = FAR_S * 1000;

function ours(name: string): boolean {
  return pair.respiteServer.server.table.lookup(name) !== undefined;
}

test('fixed cases: replies, options, errors, past deadlines, far-future exactness', async () => {
  const s = pair.same.bind(pair);
  await s('SET', 'k', 'v');
  for (const cmd of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']) {
    await s(cmd, 'k');
    await s(cmd, 'missing');
    await s(cmd.toLowerCase(), 'k');
  }
  await s('PERSIST', 'k');
  await s('PERSIST', 'missing');
  await s('EXPIREAT', 'k', FAR_S, 'XX');
  await s('EXPIREAT', 'k', FAR_S, 'GT');
  await s('EXPIREAT', 'k', FAR_S, 'LT');
  await s('EXPIRETIME', 'k');
  await s('PEXPIRETIME', 'k');
  await s('EXPIREAT', 'k', FAR_S + 1, 'NX');
  await s('PEXPIREAT', 'k', FAR_MS, 'GT');
  await s('PEXPIREAT', 'k', FAR_MS + 1, 'gt');
  await s('PEXPIREAT', 'k', FAR_MS + 499, 'Lt');
  await s('EXPIRETIME', 'k');
  await s('PEXPIREAT', 'k', FAR_MS + 500);
  await s('EXPIRETIME', 'k');
  await s('PEXPIREAT', 'k', FAR_MS + 500, 'xx', 'gt');
  await s('PEXPIREAT', 'k', FAR_MS + 501, 'xx', 'gt', 'XX');
  await s('PEXPIRETIME', 'k');
  await s('PERSIST', 'k');
  await s('TTL', 'k');
  // Relative forms: outcomes are deterministic, values compared via ranges elsewhere.
  await s('EXPIRE', 'k', 1000);
  await s('EXPIRE', 'k', 1000, 'NX');
  await s('EXPIRE', 'k', 100000, 'GT');
  await s('PEXPIRE', 'k', 1000, 'GT');
  await s('PEXPIRE', 'k', 1000, 'LT');
  await s('EXPIRE', 'missing', 10);
  await s('PEXPIRE', 'missing', 10, 'XX');
  // Errors.
  for (const cmd of ['EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT']) {
    for (const args of [
      ['k', '10', 'NX', 'XX'], ['k', '10', 'nx', 'gt'], ['k', '10', 'lt', 'nx'], ['k', '10', 'GT', 'LT'],
      ['k', '10', 'xx', 'gt', 'lt'], ['k', '10', 'foo'], ['k', 'abc', 'bar'], ['missing', '10', 'nx', 'xx'],
      ['k', 'abc'], ['k', '1.5'], ['k', ''], ['k', ' 1'], ['k', '+1'], ['k', '01'], ['k', '-0'],
      ['k', '9223372036854775808'], ['k', '-9223372036854775809'],
      ['k', '9223372036854775807'], ['k', '-9223372036854775808'], ['k', '9223372036854775'],
      ['k', '-9223372036854775'], ['k', '-9223372036854776'], ['k', '9223372036854776'],
      ['missing', '9223372036854775807'], ['k', '10', 'a\r\nb'], ['k', '10', 'f\0oo'], ['k', '10', '\xff\xfe'],
      ['k'], [],
    ]) {
      await s('SET', 'k', 'v');
      await s('PEXPIREAT', 'k', FAR_MS);
      const res = await s(cmd, ...args);
      // A relative deadline that was applied differs by the servers' clocks.
      if (cmd.endsWith('AT') || res !== ':1\r\n') await s('PEXPIRETIME', 'k');
    }
  }
  for (const cmd of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME', 'PERSIST']) {
    await s(cmd);
    await s(cmd, 'a', 'b');
  }
  // Past deadlines delete the key.
  for (const [cmd, arg] of [['EXPIRE', '0'], ['EXPIRE', '-1'], ['PEXPIRE', '-100'], ['EXPIREAT', '1'],
    ['PEXPIREAT', '0'], ['PEXPIREAT', '-9223372036854775808'], ['EXPIREAT', '-9223372036854775']]) {
    await s('SET', 'd', 'v');
    await s(cmd, 'd', arg);
    await s('TTL', 'd');
    await s('GET', 'd');
    await s('SET', 'd', 'v');
    await s(cmd, 'd', arg, 'GT'); // no TTL: GT refuses even a past deadline
    await s('GET', 'd');
    await s(cmd, 'd', arg, 'LT');
    await s('GET', 'd');
  }
  // Far-future deadlines beyond 2^53 ms stay exact.
  for (const [cmd, arg] of [['PEXPIREAT', '9223372036854775807'], ['EXPIREAT', '9223372036854775'],
    ['PEXPIREAT', '9007199254740993'], ['PEXPIREAT', '9223372036854775001']]) {
    await s('SET', 'b', 'v');
    await s(cmd, 'b', arg);
    await s('PEXPIRETIME', 'b');
    await s('EXPIRETIME', 'b');
    await s('PEXPIREAT', 'b', '9223372036854775000', 'GT');
    await s('PEXPIREAT', 'b', '9223372036854775000', 'LT');
    await s('PEXPIRETIME', 'b');
  }
  if (ours('command')) {
    for (const cmd of ['expire', 'pexpire', 'expireat', 'pexpireat', 'ttl', 'pttl', 'expiretime', 'pexpiretime',
      'persist']) {
      await s('COMMAND', 'INFO', cmd);
    }
  }
});

/** Key model for the random sequence: where its current deadline came from. */
const enum Dl { NONE, ABS, REL }

test('seeded random sequence over a small key set', async () => {
  const r = rng(0xe4f1);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
  const model = new Map<string, Dl>();
  const usedRel = new Set<number>();
  const haveDel = ours('del');
  const opts = ['', '', '', 'NX', 'XX', 'GT', 'LT', 'xx gt', 'XX LT', 'nx xx', 'gt lt', 'bogus'];
  /** A fresh relative offset in seconds: 10 s grid, never reused. */
  const relSeconds = (): number => {
    for (;;) {
      const v = 100_000 + 10 * Math.floor(r() * 900_000);
      if (!usedRel.has(v)) { usedRel.add(v); return v; }
    }
  };
  /** Absolute timestamps in ms: far future (distinct from relative ones) or past. */
  const absMs = (): number => {
    const x = r();
    if (x < 0.15) return Math.floor(r() * 1_000_000); // the 1970s: past
    if (x < 0.2) return -Math.floor(r() * 1e12);
    return FAR_MS + 1000 * Math.floor(r() * 500) + (r() < 0.3 ? Math.floor(r() * 1000) : 0);
  };
  /** Interpret an integer reply. */
  const intOf = (raw: string): number | null => {
    const p = parseReply(Buffer.from(raw, 'latin1'), 0);
    return p !== null && typeof p[0] === 'number' ? p[0] : null;
  };

  for (let i = 0; i < 3000; i++) {
    const k = pick(keys);
    const x = r();
    if (x < 0.12) {
      await pair.same('SET', k, 'v' + i);
      model.set(k, Dl.NONE);
    } else if (x < 0.17) {
      const ms = FAR_MS + Math.floor(r() * 1e6);
      await pair.same('SET', k, 'w', 'PXAT', ms);
      model.set(k, Dl.ABS);
    } else if (x < 0.2) {
      const res = await pair.same('SET', k, 'x', 'EX', relSeconds());
      if (res === '+OK\r\n') model.set(k, Dl.REL);
    } else if (x < 0.23) {
      await pair.same('SET', k, 'y', 'KEEPTTL');
      if (!model.has(k)) model.set(k, Dl.NONE);
    } else if (x < 0.27 && haveDel) {
      await pair.same('DEL', k);
      model.delete(k);
    } else if (x < 0.45) {
      const sec = r() < 0.5;
      const o = pick(opts).split(' ').filter((t) => t !== '');
      const v = r() < 0.1 ? -Math.floor(r() * 1000) : relSeconds();
      const res = await pair.same(sec ? 'EXPIRE' : 'PEXPIRE', k, sec ? v : v * 1000, ...o);
      if (res === ':1\r\n') {
        if (v > 0) model.set(k, Dl.REL);
        else model.delete(k);
      }
    } else if (x < 0.65) {
      const sec = r() < 0.5;
      const o = pick(opts).split(' ').filter((t) => t !== '');
      const ms = absMs();
      const res = await pair.same(sec ? 'EXPIREAT' : 'PEXPIREAT', k, sec ? Math.trunc(ms / 1000) : ms, ...o);
      if (res === ':1\r\n') {
        if (ms > FAR_MS - 1000) model.set(k, Dl.ABS);
        else model.delete(k);
      }
    } else if (x < 0.72) {
      const res = await pair.same('PERSIST', k);
      if (res === ':1\r\n') model.set(k, Dl.NONE);
    } else if (x < 0.95) {
      const cmd = pick(['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']);
      const m = model.get(k);
      // TTL/PTTL of any deadline drift with the clock; *EXPIRETIME only for relative ones.
      if (m === Dl.REL || (m === Dl.ABS && !cmd.includes('EXPIRETIME'))) {
        const [a, b] = await pair.both(cmd, k);
        const na = intOf(a), nb = intOf(b);
        assert.ok(na !== null && nb !== null && na >= 0 && nb >= 0, `${cmd} ${k}: ${a} vs ${b}`);
        const tol = cmd.startsWith('P') ? 2000 : 2; // generous: the two servers answer ms apart
        assert.ok(Math.abs(na - nb) <= tol, `${cmd} ${k}: ${na} vs ${nb}`);
      } else {
        await pair.same(cmd, k);
      }
    } else {
      await pair.same('GET', k);
    }
  }
  for (const k of keys) await pair.same('GET', k);
});

test('unsupported option with trailing CR/LF: trimmed like addReplyErrorFormat', async () => {
  // Found by the cross-family fuzzer: Redis trims CR/LF off the end of the line, maps inner ones to spaces.
  await pair.same('SET', 'k', 'v');
  for (const opt of ['\r\n', 'x\r\n', '\r\nx', 'a\nb\r', '\n\n', 'ab\0\r\n', '\r\n\0zz']) {
    for (const cmd of ['EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT']) await pair.same(cmd, 'k', '100', opt);
  }
});
