/* ==========================================================================
 * MEMORY family: USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE, HELP.
 *
 * Reply shapes, argument checks and error texts are Redis 7.0's; the
 * numbers are Respite's own (server/memory.ts explains how each figure is
 * computed from V8's heap and the store's structures; docs/memory.md has
 * the measurements behind the constants). MALLOC-STATS reports V8's heap
 * spaces instead of jemalloc's statistics, and PURGE runs a full GC only
 * when the process was started with --expose-gc (otherwise V8 decides).
 * ========================================================================== */

import * as v8 from 'node:v8';
import type { CommandSpec } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseInt64 } from '../protocol/numbers';
import { is } from './args';
import { helpReply } from './slowlog';
import { allocatorName, keyUsage, memoryOverhead, type MemOverhead } from '../server/memory';
import { DEFAULT_SAMPLES } from '../store/cost';

// --- MEMORY USAGE ----------------------------------------------------------------

/**
 * MEMORY USAGE key [SAMPLES count]: estimated bytes of the key and its
 * value, or null. Options are parsed before the lookup (a bad option is an
 * error even for a missing key); SAMPLES may repeat (the last wins), must
 * be an int64 >= 0, and 0 means every element.
 */
function memoryUsage(c: Client, argv: string[]): void {
  let samples = DEFAULT_SAMPLES;
  for (let j = 3; j < argv.length; j++) {
    if (is(argv[j], 'samples') && j + 1 < argv.length) {
      const n = parseInt64(argv[j + 1]);
      if (n === null) {
        c.error(E.NOT_INT);
        return;
      }
      if (n < 0) {
        c.error(E.SYNTAX);
        return;
      }
      samples = n === 0 ? Infinity : n;
      j++;
    } else {
      c.error(E.SYNTAX);
      return;
    }
  }
  const usage = keyUsage(c.server, c.db.id, argv[2], samples);
  if (usage === null) c.w.null();
  else c.w.int(usage);
}

// --- MEMORY STATS ----------------------------------------------------------------

/** MEMORY STATS: Redis 7.0's map, field for field and in its order (27 fields + one per non-empty db). */
function memoryStats(c: Client): void {
  const mh = memoryOverhead(c.server);
  const w = c.w;
  w.mapLen(27 + mh.dbs.length);
  const num = (k: string, v: number): void => {
    w.bulk(k);
    w.int(v);
  };
  const dbl = (k: string, v: number): void => {
    w.bulk(k);
    w.double(v);
  };
  num('peak.allocated', mh.peak);
  num('total.allocated', mh.used);
  num('startup.allocated', mh.startup);
  num('replication.backlog', mh.replBacklog);
  num('clients.slaves', mh.clientsSlaves);
  num('clients.normal', mh.clientsNormal);
  num('cluster.links', mh.clusterLinks);
  num('aof.buffer', mh.aofBuffer);
  num('lua.caches', mh.luaCaches);
  num('functions.caches', mh.functionsCaches);
  for (const d of mh.dbs) {
    w.bulk(`db.${d.id}`);
    w.mapLen(3);
    num('overhead.hashtable.main', d.main);
    num('overhead.hashtable.expires', d.expires);
    num('overhead.hashtable.slot-to-keys', 0);
  }
  num('overhead.total', mh.overheadTotal);
  num('keys.count', mh.totalKeys);
  num('keys.bytes-per-key', mh.bytesPerKey);
  num('dataset.bytes', mh.dataset);
  dbl('dataset.percentage', mh.datasetPerc);
  dbl('peak.percentage', mh.peakPerc);
  num('allocator.allocated', mh.allocAllocated);
  num('allocator.active', mh.allocActive);
  num('allocator.resident', mh.allocResident);
  dbl('allocator-fragmentation.ratio', mh.allocFrag);
  num('allocator-fragmentation.bytes', mh.allocFragBytes);
  dbl('allocator-rss.ratio', mh.allocRss);
  num('allocator-rss.bytes', mh.allocRssBytes);
  dbl('rss-overhead.ratio', mh.rssExtra);
  num('rss-overhead.bytes', mh.rssExtraBytes);
  dbl('fragmentation', mh.totalFrag);
  num('fragmentation.bytes', mh.totalFragBytes);
}

// --- MEMORY DOCTOR ---------------------------------------------------------------

const MB10 = 10 << 20;

