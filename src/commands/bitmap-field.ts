/* ==========================================================================
 * BITFIELD / BITFIELD_RO: signed (i1..i64) and unsigned (u1..u63) integers
 * at arbitrary bit offsets of a string.
 *
 * Like Redis, the whole argument list is parsed first (so a bad argument
 * anywhere leaves the key untouched), then the key is looked up once —
 * grown to cover the farthest bit any SET/INCRBY reaches — and the
 * operations run in order, one reply each. Arithmetic is exact: fields of
 * up to 32 bits with moderate operands use plain numbers (all intermediate
 * values stay far below 2^53); wider fields or huge operands use BigInt.
 * ========================================================================== */

import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseInt64 } from '../protocol/numbers';
import { keyChanged, lookupRead, NC } from '../server/keyspace';
import { RawString } from '../store/values';
import { is } from './args';
import {
  bitOffsetArg, bitWrite, lookupForBitWrite, POW2, readBits, readBitsBig, writeBits, writeBitsBig,
} from './bitmap-core';

const ERR_TYPE = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';
const ERR_OVERFLOW = 'ERR Invalid OVERFLOW type specified';
const ERR_RO = 'ERR BITFIELD_RO only supports the GET subcommand';

const OP_GET = 0, OP_SET = 1, OP_INCRBY = 2;
const OV_WRAP = 0, OV_SAT = 1, OV_FAIL = 2;
/** Outcome of one SET / INCRBY. */
const REFUSED = 0, UNCHANGED = 1, CHANGED = 2;

/** 2^63: the int64 wrap-around span used to reproduce Redis's overflow check. */
const INT64_SPAN = 1n << 63n;

/** Operands above this magnitude take the BigInt path even for narrow fields. */
const SMALL_LIMIT = 2 ** 48;

/** One parsed BITFIELD operation. */
class FieldOp {
  constructor(
    readonly opcode: number,
    readonly overflow: number,
    readonly signed: boolean,
    readonly bits: number,
    readonly offset: number,
    /** SET value / INCRBY increment (rounded when huge; see `big`). */
    readonly num: number,
    /** Exact operand when |num| > SMALL_LIMIT, else null. */
    readonly big: bigint | null,
  ) {}
}

/**
 * Parse a field type "i<bits>" / "u<bits>" (i1..i64, u1..u63). Like Redis,
 * the width is read up to the first NUL byte. Returns bits (negative for
 * signed), or 0 after replying the error.
 */
function typeArg(c: Client, s: string): number {
  const sign = s.charCodeAt(0);
  if (sign === 105 /* i */ || sign === 117 /* u */) {
    const nul = s.indexOf('\0');
    const bits = parseInt64(nul < 0 ? s.slice(1) : s.slice(1, nul));
    if (bits !== null && bits >= 1 && bits <= (sign === 105 ? 64 : 63)) return sign === 105 ? -bits : bits;
  }
  c.error(ERR_TYPE);
  return 0;
}

/**
 * Parse every operation of a BITFIELD command. Returns the list (empty if
 * there are none), or null after replying the first error. Also reports
 * the highest bit written, or -1 if the command only reads.
 */
function parseOps(c: Client, argv: string[], out: { maxbit: number }): FieldOp[] | null {
  const ops: FieldOp[] = [];
  let overflow = OV_WRAP;
  let maxbit = -1;
  for (let j = 2; j < argv.length; j++) {
    const rem = argv.length - j - 1;
    const sub = argv[j];
    let opcode: number;
    if (is(sub, 'get') && rem >= 2) opcode = OP_GET;
    else if (is(sub, 'set') && rem >= 3) opcode = OP_SET;
    else if (is(sub, 'incrby') && rem >= 3) opcode = OP_INCRBY;
    else if (is(sub, 'overflow') && rem >= 1) {
      const t = argv[++j];
      if (is(t, 'wrap')) overflow = OV_WRAP;
      else if (is(t, 'sat')) overflow = OV_SAT;
      else if (is(t, 'fail')) overflow = OV_FAIL;
      else {
        c.error(ERR_OVERFLOW);
        return null;
      }
      continue;
    } else {
      c.error(E.SYNTAX);
      return null;
    }
    const t = typeArg(c, argv[j + 1]);
    if (t === 0) return null;
    const bits = t < 0 ? -t : t;
    const offset = bitOffsetArg(c, argv[j + 2], true, bits);
    if (offset === null) return null;
    let num = 0;
    let big: bigint | null = null;
    if (opcode !== OP_GET) {
      if (offset + bits - 1 > maxbit) maxbit = offset + bits - 1;
      const v = parseInt64(argv[j + 3]);
      if (v === null) {
        c.error(E.NOT_INT);
        return null;
      }
      num = v;
      if (v > SMALL_LIMIT || v < -SMALL_LIMIT) big = BigInt(argv[j + 3]);
    }
    ops.push(new FieldOp(opcode, overflow, t < 0, bits, offset, num, big));
    j += opcode === OP_GET ? 2 : 3;
  }
  out.maxbit = maxbit;
  return ops;
}

/** Reply GET of one field of `v` (null = missing key: all zeros). */
function replyGet(c: Client, v: string | RawString | null, op: FieldOp): void {
  const bits = op.bits;
  if (bits <= 32) {
    let u = readBits(v, op.offset, bits);
    if (op.signed && u >= POW2[bits - 1]) u -= POW2[bits];
    c.w.int(u);
    return;
  }
  const u = readBitsBig(v, op.offset, bits);
  c.w.bigint(op.signed ? BigInt.asIntN(bits, u) : u);
}

