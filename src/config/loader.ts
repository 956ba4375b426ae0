/* ==========================================================================
 * redis.conf loader: files in Redis's syntax, `include` (with glob
 * patterns), stdin, and command-line options (`--port 6380 --bind a b`),
 * applied through the config table.
 *
 * It reproduces Redis 7.0.15's loadServerConfig: the config file, then
 * stdin, then the command-line options are concatenated into one text
 * ("file\nstdin\noptions") and parsed line by line, so the line number in a
 * fatal error is the one Redis prints. Errors carry Redis's wording:
 *   "Bad directive or wrong number of arguments"  unknown directive
 *   "wrong number of arguments"                    known one, wrong arity
 *   "Unbalanced quotes in configuration line"
 *   the parameter's own reason (see table.ts)
 *   "Can't open the log file: <strerror>"          after the last line
 * ========================================================================== */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { splitArgs } from '../protocol/parser';
import { stringMatch } from '../store/glob';
import { Config, ValueError, lookupParam, parseParam, storeParam, repr } from './table';

/** hz is a hint: values out of [1, 500] are clamped after loading (and on CONFIG SET). */
export const MIN_HZ = 1;
export const MAX_HZ = 500;

/** Directives Redis 7.0 still accepts and ignores (name, argument count incl. the name). */
const DEPRECATED: readonly (readonly [string, number])[] = [
  ['list-max-ziplist-entries', 2],
  ['list-max-ziplist-value', 2],
  ['lua-replicate-commands', 2],
];

export class ConfigError extends Error {
  constructor(
    readonly reason: string,
    readonly source: string,
    /** 1-based line of the offending directive; 0 when the error is not about a line. */
    readonly line: number,
    readonly text: string,
    /** A start-up failure Redis logs as a plain line (can't open the file) rather than the FATAL block. */
    readonly plain = false,
  ) {
    super(reason);
  }

  /** What Redis prints before exiting with status 1. */
  format(version: string): string {
    if (this.plain) return this.reason + '\n';
    let s = `\n*** FATAL CONFIG FILE ERROR (Redis ${version}) ***\n`;
    // Redis's block, plus where the text came from (the issue asks for the file, Redis omits it).
    if (this.line > 0) s += `Reading the configuration file, at line ${this.line} (${this.source})\n>>> '${this.text}'\n`;
    return s + this.reason + '\n';
  }
}

/**
 * Apply one directive (argv[0] is the name, any case) to cfg. Throws an
 * Error whose message is Redis's reason. Used by the loader and by the
 * programmatic API (startServer options).
 */
export function applyDirective(cfg: Config, argv: string[]): void {
  const p = lookupParam(argv[0]);
  if (p === undefined) throw new Error('Bad directive or wrong number of arguments');
  if (!p.multiArg && argv.length !== 2) throw new Error('wrong number of arguments');
  const v = parseParam(p, argv.slice(1), cfg);
  if (v instanceof ValueError) throw new Error(v.reason);
  storeParam(p, cfg, v);
}

/** Checks Redis runs once a config text is fully read (log file, hz range). */
function finishLoad(cfg: Config, source: string): void {
  if (cfg.logfile !== '') {
    try {
      fs.closeSync(fs.openSync(cfg.logfile, 'a'));
    } catch (e) {
      throw new ConfigError(`Can't open the log file: ${strerror(e as NodeJS.ErrnoException)}`, source, 0, '');
    }
  }
  if (cfg.hz < MIN_HZ) cfg.hz = MIN_HZ;
  if (cfg.hz > MAX_HZ) cfg.hz = MAX_HZ;
}

/** Load config text (Redis's loadServerConfigFromString) into cfg. */
export function loadConfigText(cfg: Config, text: string, source: string, depth = 0): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line === '' || line.startsWith('#')) continue;
    const argv = splitArgs(line);
    if (argv === null) throw new ConfigError('Unbalanced quotes in configuration line', source, i + 1, line);
    if (argv.length === 0) continue;
    const name = argv[0].toLowerCase();
    try {
      if (lookupParam(name) !== undefined) {
        applyDirective(cfg, argv);
        continue;
      }
      if (DEPRECATED.some(([n, argc]) => n === name && argc === argv.length)) continue;
      if (name === 'include' && argv.length === 2) {
        if (depth >= 64) throw new Error('Too many nested includes');
        includeFiles(cfg, argv[1], depth + 1);
        continue;
      }
      throw new Error('Bad directive or wrong number of arguments');
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      throw new ConfigError((e as Error).message, source, i + 1, line);
    }
  }
  finishLoad(cfg, source);
}

