/* ==========================================================================
 * Glob-style matching, bit-for-bit the semantics of Redis 7.0's
 * stringmatchlen (KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET, ACL patterns...).
 *
 * Patterns and subjects are latin1 strings (one char per byte). Supported:
 *   *        any run of bytes (consecutive stars collapse)
 *   ?        exactly one byte
 *   [abc]    a class; [^abc] negated; [a-z] ranges, also reversed ([z-a]);
 *            \x inside a class is the literal x
 *   \x       the literal x
 * Redis quirks reproduced on purpose, because clients can observe them:
 *   - an unterminated class ("[abc", "[^") ends at the end of the pattern;
 *     "[a-]" is a range from 'a' to ']' (and stays unterminated);
 *   - range bounds compare as C `char`, which is signed on the platforms
 *     Redis ships for: bytes >= 0x80 sort *below* 0x00 ("[a-\xff]" matches
 *     0x00..'a' and 0xff, not 'b'..0xfe);
 *   - an empty subject only matches an empty pattern ("*" does not match "";
 *     KEYS and SCAN special-case the pattern "*" before calling the matcher);
 *   - nocase folds only ASCII A-Z, and an escaped char inside a class is
 *     compared case-sensitively even in nocase mode.
 * Protection against abusive patterns (CVE-2022-36021): every '*' recurses
 * with nesting+1 and a call deeper than 1000 levels gives up (no match), and
 * when the rest of the pattern after a '*' matches nowhere in the remaining
 * subject the whole match fails at once instead of letting earlier stars try
 * longer spans (skipLongerMatches): that bounds the work for patterns such
 * as "*a*a*a*a*a*b" against long runs of 'a'.
 * ========================================================================== */

/** Deepest '*' recursion allowed before a match attempt gives up. */
const MAX_NESTING = 1000;

/**
 * Shared "no longer match can succeed" flag of the running top-level match
 * (Redis's skipLongerMatches out-parameter). Module state is safe: matching
 * is synchronous and never re-entered.
 */
let skipLonger = false;

const STAR = 42, QMARK = 63, LBRACKET = 91, RBRACKET = 93, BACKSLASH = 92, CARET = 94, DASH = 45;

/** A byte as C's signed `char` (range bounds compare this way in Redis). */
function signedByte(b: number): number {
  return b > 127 ? b - 256 : b;
}

/** C tolower() in the "C" locale: folds only A-Z; other values unchanged. */
function lower(b: number): number {
  return b >= 65 && b <= 90 ? b + 32 : b;
}

/**
 * The matcher proper: pattern p[pi, pe) against subject s[si, se).
 * Out-of-range pattern reads yield NaN, which compares unequal to every
 * byte, exactly like the NUL terminator the C code reads there.
 */
function matchImpl(p: string, pi: number, pe: number, s: string, si: number, se: number,
  nocase: boolean, nesting: number): boolean {
  if (nesting > MAX_NESTING) return false;
  while (pi < pe && si < se) {
    const pc = p.charCodeAt(pi);
    if (pc === STAR) {
      while (pi < pe && p.charCodeAt(pi + 1) === STAR) pi++;
      if (pe - pi === 1) return true;
      while (si < se) {
        if (matchImpl(p, pi + 1, pe, s, si, se, nocase, nesting + 1)) return true;
        if (skipLonger) return false;
        si++;
      }
      // The rest matched nowhere in the remaining subject: a longer span for
      // any earlier '*' would only start the rest later, so stop them too.
      skipLonger = true;
      return false;
    } else if (pc === QMARK) {
      si++;
    } else if (pc === LBRACKET) {
      pi++;
      const not = p.charCodeAt(pi) === CARET;
      if (not) pi++;
      let match = false;
      const sc = s.charCodeAt(si);
      for (;;) {
        const c = p.charCodeAt(pi);
        if (c === BACKSLASH && pe - pi >= 2) {
          pi++;
          if (p.charCodeAt(pi) === sc) match = true;
        } else if (c === RBRACKET) {
          break;
        } else if (pi >= pe) {
          pi--; // unterminated class: the outer step below lands on the end
          break;
        } else if (pe - pi >= 3 && p.charCodeAt(pi + 1) === DASH) {
          let start = signedByte(c);
          let end = signedByte(p.charCodeAt(pi + 2));
          let ch = signedByte(sc);
          if (start > end) {
            const t = start;
            start = end;
            end = t;
          }
          if (nocase) {
            start = lower(start);
            end = lower(end);
            ch = lower(ch);
          }
          pi += 2;
          if (ch >= start && ch <= end) match = true;
        } else if (nocase ? lower(c) === lower(sc) : c === sc) {
          match = true;
        }
        pi++;
      }
      if (not) match = !match;
      if (!match) return false;
      si++;
    } else {
      let c = pc;
      if (c === BACKSLASH && pe - pi >= 2) c = p.charCodeAt(++pi);
      const sc = s.charCodeAt(si);
      if (nocase ? lower(c) !== lower(sc) : c !== sc) return false;
      si++;
    }
    pi++;
    if (si === se) {
      while (pi < pe && p.charCodeAt(pi) === STAR) pi++;
      break;
    }
  }
  return pi === pe && si === se;
}

/** True if `p` has none of the glob metacharacters * ? [ \ (a plain literal). */
function isLiteral(p: string): boolean {
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c === STAR || c === QMARK || c === LBRACKET || c === BACKSLASH) return false;
  }
  return true;
}

/** ASCII-case-insensitive equality (nocase literal patterns). */
function equalsNoCase(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (lower(a.charCodeAt(i)) !== lower(b.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * Redis's stringmatchlen(pattern, subject, nocase): true if the latin1
 * string `s` matches the glob `pattern`. A pattern without metacharacters
 * is a plain comparison (same result, no recursion).
 */
export function stringMatch(pattern: string, s: string, nocase = false): boolean {
  if (isLiteral(pattern)) return nocase ? equalsNoCase(pattern, s) : pattern === s;
  skipLonger = false;
  return matchImpl(pattern, 0, pattern.length, s, 0, s.length, nocase, 0);
}

/**
 * A pattern prepared for matching many subjects (KEYS, SCAN MATCH): literal
 * patterns and "literal*" prefixes are decided without the general matcher.
 * Results are identical to stringMatch().
 */
export class GlobMatcher {
  private readonly kind: 0 | 1 | 2; // 0 literal, 1 non-empty-prefix + '*', 2 general
  private readonly lit: string;

  constructor(readonly pattern: string, readonly nocase = false) {
    if (isLiteral(pattern)) {
      this.kind = 0;
      this.lit = pattern;
    } else if (!nocase && pattern.length > 1 && pattern.charCodeAt(pattern.length - 1) === STAR &&
      isLiteral(pattern.slice(0, -1))) {
      // "abc*": the literal part consumes the subject's prefix; the trailing
      // star then matches any rest, including none.
      this.kind = 1;
      this.lit = pattern.slice(0, -1);
    } else {
      this.kind = 2;
      this.lit = '';
    }
  }

  matches(s: string): boolean {
    switch (this.kind) {
      case 0: return this.nocase ? equalsNoCase(this.lit, s) : this.lit === s;
      case 1: return s.startsWith(this.lit);
      default:
        skipLonger = false;
        return matchImpl(this.pattern, 0, this.pattern.length, s, 0, s.length, this.nocase, 0);
    }
  }
}
