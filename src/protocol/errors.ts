/* ==========================================================================
 * Error catalogue: Redis's exact error texts (without the leading '-').
 * Handlers reply with these constants so every family says the same thing.
 * ========================================================================== */

export const E = {
  SYNTAX: 'ERR syntax error',
  NOT_INT: 'ERR value is not an integer or out of range',
  NOT_FLOAT: 'ERR value is not a valid float',
  WRONGTYPE: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  NO_KEY: 'ERR no such key',
  OVERFLOW: 'ERR increment or decrement would overflow',
  INCR_NAN: 'ERR increment would produce NaN or Infinity',
  OUT_OF_RANGE: 'ERR index out of range',
  DB_INDEX: 'ERR DB index is out of range',
  INVALID_DB: 'ERR invalid DB index',
  SAME_OBJECT: 'ERR source and destination objects are the same',
  NOAUTH: 'NOAUTH Authentication required.',
  OOM: "OOM command not allowed when used memory > 'maxmemory'.",
  WRONGPASS: 'WRONGPASS invalid username-password pair or user is disabled.',
  STRING_TOO_LONG: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  BIT_OFFSET: 'ERR bit offset is not an integer or out of range',
  BIT_VALUE: 'ERR bit is not an integer or out of range',
  POSITIVE: 'ERR value is out of range, must be positive',
  TIMEOUT_NEG: 'ERR timeout is negative',
  INVALID_EXPIRE: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  ARITY: (cmd: string) => `ERR wrong number of arguments for '${cmd}' command`,
  UNKNOWN_SUB: (sub: string, cmd: string) =>
    `ERR unknown subcommand '${sub}'. Try ${cmd} HELP.`,
} as const;

/** The error "code" Redis counts in errorstats: the first word of the message. */
export function errorCode(msg: string): string {
  const sp = msg.indexOf(' ');
  return sp < 0 ? msg : msg.slice(0, sp);
}
