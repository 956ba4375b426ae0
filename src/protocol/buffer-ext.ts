/* ==========================================================================
 * Typings for Buffer's latin1 fast paths (present on Node's Buffer.prototype,
 * missing from @types/node): they copy one byte per char with no encoding
 * dispatch, which is what a binary-safe latin1 keyspace wants.
 * ========================================================================== */

declare global {
  interface Buffer {
    latin1Write(s: string, offset?: number, length?: number): number;
    latin1Slice(start?: number, end?: number): string;
  }
}

export {};
