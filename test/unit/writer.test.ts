/* Reply writer: RESP2/RESP3 encodings and chunk handling. */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ReplyWriter, CaptureSink } from '../../src/protocol/writer';
import { formatDouble, formatG, parseDouble, parseInt64 } from '../../src/protocol/numbers';

function out(proto: number, f: (w: ReplyWriter) => void): string {
  const sink = new CaptureSink();
  const w = new ReplyWriter(sink);
  w.proto = proto;
  f(w);
  w.flush();
  return sink.take().toString('latin1');
}

test('RESP2 and RESP3 encodings', () => {
  assert.equal(out(2, (w) => w.null()), '$-1\r\n');
  assert.equal(out(3, (w) => w.null()), '_\r\n');
  assert.equal(out(2, (w) => w.nullArray()), '*-1\r\n');
  assert.equal(out(2, (w) => { w.mapLen(1); w.bulk('a'); w.int(1); }), '*2\r\n$1\r\na\r\n:1\r\n');
  assert.equal(out(3, (w) => { w.mapLen(1); w.bulk('a'); w.int(1); }), '%1\r\n$1\r\na\r\n:1\r\n');
  assert.equal(out(2, (w) => w.double(1.5)), '$3\r\n1.5\r\n');
  assert.equal(out(3, (w) => w.double(1.5)), ',1.5\r\n');
  assert.equal(out(3, (w) => w.double(-Infinity)), ',-inf\r\n');
  assert.equal(out(2, (w) => w.bool(true)), ':1\r\n');
  assert.equal(out(3, (w) => w.bool(false)), '#f\r\n');
  assert.equal(out(3, (w) => w.verbatim('hi')), '=6\r\ntxt:hi\r\n');
  assert.equal(out(2, (w) => w.setLen(2)), '*2\r\n');
  assert.equal(out(3, (w) => w.setLen(2)), '~2\r\n');
  assert.equal(out(3, (w) => w.pushLen(3)), '>3\r\n');
});

test('error lines never carry CR/LF from client text', () => {
  assert.equal(out(2, (w) => w.error("ERR unknown 'a\r\nb'\r\n")), "-ERR unknown 'a  b'\r\n");
  assert.equal(out(2, (w) => w.error('ERR plain')), '-ERR plain\r\n');
});

test('binary and large bulks round-trip', () => {
  const s = '\x00\xff\r\n' + 'z'.repeat(200000);
  const r = out(2, (w) => { w.bulk(s); w.bulk('tail'); });
  assert.equal(r, `$${s.length}\r\n${s}\r\n$4\r\ntail\r\n`);
  const many = out(2, (w) => { for (let i = 0; i < 10000; i++) w.int(i); });
  assert.equal(many.split('\r\n').length - 1, 10000);
});

test('doubles format like %.17g', () => {
  assert.equal(formatDouble(1.1), '1.1000000000000001');
  assert.equal(formatDouble(0.1 + 0.2), '0.30000000000000004');
  assert.equal(formatDouble(1e21), '1e+21');
  assert.equal(formatDouble(1e-5), '1.0000000000000001e-05');
  assert.equal(formatDouble(123), '123');
  assert.equal(formatDouble(-0), '-0');
  assert.equal(formatDouble(NaN), 'nan');
  assert.equal(formatG(3.14159, 5), '3.1416');
  assert.equal(formatG(1e16, 17), '10000000000000000');
  assert.equal(formatG(1e17, 17), '1e+17');
});

test('number parsing follows string2ll and strtod rules', () => {
  assert.equal(parseInt64('9223372036854775807'), 9223372036854775807);
  assert.equal(parseInt64('9223372036854775808'), null);
  assert.equal(parseInt64(' 1'), null);
  assert.equal(parseInt64('007'), null);
  assert.equal(parseDouble('1.5'), 1.5);
  assert.equal(parseDouble('+inf'), Infinity);
  assert.equal(parseDouble('-Infinity'), -Infinity);
  assert.equal(parseDouble('nan'), null);
  assert.equal(parseDouble(' 1'), null);
  assert.equal(parseDouble('1e400'), null);
  assert.equal(parseDouble('1e-400'), null);
  assert.equal(parseDouble('.5'), 0.5);
  assert.equal(parseDouble('5.'), 5);
  assert.equal(parseDouble('0x10'), 16);
  assert.equal(parseDouble(''), null);
});
