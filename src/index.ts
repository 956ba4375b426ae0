/* ==========================================================================
 * Programmatic API: start a real Respite server inside a Node process.
 *
 *   const srv = await startServer({ port: 0 });   // free port
 *   const redis = new Redis(srv.port, srv.host);
 *   ...
 *   await srv.close();
 *
 * Options are Redis config names (any of the config table, e.g. `port`,
 * `requirepass`, `databases`, `'proto-max-bulk-len'`) with string, number or
 * boolean values, validated exactly like redis.conf lines. Several servers
 * can run in one process. Logging is off unless `logfile` is given.
 * ========================================================================== */

import { Config } from './config/table';
import { applyDirective } from './config/loader';
import { Server } from './server/server';

export type ServerOptions = Record<string, string | number | boolean | readonly string[]>;

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  /** The server object (for advanced embedding and tests). */
  readonly server: Server;
  close(): Promise<void>;
}

/** Start a server; resolves once it accepts connections. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const cfg = new Config();
  cfg.port = 0;
  for (const [name, value] of Object.entries(options)) {
    const args = Array.isArray(value)
      ? (value as string[]).map(String)
      : [typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value)];
    try {
      applyDirective(cfg, [name.replace(/[A-Z]/g, (m) => '-' + m.toLowerCase()), ...args]);
    } catch (e) {
      throw new Error(`startServer: option '${name}': ${(e as Error).message}`);
    }
  }
  const srv = new Server(cfg);
  if (!('logfile' in options)) srv.log.quiet = true;
  await srv.start();
  const host = cfg.bind.map((b) => b.replace(/^-/, ''))[0] ?? '127.0.0.1';
  return {
    host: host === '*' ? '127.0.0.1' : host,
    port: srv.listener!.port,
    server: srv,
    close: () => srv.close(),
  };
}

export { Server } from './server/server';
export { Config } from './config/table';
