/* Glob matcher (store/glob.ts): Redis 7.0 stringmatchlen semantics, including its quirks
 * (signed-char ranges, unterminated classes, empty subjects) and the protections against
 * pathological patterns. Expected values were checked against real Redis 7.0.15 (KEYS for
 * case-sensitive matching, COMMAND LIST FILTERBY PATTERN for nocase). */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { stringMatch, GlobMatcher } from '../../src/store/glob';
import { rng } from '../helpers/servers';

/** [pattern, subject, expected] for case-sensitive matching. */
const CASES: [string, string, boolean][] = [
  // literals and the empty subject
  ['', '', true], ['', 'a', false], ['a', '', false], ['abc', 'abc', true], ['abc', 'abd', false],
  ['abc', 'ab', false], ['ab', 'abc', false], ['ABC', 'abc', false],
  // '*' (and runs of it)
  ['*', 'anything', true], ['*', '', false], ['**', '', false], ['a*', 'a', true], ['a*', 'abc', true],
  ['a*', 'ba', false], ['*a', 'bca', true], ['*a', 'ab', false], ['a*b', 'ab', true], ['a*b', 'axxb', true],
  ['a*b', 'axxbc', false], ['a**b', 'ab', true], ['*a*', 'xax', true], ['*a*', 'xx', false],
  ['a*b*c', 'abbbc', true], ['a*b*c', 'acb', false], ['h*llo', 'hello', true], ['h*llo', 'hllo', true],
  ['*?', 'a', true], ['*?', '', false], ['?*', 'a', true], ['a*', 'a\x00b', true],
  // '?'
  ['?', 'a', true], ['?', '', false], ['?', 'ab', false], ['h?llo', 'hallo', true], ['h?llo', 'hllo', false],
  ['??', '\x00\xff', true], ['a?c', 'a\nc', true],
  // classes
  ['[abc]', 'a', true], ['[abc]', 'c', true], ['[abc]', 'd', false], ['[abc]', '', false],
  ['h[ae]llo', 'hello', true], ['h[ae]llo', 'hillo', false], ['[^abc]', 'd', true], ['[^abc]', 'a', false],
  ['h[^e]llo', 'hallo', true], ['h[^e]llo', 'hello', false], ['[a-c]', 'b', true], ['[a-c]', 'd', false],
  ['h[a-b]llo', 'hbllo', true], ['[c-a]', 'b', true], ['[z-a]', 'm', true], ['[z-a]', 'A', false],
  ['[a-cx-z]', 'y', true], ['[a-cx-z]', 'm', false], ['[^a-c]', 'b', false], ['[^a-c]', 'z', true],
  ['[\\]]', ']', true], ['[\\-]', '-', true], ['[a\\-c]', 'b', false], ['[a\\-c]', '-', true],
  ['[-a]', '-', true], ['[a-]', ']', true], ['[a-]', '^', true], ['[a-]', '\\', false], ['[a-]', 'b', false],
  ['[]', 'a', false], ['[]]', ']', false], ['[]a]', 'a', false], ['[]', '', false],
  ['[^]', 'a', true], ['[^]', ']', true],
  // unterminated classes end at the end of the pattern
  ['[', 'a', false], ['[', '[', false], ['[^', 'x', true], ['[^', '^', true], ['[abc', 'b', true],
  ['[abc', 'bc', false], ['[abc', 'd', false], ['[\\', '\\', true], ['[a-', 'a', true], ['[a-', '-', true],
  // escapes
  ['\\*', '*', true], ['\\*', 'a', false], ['\\?', '?', true], ['\\?', 'a', false], ['\\[a]', '[a]', true],
  ['\\[a]', 'a', false], ['\\\\', '\\', true], ['a\\', 'a\\', true], ['\\', '\\', true], ['\\a', 'a', true],
  ['*\\*', 'ab*', true], ['*\\*', 'ab', false],
  // signed-char ranges: bytes >= 0x80 sort below 0x00
  ['[a-\xff]', '\xff', true], ['[a-\xff]', 'A', true], ['[a-\xff]', '\x00', true], ['[a-\xff]', 'a', true],
  ['[a-\xff]', 'b', false], ['[a-\xff]', '\x80', false], ['[\x80-\xff]', '\xc0', true],
  ['[\x80-\xff]', '\x7f', false], ['[\xff-\x80]', '\x90', true], ['[\x00-b]', 'b', true],
  ['[\x00-b]', '\xff', false], ['[\x7f-\x80]', '\x00', true], ['[\x7f-\x80]', '\xff', true],
  // binary subjects and patterns
  ['\x00*', '\x00abc', true], ['*\x00', 'abc\x00', true], ['\xe9t\xe9', '\xe9t\xe9', true], ['[\xe9]', '\xe9', true],
];