/**
 * Run a SET / INCRBY on numbers (bits <= 32, |operand| <= 2^48): compute
 * the new value under the op's overflow policy, reply (old value for SET,
 * new value for INCRBY, null when FAIL refuses) and store it. Returns
 * REFUSED, UNCHANGED or CHANGED. An unsigned SET of a negative value counts
 * as an overflow upwards, as the C code sees it as a huge uint64.
 */
function writeSmall(c: Client, raw: RawString, op: FieldOp): number {
  const bits = op.bits, full = POW2[bits];
  const min = op.signed ? -POW2[bits - 1] : 0;
  const max = op.signed ? POW2[bits - 1] - 1 : full - 1;
  let old = readBits(raw, op.offset, bits);
  if (op.signed && old > max) old -= full;
  const incr = op.opcode === OP_INCRBY;
  const s = incr ? old + op.num : op.num;
  let nv = s;
  if (s > max || s < min) {
    if (op.overflow === OV_FAIL) {
      c.w.null();
      return REFUSED;
    }
    if (op.overflow === OV_SAT) {
      nv = s > max || (!op.signed && !incr) ? max : min;
    } else {
      nv = ((s % full) + full) % full;
      if (nv > max) nv -= full;
    }
  }
  c.w.int(incr ? nv : old);
  writeBits(raw, op.offset, bits, nv);
  return nv !== old ? CHANGED : UNCHANGED;
}

/**
 * The same as writeSmall with BigInt arithmetic (wide fields, huge
 * operands). One quirk of Redis's overflow check is kept: for a signed SET
 * its int64 `max - value` wraps when value <= max - 2^63 (values near
 * INT64_MIN, narrower fields), which the C code reads as an overflow
 * upwards, so SAT stores the maximum, not the minimum.
 */
function writeBig(c: Client, raw: RawString, op: FieldOp): number {
  const bits = op.bits, b = BigInt(bits);
  const min = op.signed ? -(1n << (b - 1n)) : 0n;
  const max = op.signed ? (1n << (b - 1n)) - 1n : (1n << b) - 1n;
  const u = readBitsBig(raw, op.offset, bits);
  const old = op.signed ? BigInt.asIntN(bits, u) : u;
  const incr = op.opcode === OP_INCRBY;
  const operand = op.big !== null ? op.big : BigInt(op.num);
  const s = incr ? old + operand : operand;
  let nv = s;
  if (s > max || s < min) {
    if (op.overflow === OV_FAIL) {
      c.w.null();
      return REFUSED;
    }
    if (op.overflow === OV_SAT) nv = s > max || (!op.signed && !incr) || (!incr && s <= max - INT64_SPAN) ? max : min;
    else nv = op.signed ? BigInt.asIntN(bits, s) : BigInt.asUintN(bits, s);
  }
  c.w.bigint(incr ? nv : old);
  writeBitsBig(raw, op.offset, bits, BigInt.asUintN(bits, nv));
  return nv !== old ? CHANGED : UNCHANGED;
}

/**
 * Shared body of BITFIELD and BITFIELD_RO (`readonly`): parse, look up
 * (WRONGTYPE / create-and-grow for writes), run the operations. Changes are
 * signalled once ("setbit" event) and count one dirty unit per operation
 * that changed the field or grew the string.
 */
function bitfieldGeneric(c: Client, argv: string[], readonly: boolean): void {
  const info = { maxbit: -1 };
  const ops = parseOps(c, argv, info);
  if (ops === null) return;
  const key = argv[1];
  if (info.maxbit < 0) {
    const v = lookupRead(c, key);
    if (v !== undefined && typeof v !== 'string' && !(v instanceof RawString)) {
      c.error(E.WRONGTYPE);
      return;
    }
    c.w.arrayLen(ops.length);
    for (let i = 0; i < ops.length; i++) replyGet(c, v === undefined ? null : v as string | RawString, ops[i]);
    return;
  }
  if (readonly) {
    c.error(ERR_RO);
    return;
  }
  const raw = lookupForBitWrite(c, key, info.maxbit);
  if (raw === null) return;
  const grew = bitWrite.grew;
  let changes = 0;
  c.w.arrayLen(ops.length);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (op.opcode === OP_GET) {
      replyGet(c, raw, op);
      continue;
    }
    const r = op.bits <= 32 && op.big === null ? writeSmall(c, raw, op) : writeBig(c, raw, op);
    if (r === CHANGED || (r === UNCHANGED && grew)) changes++;
  }
  if (changes > 0) {
    keyChanged(c, c.db, key, NC.STRING, 'setbit');
    c.server.dirty += changes - 1;
  }
}

/** BITFIELD key [GET type offset | [OVERFLOW WRAP|SAT|FAIL] SET|INCRBY type offset value ...] */
export function bitfieldCommand(c: Client, argv: string[]): void {
  bitfieldGeneric(c, argv, false);
}

/** BITFIELD_RO key [GET type offset ...]: only GET; anything else is refused after parsing. */
export function bitfieldRoCommand(c: Client, argv: string[]): void {
  bitfieldGeneric(c, argv, true);
}
