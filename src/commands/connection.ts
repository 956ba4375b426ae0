/* ==========================================================================
 * Connection family: PING, ECHO, AUTH, HELLO, SELECT, CLIENT, QUIT, RESET.
 * ========================================================================== */

import type { CommandSpec } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';

function pingCommand(c: Client, argv: string[]): void {
  if (argv.length > 2) {
    c.error(E.ARITY('ping'));
    return;
  }
  if (argv.length === 1) c.w.simple('PONG');
  else c.w.bulk(argv[1]);
}

export const CONNECTION_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'ping', arity: -1, flags: ['fast'], acl: ['connection'],
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    summary: 'Check that the connection is alive; echoes a message if one is given.', since: '1.0.0',
    group: 'connection', complexity: 'O(1)',
    arguments: [{ name: 'message', type: 'string', flags: ['optional'] }],
    handler: pingCommand,
  },
];