/**
 * The doctor's report with Redis's texts and thresholds, applied to our
 * figures ("empty": used_memory < 5 MB, as Redis). There are no replicas
 * or script caches, so those sections never appear.
 */
export function doctorReport(mh: MemOverhead): string {
  if (mh.used < 5 * 1024 * 1024) {
    return 'Hi Sam, this instance is empty or is using very little memory, ' +
      "my issues detector can't be used in these conditions. " +
      'Please, leave for your mission on Earth and fill it with some data. ' +
      'The new Sam and I will be back to our programming as soon as I finished rebooting.\n';
  }
  const bigPeak = mh.peak / mh.used > 1.5;
  const highFrag = mh.totalFrag > 1.4 && mh.totalFragBytes > MB10;
  const highAllocFrag = mh.allocFrag > 1.1 && mh.allocFragBytes > MB10;
  const highAllocRss = mh.allocRss > 1.1 && mh.allocRssBytes > MB10;
  const highProcRss = mh.rssExtra > 1.1 && mh.rssExtraBytes > MB10;
  const bigClientBuf = mh.clientsNormal / Math.max(1, mh.normalClients) > 1024 * 200;
  if (!bigPeak && !highFrag && !highAllocFrag && !highAllocRss && !highProcRss && !bigClientBuf) {
    return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
  }
  let s = 'Sam, I detected a few issues in this Redis instance memory implants:\n\n';
  if (bigPeak) s += DOCTOR_PEAK;
  if (highFrag) s += DOCTOR_FRAG.replace('%s', allocatorName());
  if (highAllocFrag) s += DOCTOR_ALLOC_FRAG;
  if (highAllocRss) s += DOCTOR_ALLOC_RSS;
  if (highProcRss) s += DOCTOR_PROC_RSS;
  if (bigClientBuf) s += DOCTOR_CLIENT_BUF;
  return s + "I'm here to keep you safe, Sam. I want to help you.\n";
}

// Redis's section texts (replies, so byte for byte).
const DOCTOR_PEAK = ' * Peak memory: In the past this instance used more than 150% the memory that is currently using. ' +
  'The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ' +
  'ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident ' +
  'Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance ' +
  'with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the ' +
  'MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n';
const DOCTOR_FRAG = ' * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 ' +
  '(this means that the Resident Set Size of the Redis process is much larger than the sum of the logical ' +
  'allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a ' +
  'peak memory entry above in the report) or may result from a workload that causes the allocator to fragment ' +
  'memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using ' +
  'the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is "%s".\n\n';
const DOCTOR_ALLOC_FRAG = ' * High allocator fragmentation: This instance has an allocator external fragmentation ' +
  'greater than 1.1. This problem is usually due either to a large peak memory (check if there is a peak memory ' +
  'entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. ' +
  "You can try enabling 'activedefrag' config option.\n\n";
const DOCTOR_ALLOC_RSS = ' * High allocator RSS overhead: This instance has an RSS memory overhead is greater than ' +
  '1.1 (this means that the Resident Set Size of the allocator is much larger than the sum what the allocator ' +
  'actually holds). This problem is usually due to a large peak memory (check if there is a peak memory entry ' +
  'above in the report), you can try the MEMORY PURGE command to reclaim it.\n\n';
const DOCTOR_PROC_RSS = ' * High process RSS overhead: This instance has non-allocator RSS memory overhead is ' +
  'greater than 1.1 (this means that the Resident Set Size of the Redis process is much larger than the RSS the ' +
  'allocator holds). This problem may be due to Lua scripts or Modules.\n\n';
const DOCTOR_CLIENT_BUF = ' * Big client buffers: The clients output buffers in this instance are greater than 200K ' +
  'per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels ' +
  'bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending ' +
  'commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT ' +
  'LIST command in order to investigate the issue if it causes problems in your instance, or to understand ' +
  'better why certain clients are using a big amount of memory.\n\n';

function memoryDoctor(c: Client): void {
  c.w.verbatim(doctorReport(memoryOverhead(c.server)));
}

// --- MEMORY MALLOC-STATS / PURGE -------------------------------------------------

/** Right-align a number in a column. */
function col(n: number, width: number): string {
  return String(n).padStart(width);
}

/**
 * A text report of V8's heap (the allocator Respite actually uses): the
 * totals of v8.getHeapStatistics(), process.memoryUsage(), and one line per
 * heap space from v8.getHeapSpaceStatistics(). Not jemalloc's format.
 */
