/* ==========================================================================
 * redis.conf loader: files in Redis's syntax, `include`, and command-line
 * options (`--port 6380 --bind 127.0.0.1 ::1`), applied through the config
 * table. Errors carry Redis's fatal-config-error wording plus the file and
 * line, and are reported by main.ts.
 * ========================================================================== */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { splitArgs } from '../protocol/parser';
import { Config, PARAM_BY_NAME, parseParam } from './table';

export class ConfigError extends Error {
  constructor(
    readonly reason: string,
    readonly source: string,
    readonly line: number,
    readonly text: string,
  ) {
    super(reason);
  }

  /** The message Redis prints before exiting (plus where the line came from). */
  format(version: string): string {
    return (
      `\n*** FATAL CONFIG FILE ERROR (Redis ${version}) ***\n` +
      `Reading the configuration file, at line ${this.line} of ${this.source}\n` +
      `>>> '${this.text}'\n` +
      `${this.reason}\n`
    );
  }
}

/** Apply one directive (argv[0] is the name). Throws a plain Error with Redis's reason. */
export function applyDirective(cfg: Config, argv: string[]): void {
  const name = argv[0].toLowerCase();
  const p = PARAM_BY_NAME.get(name);
  if (p === undefined || argv.length < 2) throw new Error('Bad directive or wrong number of arguments');
  if (p.type !== 'special' && argv.length !== 2) throw new Error('wrong number of arguments');
  const v = parseParam(p, argv.slice(1));
  if (typeof v === 'string' && v.startsWith('!')) throw new Error(v.slice(1));
  (cfg as unknown as Record<string, unknown>)[p.field] = v;
}

/** Load config text (a file's content or the command-line options) into cfg. */
export function loadConfigText(cfg: Config, text: string, source: string, depth = 0): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line === '' || line.startsWith('#')) continue;
    const argv = splitArgs(line);
    if (argv === null) throw new ConfigError('Unbalanced quotes in configuration line', source, i + 1, line);
    if (argv.length === 0) continue;
    if (argv[0].toLowerCase() === 'include' && argv.length === 2) {
      if (depth > 16) throw new ConfigError('Too many nested includes', source, i + 1, line);
      loadConfigFile(cfg, argv[1], depth + 1);
      continue;
    }
    try {
      applyDirective(cfg, argv);
    } catch (e) {
      throw new ConfigError((e as Error).message, source, i + 1, line);
    }
  }
}

export function loadConfigFile(cfg: Config, file: string, depth = 0): void {
  let text: string;
  try {
    text = file === '-' ? fs.readFileSync(0, 'latin1') : fs.readFileSync(file, 'latin1');
  } catch (e) {
    throw new ConfigError(`Fatal error, can't open config file '${file}': ${(e as Error).message}`, file, 0, '');
  }
  loadConfigText(cfg, text, file === '-' ? 'stdin' : path.resolve(file), depth);
}

/** Quote an argument the way Redis's sdscatrepr does for command-line options. */
function repr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 || c === 34) out += '\\' + s[i];
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c < 32 || c > 126) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += s[i];
  }
  return out + '"';
}

/**
 * Parse redis-server's command line: [configfile] [--name value ...].
 * Returns the config file (or null) and the options as config text.
 */
export function parseCommandLine(args: string[]): { file: string | null; options: string } {
  let file: string | null = null;
  let j = 0;
  if (args.length > 0 && (!args[0].startsWith('--') || args[0] === '-')) {
    file = args[0];
    j = 1;
  }
  const lines: string[] = [];
  let cur: string[] | null = null;
  for (; j < args.length; j++) {
    const a = args[j];
    if (a.startsWith('--') && a.length > 2) {
      if (cur !== null) lines.push(cur.join(' '));
      cur = [a.slice(2)];
    } else if (cur !== null) {
      cur.push(repr(a));
    } else if (a === '-' && file === null) {
      file = '-';
    } else {
      // A value before any --name: Redis treats it as a directive line of its own.
      lines.push(a);
    }
  }
  if (cur !== null) lines.push(cur.join(' '));
  return { file, options: lines.join('\n') };
}
