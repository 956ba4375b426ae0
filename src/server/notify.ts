/* ==========================================================================
 * Keyspace notifications (Redis's notify.c): every keyspace event that a
 * command emits through keyChanged() / notify() (server/keyspace.ts), and
 * the "expired" events of Server.onExpired, arrive at the keyHooks.event
 * listener installed here. When the event's class is enabled by
 * notify-keyspace-events it is published, in Redis's order, on
 *   __keyspace@<db>__:<key>      message: the event name   (flag K)
 *   __keyevent@<db>__:<event>    message: the key          (flag E)
 *
 * The listener is installed with the server's pub/sub state, i.e. once any
 * client has subscribed: before that no notification could have a receiver.
 * With notifications off it costs one bit test per event (no strings built).
 * ========================================================================== */

import { NC } from './keyspace';
import type { PubSub } from './pubsub';

/** Install the keyspace-event listener that publishes notifications for `ps`'s server. */
export function installNotifications(ps: PubSub): void {
  const srv = ps.srv;
  srv.keyHooks.event.push((cls, event, key, dbid) => {
    const flags = srv.config.notifyKeyspaceEvents;
    if ((flags & cls) === 0) return;
    if (flags & NC.KEYSPACE) ps.publish('__keyspace@' + dbid + '__:' + key, event);
    if (flags & NC.KEYEVENT) ps.publish('__keyevent@' + dbid + '__:' + event, key);
  });
}