export function mallocStatsText(): string {
  const h = v8.getHeapStatistics();
  const m = process.memoryUsage();
  let s = '___ Begin V8 heap statistics ___\n';
  s += `Allocator: ${allocatorName()} (Node.js ${process.version}); this is V8's heap, not jemalloc\n`;
  s += `Heap: total_heap_size: ${h.total_heap_size}, total_heap_size_executable: ${h.total_heap_size_executable}, ` +
    `total_physical_size: ${h.total_physical_size}, total_available_size: ${h.total_available_size}, ` +
    `used_heap_size: ${h.used_heap_size}, heap_size_limit: ${h.heap_size_limit}\n`;
  s += `Malloc: malloced_memory: ${h.malloced_memory}, peak_malloced_memory: ${h.peak_malloced_memory}, ` +
    `external_memory: ${h.external_memory}\n`;
  s += `Contexts: native: ${h.number_of_native_contexts}, detached: ${h.number_of_detached_contexts}\n`;
  s += `Process: rss: ${m.rss}, heapTotal: ${m.heapTotal}, heapUsed: ${m.heapUsed}, external: ${m.external}, ` +
    `arrayBuffers: ${m.arrayBuffers}\n`;
  s += 'Spaces:' + ' '.repeat(22) + 'size' + ' '.repeat(10) + 'used' + ' '.repeat(5) + 'available' +
    ' '.repeat(6) + 'physical\n';
  for (const sp of v8.getHeapSpaceStatistics()) {
    s += '  ' + sp.space_name.padEnd(25) + col(sp.space_size, 14) + col(sp.space_used_size, 14) +
      col(sp.space_available_size, 14) + col(sp.physical_space_size, 14) + '\n';
  }
  return s + '--- End V8 heap statistics ---\n';
}

function memoryMallocStats(c: Client): void {
  c.w.verbatim(mallocStatsText());
}

/**
 * MEMORY PURGE: V8 has no "release dirty pages" call; when the process runs
 * with --expose-gc a full collection is the closest equivalent (it also
 * returns freed pages to the OS), otherwise nothing is done. Always OK.
 */
function memoryPurge(c: Client): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') g();
  c.w.ok();
}

const HELP_LINES = [
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
];

function memoryHelp(c: Client, argv: string[]): void {
  helpReply(c, argv, HELP_LINES);
}

// --- table -----------------------------------------------------------------------

const STATS_TIPS = ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'] as const;

export const MEMORY_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'memory', arity: -2, flags: [],
    summary: 'Commands that report and tune the server\'s memory use.', since: '4.0.0', group: 'server',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'help', arity: 2, flags: ['loading', 'stale'],
        summary: 'Describe the MEMORY subcommands.', since: '4.0.0', group: 'server', complexity: 'O(1)',
        handler: memoryHelp,
      },
      {
        name: 'doctor', arity: 2, flags: [], tips: STATS_TIPS,
        summary: 'Report memory problems the server can detect, with advice.', since: '4.0.0', group: 'server',
        complexity: 'O(1)',
        handler: memoryDoctor,
      },
      {
        name: 'malloc-stats', arity: 2, flags: [], tips: STATS_TIPS,
        summary: 'Report the memory allocator\'s internal statistics.', since: '4.0.0', group: 'server',
        complexity: 'Depends on how much memory is allocated, could be slow',
        handler: memoryMallocStats,
      },
      {
        name: 'usage', arity: -3, flags: ['readonly'],
        keySpecs: [{
          flags: ['RO'],
          begin_search: { type: 'index', index: 2 },
          find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 },
        }],
        summary: 'Estimate how many bytes a key and its value take.', since: '4.0.0', group: 'server',
        complexity: 'O(N) where N is the number of samples.',
        arguments: [
          { name: 'key', type: 'key', key_spec_index: 0 },
          { name: 'count', type: 'integer', token: 'SAMPLES', flags: ['optional'] },
        ],
        handler: memoryUsage,
      },
      {
        name: 'stats', arity: 2, flags: [], tips: STATS_TIPS,
        summary: 'Report a breakdown of the server\'s memory use.', since: '4.0.0', group: 'server',
        complexity: 'O(1)',
        handler: memoryStats,
      },
      {
        name: 'purge', arity: 2, flags: [], tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
        summary: 'Ask the allocator to give freed memory back.', since: '4.0.0', group: 'server',
        complexity: 'Depends on how much memory is allocated, could be slow',
        handler: memoryPurge,
      },
    ],
  },
];
