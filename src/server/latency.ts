/* ==========================================================================
 * The latency monitor (Redis's latency.c): per-event time series of the
 * worst latency seen in each second, for events slower than
 * `latency-monitor-threshold` milliseconds (0: off).
 *
 * Each event keeps a ring of 160 (unix second, ms) samples — one per
 * second, a later sample in the same second only raising it — and its all
 * time maximum. Events are created on their first sample and listed in
 * creation order (Redis lists them in its hash-table order, which differs
 * per process anyway).
 *
 * Events recorded by Respite:
 *   command / fast-command  a command's execution (slowlog.ts slowCall)
 *   command-unblocking      the run that served a blocked command
 *   expire-cycle            one active-expiry cycle (cron.ts)
 *   eventloop-stall         Respite's own: the event loop was blocked for
 *                           longer than the threshold by something other
 *                           than the events above (GC pauses, large
 *                           pipelines, synchronous I/O), measured as the
 *                           lateness of a 100 ms probe timer (running only
 *                           while the monitor is on) minus the time the
 *                           events above already account for.
 *
 * Reporting (LATENCY DOCTOR's analysis, LATENCY GRAPH's sparkline) lives
 * here too; the command family is commands/latency.ts.
 * ========================================================================== */

import * as fs from 'node:fs';
import type { Server } from './server';

/** Samples kept per event (LATENCY_TS_LEN). */
export const LATENCY_TS_LEN = 160;
/** Width of LATENCY GRAPH's sparkline (LATENCY_GRAPH_COLS). */
const GRAPH_COLS = 80;
/** Name of Respite's event-loop stall event. */
export const STALL_EVENT = 'eventloop-stall';

/** One event's ring of per-second samples. */
export class LatencySeries {
  /** Unix seconds (0: empty slot) and latency in ms, per slot. */
  readonly times = new Float64Array(LATENCY_TS_LEN);
  readonly values = new Float64Array(LATENCY_TS_LEN);
  /** Next slot to write. */
  idx = 0;
  /** All time maximum, ms. */
  max = 0;

  /** Slot of the most recent sample. */
  get last(): number {
    return (this.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN;
  }

  /** Visit the non-empty slots oldest first. */
  forEach(fn: (time: number, ms: number) => void): void {
    for (let j = 0; j < LATENCY_TS_LEN; j++) {
      const i = (this.idx + j) % LATENCY_TS_LEN;
      if (this.times[i] !== 0) fn(this.times[i], this.values[i]);
    }
  }
}

/** Statistics of one event for LATENCY DOCTOR (Redis's struct latencyStats). */
interface EventStats {
  samples: number;
  avg: number;
  mad: number;
  /** Seconds covered (now - oldest sample, at least 1). */
  period: number;
  max: number;
}

export class LatencyMonitor {
  readonly events = new Map<string, LatencySeries>();
  /** ms of samples recorded since the last probe tick (subtracted from the next tick's lateness). */
  reportedMs = 0;
  /** performance.now() of the previous probe tick, and the probe timer (null while the monitor is off). */
  private lastTick = 0;
  private probe: NodeJS.Timeout | null = null;

  /** Record `ms` (float) for `event` if it reaches latency-monitor-threshold (Redis's latencyAddSampleIfNeeded). */
  sampleIfNeeded(event: string, ms: number, threshold: number): void {
    const v = Math.floor(ms);
    if (threshold > 0 && v >= threshold) {
      this.addSample(event, v);
      this.reportedMs += v;
    }
  }

  /** Record `ms` for `event` (Redis's latencyAddSample; callers check the threshold). */
  addSample(event: string, ms: number): void {
    let ts = this.events.get(event);
    if (ts === undefined) {
      ts = new LatencySeries();
      this.events.set(event, ts);
    }
    const now = Math.floor(Date.now() / 1000);
    if (ms > ts.max) ts.max = ms;
    const prev = ts.last;
    if (ts.times[prev] === now) {
      if (ms > ts.values[prev]) ts.values[prev] = ms;
      return;
    }
    ts.times[ts.idx] = now;
    ts.values[ts.idx] = ms;
    ts.idx = (ts.idx + 1) % LATENCY_TS_LEN;
  }