/** Read a whole config file; a failure is Redis's "Fatal error, can't open config file" line. */
function readConfig(file: string): string {
  try {
    return file === '-' ? fs.readFileSync(0, 'latin1') : fs.readFileSync(file, 'latin1');
  } catch (e) {
    throw new ConfigError(
      `Fatal error, can't open config file '${file}': ${strerror(e as NodeJS.ErrnoException)}`, file, 0, '', true,
    );
  }
}

/** Load one config file (`-` reads stdin). */
export function loadConfigFile(cfg: Config, file: string, depth = 0): void {
  loadConfigText(cfg, readConfig(file), file === '-' ? 'stdin' : path.resolve(file), depth);
}

/**
 * `include <path>`: a path with * ? [ is a glob (no match is fine; matches
 * are read in sorted order and concatenated, like glob(3) + Redis); any
 * other path must exist.
 */
function includeFiles(cfg: Config, pattern: string, depth: number): void {
  if (!/[*?[]/.test(pattern)) {
    loadConfigFile(cfg, pattern, depth);
    return;
  }
  const files = globFiles(pattern);
  if (files.length === 0) return;
  loadConfigText(cfg, files.map(readConfig).join(''), files[0], depth);
}

/** Expand a filesystem glob, component by component; sorted like glob(3). */
export function globFiles(pattern: string): string[] {
  const abs = pattern.startsWith('/');
  const parts = pattern.split('/').filter((x) => x !== '');
  let cur: string[] = [abs ? '/' : ''];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const next: string[] = [];
    for (const base of cur) {
      if (!/[*?[]/.test(part)) {
        const p = base === '' ? part : path.join(base, part);
        if (fs.existsSync(p)) next.push(p);
        continue;
      }
      let names: string[];
      try {
        names = fs.readdirSync(base === '' ? '.' : base);
      } catch {
        continue;
      }
      for (const n of names.sort()) {
        if (n.startsWith('.') && !part.startsWith('.')) continue;
        if (stringMatch(part, n)) next.push(base === '' ? n : path.join(base, n));
      }
    }
    cur = next;
  }
  return cur.filter((f) => f !== '' && f !== '/').sort();
}

export interface CommandLine {
  /** The config file (first argument not starting with '-'), or null; '-' alone when only stdin is given. */
  file: string | null;
  /** Read config from stdin too ('-' as the first or last argument). */
  stdin: boolean;
  /** The --options as config text, one directive per line. */
  options: string;
}

/**
 * Parse redis-server's command line as Redis 7.0.15's main() does:
 * [configfile] [-] [--name value ...]. An option name with no value keeps
 * the next "--word" as its value (so `--port --hz` sets port "--hz"),
 * `--save` with no value means `save ""`, and values are quoted with
 * sdscatrepr so the loader reads them back verbatim.
 */
export function parseCommandLine(args: string[]): CommandLine {
  let file: string | null = null;
  let stdin = false;
  let j = 0;
  if (args.length > 0 && !args[0].startsWith('-')) {
    file = args[0];
    j = 1;
  }
  let options = '';
  let handledLast = true;
  for (; j < args.length; j++) {
    const a = args[j];
    if (a === '-' && (j === 0 || j === args.length - 1)) {
      stdin = true;
    } else if (handledLast && a.startsWith('--')) {
      if (options.length > 0) options += '\n';
      options += a.slice(2) + ' ';
      const words = splitArgs(a);
      if (words !== null && words.length === 1) {
        handledLast = false;
        const isSave = a.toLowerCase() === '--save';
        if (isSave && (j === args.length - 1 || args[j + 1].startsWith('--'))) {
          options += '""';
          handledLast = true;
        }
      } else {
        handledLast = true;
      }
    } else {
      options += repr(a) + ' ';
      handledLast = true;
    }
  }
  if (file === null && stdin) file = '-';
  return { file, stdin, options };
}

/**
 * Load everything the command line names, exactly as Redis concatenates it:
 * file content, then stdin, then "\n" + options, parsed as one text.
 */
export function loadServerConfig(cfg: Config, cl: CommandLine): void {
  let text = '';
  let source = 'the command line';
  if (cl.file !== null && cl.file !== '-') {
    text += readConfig(cl.file);
    source = path.resolve(cl.file);
  }
  if (cl.stdin) text += readConfig('-');
  if (cl.options !== '') text += '\n' + cl.options;
  loadConfigText(cfg, text, source);
}

/** strerror() text for common errno codes. */
function strerror(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOENT': return 'No such file or directory';
    case 'EACCES': return 'Permission denied';
    case 'EISDIR': return 'Is a directory';
    case 'ENOTDIR': return 'Not a directory';
    default: return e.message;
  }
}
