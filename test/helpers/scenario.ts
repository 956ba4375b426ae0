/* Multi-client scenario driver for differential tests of blocking commands: named consumer
 * connections on both servers (real Redis and Respite) send commands without waiting; settle() waits
 * until every pending consumer is either blocked (CLIENT LIST flag b) or answered on both servers,
 * asserts both servers block the same consumers, and compares the replies of the answered ones. */

import * as assert from 'node:assert/strict';
import type { Pair, RawClient } from './servers';
import { encodeCommand } from './resp';

/** One consumer connection on each server, with an outstanding command or not. */
interface Consumer {
  name: string;
  ours: RawClient;
  theirs: RawClient;
  pending: string | null;
}

/** Names of blocked clients (flag b) per CLIENT LIST of one server. */
export async function blockedNames(c: RawClient): Promise<string[]> {
  const list = String(await c.call('CLIENT', 'LIST'));
  const out: string[] = [];
  for (const line of list.split('\n')) {
    const name = /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '';
    const flags = /(?:^| )flags=(\S*)/.exec(line)?.[1] ?? '';
    if (name !== '' && flags.includes('b')) out.push(name);
  }
  return out.sort();
}

let scenarios = 0;

export class Scenario {
  readonly consumers: Consumer[] = [];
  /** Name prefix unique to this scenario, so leftovers of another test never count. */
  readonly prefix = 's' + ++scenarios + 'c';

  constructor(private readonly pair: Pair) {}

  async add(n: number, proto = 2): Promise<void> {
    for (let i = 0; i < n; i++) {
      const [ours, theirs] = await this.pair.connectMore();
      const name = this.prefix + this.consumers.length;
      for (const c of [ours, theirs]) {
        if (proto === 3) await c.call('HELLO', '3');
        await c.call('CLIENT', 'SETNAME', name);
      }
      this.consumers.push({ name, ours, theirs, pending: null });
    }
  }

  /** Send a command from consumer i without waiting for its reply. */
  send(i: number, ...args: string[]): void {
    const c = this.consumers[i];
    assert.equal(c.pending, null, `${c.name} already has a pending command`);
    const bytes = encodeCommand(args);
    c.ours.write(bytes);
    c.theirs.write(bytes);
    c.pending = args.join(' ');
  }

  /**
   * Wait until both servers report the same blocked consumers and the set
   * is stable, then compare the replies of every consumer that is pending
   * but no longer blocked.
   */
  async settle(): Promise<void> {
    let ours: string[] = [], theirs: string[] = [];
    for (let tries = 0; ; tries++) {
      [ours, theirs] = await Promise.all([blockedNames(this.pair.ours), blockedNames(this.pair.theirs)]);
      // Every pending consumer must be either blocked or answered, on both servers.
      const done = this.consumers.every((c) => c.pending === null ||
        ((ours.includes(c.name) || c.ours.hasReply) && (theirs.includes(c.name) || c.theirs.hasReply)));
      if (done || tries >= 400) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.deepEqual(ours, theirs, 'blocked clients differ');
    for (const c of this.consumers) {
      if (c.pending === null || ours.includes(c.name)) continue;
      const [[, a], [, b]] = await Promise.all([c.ours.readReply(), c.theirs.readReply()]);
      assert.equal(a.toString('latin1'), b.toString('latin1'), `reply of ${c.name} to ${c.pending}`);
      c.pending = null;
    }
  }

  /** Release everything still blocked (CLIENT UNBLOCK) and close the connections. */
  async end(): Promise<void> {
    for (const c of this.consumers) {
      if (c.pending === null) continue;
      const id = async (x: RawClient, y: RawClient): Promise<string> => {
        const info = String(await x.call('CLIENT', 'LIST'));
        const line = info.split('\n').find((l) => l.includes(` name=${c.name} `)) ?? '';
        return (/id=(\d+)/.exec(line)?.[1] ?? '0') + (y === x ? '' : '');
      };
      const [a, b] = await Promise.all([
        this.pair.ours.raw('CLIENT', 'UNBLOCK', await id(this.pair.ours, this.pair.ours)),
        this.pair.theirs.raw('CLIENT', 'UNBLOCK', await id(this.pair.theirs, this.pair.theirs)),
      ]);
      assert.equal(a, b, `CLIENT UNBLOCK of ${c.name} pending ${c.pending}`);
    }
    await this.settle();
    for (const c of this.consumers) {
      c.ours.close();
      c.theirs.close();
    }
  }
}