  /** Drop one event (any case, as Redis's strcasecmp) or all of them (null); returns how many went. */
  reset(event: string | null): number {
    let n = 0;
    const want = event === null ? null : event.toLowerCase();
    for (const name of [...this.events.keys()]) {
      if (want === null || name.toLowerCase() === want) {
        this.events.delete(name);
        n++;
      }
    }
    return n;
  }

  /**
   * Start or stop the stall probe to follow latency-monitor-threshold (at
   * start-up and on CONFIG SET): a coarse unref'd timer that only exists
   * while the monitor is on.
   */
  updateProbe(srv: Server): void {
    const on = srv.config.latencyMonitorThreshold > 0;
    if (on && this.probe === null) {
      this.lastTick = performance.now();
      this.reportedMs = 0;
      this.probe = setInterval(probeTick, PROBE_MS, srv);
      this.probe.unref();
    } else if (!on && this.probe !== null) {
      clearInterval(this.probe);
      this.probe = null;
    }
  }

  /**
   * One probe tick: a tick that fires later than its period by at least the
   * threshold, beyond what samples recorded since the previous tick
   * explain (slow commands, expiry cycles), means the event loop was
   * stalled by something else: record it as eventloop-stall.
   */
  probeTick(srv: Server): void {
    if (srv.shuttingDown) {
      if (this.probe !== null) clearInterval(this.probe);
      this.probe = null;
      return;
    }
    const now = performance.now();
    const late = now - this.lastTick - PROBE_MS - this.reportedMs;
    this.lastTick = now;
    this.reportedMs = 0;
    const threshold = srv.config.latencyMonitorThreshold;
    if (threshold > 0 && late >= threshold) this.addSample(STALL_EVENT, Math.floor(late));
  }
}

/** The active-expiry cycle took `ms`: an "expire-cycle" sample if past the threshold (Redis: elapsed / 1000). */
export function expireCycleLatency(srv: Server, ms: number): void {
  const v = Math.floor(ms);
  if (v < srv.config.latencyMonitorThreshold) return;
  srv.latency.addSample('expire-cycle', v);
  srv.latency.reportedMs += v;
}

/** Period of the stall probe, ms. */
const PROBE_MS = 100;

function probeTick(srv: Server): void {
  srv.latency.probeTick(srv);
}

// --- LATENCY DOCTOR ---------------------------------------------------------------

/** Redis's analyzeLatencyForEvent: integer average, mean absolute deviation, period. */
function analyze(ts: LatencySeries): EventStats {
  const st: EventStats = { samples: 0, avg: 0, mad: 0, period: 0, max: ts.max };
  let sum = 0, min = 0, oldest = 0;
  ts.forEach((time, ms) => {
    st.samples++;
    if (st.samples === 1) min = st.max = ms;
    else {
      if (ms < min) min = ms;
      if (ms > st.max) st.max = ms;
    }
    sum += ms;
    if (oldest === 0 || time < oldest) oldest = time;
  });
  if (st.samples === 0) return st;
  st.avg = Math.floor(sum / st.samples);
  st.period = Math.floor(Date.now() / 1000) - oldest;
  if (st.period === 0) st.period = 1;
  let dev = 0;
  ts.forEach((_t, ms) => {
    dev += Math.abs(st.avg - ms);
  });
  st.mad = Math.floor(dev / st.samples);
  return st;
}

/**
 * printf("%.2f"): like toFixed(2), except that an exact tie rounds to even
 * (printf rounds the exact binary value; toFixed rounds ties up).
 */
function fixed2(d: number): string {
  const t = d * 100;
  if (Number.isInteger(d * 200) && !Number.isInteger(t)) {
    let r = Math.floor(t);
    if (r % 2 !== 0) r++;
    return (r / 100).toFixed(2);
  }
  return d.toFixed(2);
}

/** Bytes of transparent huge pages mapped by this process (0 if unknown), like Redis's THP check. */
function anonHugePages(): number {
  try {
    const text = fs.readFileSync('/proc/self/smaps_rollup', 'latin1');
    const m = /AnonHugePages:\s+(\d+)\s*kB/.exec(text);
    return m === null ? 0 : Number(m[1]) * 1024;
  } catch {
    return 0;
  }
}

/**
 * The LATENCY DOCTOR report, in Redis's structure: a "disabled" notice when
 * nothing was ever recorded and the monitor is off; otherwise one numbered
 * line per event in Redis's exact format (parseable), then either "no
 * spikes", "no easy fix", or a list of advice bullets chosen by the same
 * rules as Redis (per event name, slowlog settings, hz, transparent huge
 * pages). The advice prose is Respite's own wording.
 */
export function latencyReport(srv: Server): string {
  const lm = srv.latency;
  const cfg = srv.config;
  const threshold = cfg.latencyMonitorThreshold;
  if (lm.events.size === 0 && threshold === 0) {
    return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. " +
      'Turn it on with "CONFIG SET latency-monitor-threshold <milliseconds>." ' +
      'and see https://redis.io/topics/latency-monitor for how to read its reports.\n';
  }
  let out = '';
  let n = 0, advices = 0;
  const advise = new Set<string>();
  for (const [event, ts] of lm.events) {
    n++;
    if (n === 1) out += "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
    const st = analyze(ts);
    out += `${n}. ${event}: ${st.samples} latency spikes (average ${st.avg}ms, mean deviation ${st.mad}ms, ` +
      `period ${fixed2(st.period / st.samples)} sec). Worst all time event ${ts.max}ms.`;
    const ev = event.toLowerCase();
    if (ev === 'command') {
      const sl = cfg.slowlogLogSlowerThan;
      if (sl < 0) {
        advise.add('slowlog-enabled');
        advices++;
      } else if (Math.trunc(sl / 1000) > threshold) {
        advise.add('slowlog-tuning');
        advices++;
      }
      advise.add('slowlog-inspect');
      advise.add('large-objects');
      advices += 2;
    } else if (ev === 'fast-command') {
      advise.add('scheduler');
      advices++;
    } else if (ev === 'expire-cycle') {
      advise.add('hz');
      advise.add('large-objects');
      advices += 2;
    } else if (ev === STALL_EVENT) {
      advise.add('stall');
      advices++;
    }
    out += '\n';
  }
  if (anonHugePages() > 0) {
    advise.add('thp');
    advices++;
  }
  if (n === 0 && advices === 0) {
    return out + 'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. ' +
      'Nothing to report: latency looks fine so far.\n';
  }
  if (n > 0 && advices === 0) {
    return out + "\nWhile there are latency events logged, I'm not able to suggest any easy fix. " +
      'Sharing this report when asking the community for help is a good start.\n';
  }
  out += '\nI have a few advices for you:\n\n';
  const ms1000 = threshold * 1000;
  if (advise.has('slowlog-enabled')) {
    out += '- Commands slow enough to be latency events were run, but the Slow Log is off, so they cannot be ' +
      `identified. Turn it on with 'CONFIG SET slowlog-log-slower-than ${ms1000}'.\n`;
  }
  if (advise.has('slowlog-tuning')) {
    out += '- The Slow Log threshold is above the latency monitor threshold, so some slow commands are not ' +
      `logged. Align them with 'CONFIG SET slowlog-log-slower-than ${ms1000}'.\n`;
  }
  if (advise.has('slowlog-inspect')) {
    out += '- Look at the Slow Log (SLOWLOG GET) to find which commands are slow to execute. ' +
      'See https://redis.io/commands/slowlog for more information.\n';
  }
  if (advise.has('scheduler')) {
    out += '- Even O(1) and O(log N) commands were slow: the process is probably not getting enough CPU time. You could:\n' +
      '  1) Lower the load of the machine.\n' +
      '  2) Give the server a machine or VM of its own.\n' +
      '  3) Look for a "noisy neighbour" on shared hardware.\n' +
      "  4) Measure the system's intrinsic latency with 'redis-cli --intrinsic-latency 100'.\n" +
      '  5) Check the memory allocator and garbage collector activity of the process.\n';
  }
  if (advise.has('stall')) {
    out += '- The event loop was blocked outside of command execution (eventloop-stall): usually long garbage ' +
      'collection pauses of a large heap, very long pipelines or big replies. Fewer, smaller values per key ' +
      'and smaller pipelines help.\n';
  }
  if (advise.has('hz') && cfg.hz < 100) {
    out += "- Expiring keys would be more incremental with a higher 'hz': try 'CONFIG SET hz 100'.\n";
  }
  if (advise.has('large-objects')) {
    out += '- Deleting, expiring or evicting a very large key blocks the server while it is freed. Split very ' +
      'large keys that are often deleted, expired or evicted into several smaller ones.\n';
  }
  if (advise.has('thp')) {
    out += '- Transparent huge pages are in use by this process, which causes latency spikes (especially when ' +
      "persisting). Disable them with 'echo never > /sys/kernel/mm/transparent_hugepage/enabled' (and make it " +
      'permanent), then restart the server.\n';
  }
  return out;
}

// --- LATENCY GRAPH ----------------------------------------------------------------

/** Label of a sample: how long ago it happened, in s / m / h / d (integer division). */
function agoLabel(elapsed: number): string {
  if (elapsed < 60) return `${elapsed}s`;
  if (elapsed < 3600) return `${Math.trunc(elapsed / 60)}m`;
  if (elapsed < 3600 * 24) return `${Math.trunc(elapsed / 3600)}h`;
  return `${Math.trunc(elapsed / (3600 * 24))}d`;
}

const CHARSET_FILL = '_o#';
/** Rows of the sparkline, and blank rows between the graph and the labels. */
const ROWS = 4;
const LABEL_MARGIN_TOP = 1;

/**
 * Render samples [offset, offset+len) as Redis's sparkline (sparkline.c,
 * fill mode): `ROWS` rows of '_', 'o', '#' levels (full cells below as
 * '|'), a blank row, then each label written vertically, one character
 * per row.
 */
function renderRange(values: number[], labels: string[], min: number, max: number, offset: number, len: number): string {
  let out = '';
  let relmax = max - min;
  if (relmax === 0) relmax = 1;
  const steps = CHARSET_FILL.length * ROWS;
  const hasLabels = labels.length > 0;
  for (let row = 0; ; row++) {
    let more = false;
    const chars: string[] = new Array<string>(len).fill(' ');
    for (let j = 0; j < len; j++) {
      const relval = values[j + offset] - min;
      let step = Math.trunc(Math.trunc(relval * steps) / relmax);
      if (step < 0) step = 0;
      if (step >= steps) step = steps - 1;
      if (row < ROWS) {
        const charidx = step - (ROWS - row - 1) * CHARSET_FILL.length;
        more = true;
        if (charidx >= 0 && charidx < CHARSET_FILL.length) chars[j] = CHARSET_FILL[charidx];
        else if (charidx >= CHARSET_FILL.length) chars[j] = '|';
      } else {
        if (hasLabels && row - ROWS < LABEL_MARGIN_TOP) {
          more = true;
          break;
        }
        const label = labels[j + offset];
        const k = row - ROWS - LABEL_MARGIN_TOP;
        if (label.length > k) {
          more = true;
          chars[j] = label[k];
        }
      }
    }
    if (!more) break;
    out += chars.join('') + '\n';
  }
  return out;
}

/** LATENCY GRAPH's text for one event: header, a ruler, then the sparkline in chunks of 80 columns. */
export function latencyGraph(event: string, ts: LatencySeries): string {
  const values: number[] = [];
  const labels: string[] = [];
  let min = 0, max = 0;
  const now = Math.floor(Date.now() / 1000);
  ts.forEach((time, ms) => {
    if (values.length === 0) min = max = ms;
    else {
      if (ms > max) max = ms;
      if (ms < min) min = ms;
    }
    values.push(ms);
    labels.push(agoLabel(now - time));
  });
  let out = `${event} - high ${max} ms, low ${min} ms (all time high ${ts.max} ms)\n`;
  out += '-'.repeat(GRAPH_COLS) + '\n';
  for (let j = 0; j < values.length; j += GRAPH_COLS) {
    const sub = Math.min(values.length - j, GRAPH_COLS);
    if (j !== 0) out += '\n';
    out += renderRange(values, labels, min, max, j, sub);
  }
  return out;
}
