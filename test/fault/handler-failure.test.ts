/* A command handler that throws must not take the server down (only its client is closed). */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { startRespite, RawClient } from '../helpers/servers';

test('an exception inside a handler: error reply, that client closed, server and data intact', async () => {
  const srv = await startRespite();
  try {
    // Simulate a failing handler (a bug or a refused allocation) by wrapping ECHO's.
    const entry = srv.server.table.lookup('echo')!;
    const original = entry.spec;
    (entry as unknown as { spec: unknown }).spec = {
      ...original,
      handler: (_c: unknown, argv: string[]) => {
        if (argv[1] === 'boom') throw new RangeError('Array buffer allocation failed');
        original.handler!(_c as never, argv);
      },
    };
    const victim = await RawClient.connect(srv.port);
    const other = await RawClient.connect(srv.port);
    assert.deepEqual(await other.call('SET', 'k', 'v'), { simple: 'OK' });
    assert.deepEqual(await victim.call('ECHO', 'fine'), 'fine');
    assert.deepEqual(await victim.call('ECHO', 'boom'),
      { error: "ERR internal error while running 'echo': Array buffer allocation failed" });
    await victim.waitClose();
    assert.deepEqual(await other.call('GET', 'k'), 'v');
    assert.deepEqual(await other.call('ECHO', 'still here'), 'still here');
    other.close();
  } finally {
    await srv.close();
  }
});