test('stringMatch reproduces Redis stringmatchlen on hand-picked cases', () => {
  for (const [p, s, want] of CASES) {
    assert.equal(stringMatch(p, s), want, `pattern ${JSON.stringify(p)} subject ${JSON.stringify(s)}`);
    assert.equal(new GlobMatcher(p).matches(s), want, `GlobMatcher ${JSON.stringify(p)} ${JSON.stringify(s)}`);
  }
});

test('nocase folds ASCII letters only, ranges after swapping, but not escaped class members', () => {
  const NOCASE: [string, string, boolean][] = [
    ['ABC', 'abc', true], ['abc', 'ABC', true], ['a*', 'AXY', true], ['[A-C]', 'b', true], ['[a-c]', 'B', true],
    ['[^A]', 'a', false], ['h?LLO', 'HeLlo', true], ['\xc9', '\xe9', false], ['[\\A]', 'a', false],
    ['[\\A]', 'A', true], ['\\A', 'a', true], ['[Z-a]', 'z', false], ['[Z-a]', '_', false], ['[Z-a]', 'Z', false],
    ['[a-Z]', '[', false], ['get', 'GET', true], ['GE?', 'get', true], ['*T', 'set', true],
  ];
  for (const [p, s, want] of NOCASE) {
    assert.equal(stringMatch(p, s, true), want, `nocase ${JSON.stringify(p)} ${JSON.stringify(s)}`);
    assert.equal(new GlobMatcher(p, true).matches(s), want, `GlobMatcher nocase ${JSON.stringify(p)}`);
  }
  assert.equal(stringMatch('ABC', 'abc'), false);
});

test('recursion limit: a pattern needing more than 1000 nested stars never matches', () => {
  const subject = 'a'.repeat(1200);
  assert.equal(stringMatch('*a'.repeat(1000), subject), true);
  assert.equal(stringMatch('*a'.repeat(1001), subject), false);
  // The trailing star does not recurse; stars consumed after the subject ends do not either.
  assert.equal(stringMatch('a*'.repeat(1001), subject), true);
  assert.equal(stringMatch('a*'.repeat(1002) + 'a', subject), false);
  assert.equal(stringMatch('*?'.repeat(3000), 'a'.repeat(5000)), false);
  assert.equal(stringMatch('*?'.repeat(600), 'a'.repeat(5000)), true);
});

test('pathological patterns finish (skip-longer-matches pruning)', () => {
  // Exponential without the pruning: ~ C(20000, 50) attempts.
  assert.equal(stringMatch('*a'.repeat(50) + 'b', 'a'.repeat(20000)), false);
  assert.equal(stringMatch('a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000)), false);
  assert.equal(stringMatch('a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000) + 'b'), true);
  assert.equal(stringMatch('*[ab]*[ab]*[ab]*[ab]*[ab]*c', 'ab'.repeat(5000)), false);
});

/** A straightforward reference for patterns without classes or escapes: regex translation. */
function regexRef(p: string, s: string): boolean {
  if (s.length === 0) return p.length === 0;
  let re = '^';
  for (const ch of p) re += ch === '*' ? '[\\s\\S]*' : ch === '?' ? '[\\s\\S]' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(re + '$').test(s);
}

test('random star/question patterns agree with a regex reference; GlobMatcher agrees with stringMatch', () => {
  const r = rng(42);
  const alpha = ['a', 'b', '*', '?', 'a', 'b', '\x00', '\xff'];
  const subj = ['a', 'b', '\x00', '\xff'];
  const classAlpha = ['a', 'b', '[', ']', '^', '-', '\\', '*', '?', 'A', '\xff'];
  for (let i = 0; i < 20000; i++) {
    let p = '';
    const pl = (r() * 7) | 0;
    for (let j = 0; j < pl; j++) p += alpha[(r() * alpha.length) | 0];
    let s = '';
    const sl = (r() * 7) | 0;
    for (let j = 0; j < sl; j++) s += subj[(r() * subj.length) | 0];
    assert.equal(stringMatch(p, s), regexRef(p, s), `pattern ${JSON.stringify(p)} subject ${JSON.stringify(s)}`);
    let q = '';
    for (let j = 0; j < pl + 1; j++) q += classAlpha[(r() * classAlpha.length) | 0];
    for (const nocase of [false, true]) {
      assert.equal(new GlobMatcher(q, nocase).matches(s), stringMatch(q, s, nocase));
      assert.equal(new GlobMatcher(p, nocase).matches(s), stringMatch(p, s, nocase));
    }
  }
});
