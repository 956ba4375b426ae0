/* ==========================================================================
 * LATENCY family: LATEST, HISTORY, RESET, GRAPH, DOCTOR over the latency
 * monitor (server/latency.ts), and HISTOGRAM over the per-command latency
 * histograms kept for INFO latencystats (server/histogram.ts).
 * ========================================================================== */

import type { CommandSpec } from './spec';
import type { CommandEntry } from './table';
import type { Client } from '../server/client';
import { latencyGraph, latencyReport, type LatencySeries } from '../server/latency';
import { helpReply } from './slowlog';

const ADMIN_FLAGS = ['admin', 'noscript', 'loading', 'stale'] as const;
const SPECIAL_TIPS = ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'];

/** LATENCY LATEST: [event, time of the last sample, its ms, all time max ms] per event. */
function latencyLatest(c: Client): void {
  const w = c.w;
  const events = c.server.latency.events;
  w.arrayLen(events.size);
  for (const [name, ts] of events) {
    const last = ts.last;
    w.arrayLen(4);
    w.bulk(name);
    w.int(ts.times[last]);
    w.int(ts.values[last]);
    w.int(ts.max);
  }
}

/** LATENCY HISTORY event: [time, ms] pairs, oldest first (empty for an unknown event; names are case-sensitive). */
function latencyHistory(c: Client, argv: string[]): void {
  const ts = c.server.latency.events.get(argv[2]);
  const w = c.w;
  if (ts === undefined) {
    w.arrayLen(0);
    return;
  }
  const pairs: number[] = [];
  ts.forEach((time, ms) => {
    pairs.push(time, ms);
  });
  w.arrayLen(pairs.length / 2);
  for (let i = 0; i < pairs.length; i += 2) {
    w.arrayLen(2);
    w.int(pairs[i]);
    w.int(pairs[i + 1]);
  }
}

/** LATENCY GRAPH event: the ASCII sparkline (verbatim text), or an error when the event has no samples. */
function latencyGraphCommand(c: Client, argv: string[]): void {
  const ts: LatencySeries | undefined = c.server.latency.events.get(argv[2]);
  if (ts === undefined) {
    const z = argv[2].indexOf('\0');
    const name = z < 0 ? argv[2] : argv[2].slice(0, z);
    c.error(`ERR No samples available for event '${name}'`.replace(/[\r\n]/g, ' '));
    return;
  }
  c.w.verbatim(latencyGraph(argv[2], ts));
}

function latencyDoctor(c: Client): void {
  c.w.verbatim(latencyReport(c.server));
}

/** LATENCY RESET [event ...]: drop the named events (any case), or all; replies how many were dropped. */
function latencyReset(c: Client, argv: string[]): void {
  const lm = c.server.latency;
  if (argv.length === 2) {
    c.w.int(lm.reset(null));
    return;
  }
  let n = 0;
  for (let j = 2; j < argv.length; j++) n += lm.reset(argv[j]);
  c.w.int(n);
}

/** One command's entry of LATENCY HISTOGRAM: {calls, histogram_usec: {usec: cumulative count, ...}}. */
function histogramEntry(c: Client, e: CommandEntry, scratch: number[]): void {
  const h = e.stats.hist!;
  const w = c.w;
  w.bulk(e.fullName);
  w.mapLen(2);
  w.bulk('calls');
  w.int(h.total);
  w.bulk('histogram_usec');
  scratch.length = 0;
  h.cdf(scratch);
  w.mapLen(scratch.length / 2);
  for (let i = 0; i < scratch.length; i++) w.int(scratch[i]);
}

/**
 * LATENCY HISTOGRAM [command ...]: a map of command full name -> its
 * cumulative latency distribution, for every command with recorded
 * latencies (or the named ones: "name" or "container|sub", any case; a
 * container also brings its subcommands; unknown names and commands
 * without data are skipped, repeated names repeat).
 */
function latencyHistogram(c: Client, argv: string[]): void {
  const table = c.server.table;
  const chosen: CommandEntry[] = [];
  if (argv.length === 2) {
    for (const e of table.all()) if (e.stats.hist !== null) chosen.push(e);
  } else {
    for (let j = 2; j < argv.length; j++) {
      const e = table.lookupFullName(argv[j]);
      if (e === undefined) continue;
      if (e.stats.hist !== null) chosen.push(e);
      if (e.subs !== null) for (const s of e.subs.values()) if (s.stats.hist !== null) chosen.push(s);
    }
  }
  c.w.mapLen(chosen.length);
  const scratch: number[] = [];
  for (const e of chosen) histogramEntry(c, e, scratch);
}

const HELP_LINES = [
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
];

function latencyHelp(c: Client, argv: string[]): void {
  helpReply(c, argv, HELP_LINES);
}

// --- table -----------------------------------------------------------------------

export const LATENCY_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'latency', arity: -2, flags: [],
    summary: 'Commands that inspect the latency monitor and the per-command latency histograms.',
    since: '2.8.13', group: 'server', complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'reset', arity: -2, flags: ADMIN_FLAGS, tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        summary: 'Forget the samples of some or all latency events.', since: '2.8.13', group: 'server',
        complexity: 'O(1)', arguments: [{ name: 'event', type: 'string', flags: ['optional', 'multiple'] }],
        handler: latencyReset,
      },
      {
        name: 'latest', arity: 2, flags: ADMIN_FLAGS, tips: SPECIAL_TIPS,
        summary: 'Show the most recent sample and the maximum of every latency event.', since: '2.8.13',
        group: 'server', complexity: 'O(1)', handler: latencyLatest,
      },
      {
        name: 'graph', arity: 3, flags: ADMIN_FLAGS, tips: SPECIAL_TIPS,
        summary: 'Draw the samples of a latency event as an ASCII chart.', since: '2.8.13', group: 'server',
        complexity: 'O(1)', arguments: [{ name: 'event', type: 'string' }], handler: latencyGraphCommand,
      },
      {
        name: 'histogram', arity: -2, flags: ADMIN_FLAGS, tips: SPECIAL_TIPS,
        summary: 'Show the cumulative latency distribution of all or the given commands.', since: '7.0.0',
        group: 'server', complexity: 'O(N) where N is the number of commands with latency information being retrieved.',
        arguments: [{ name: 'command', type: 'string', flags: ['optional', 'multiple'] }],
        handler: latencyHistogram,
      },
      {
        name: 'history', arity: 3, flags: ADMIN_FLAGS, tips: SPECIAL_TIPS,
        summary: 'List the (time, latency) samples of a latency event.', since: '2.8.13', group: 'server',
        complexity: 'O(1)', arguments: [{ name: 'event', type: 'string' }], handler: latencyHistory,
      },
      {
        name: 'help', arity: 2, flags: ['loading', 'stale'],
        summary: 'Describe the LATENCY subcommands.', since: '2.8.13', group: 'server', complexity: 'O(1)',
        handler: latencyHelp,
      },
      {
        name: 'doctor', arity: 2, flags: ADMIN_FLAGS, tips: SPECIAL_TIPS,
        summary: 'Write a readable analysis of the recorded latency events, with advice.', since: '2.8.13',
        group: 'server', complexity: 'O(1)', handler: latencyDoctor,
      },
    ],
  },
];
