/* ==========================================================================
 * INFO: the report's sections, with Redis 7.0.15's field names in Redis's
 * order, "# Section" headers and "\r\n" line endings, so clients that parse
 * INFO (and gate features on redis_version) work unchanged. Values are what
 * Respite can honestly report:
 *
 *   - memory: from process.memoryUsage(). used_memory = heapUsed + external
 *     (V8 heap objects in use + Buffers/ArrayBuffers held outside the heap);
 *     used_memory_rss = rss; the "allocator" fields map onto V8's numbers
 *     (allocated = heapUsed + external, active = heapTotal + external,
 *     resident = rss); used_memory_startup is the usage when the server
 *     modules were loaded; the peak is sampled whenever INFO runs;
 *     used_memory_overhead = startup + client buffers.
 *   - persistence: Respite has no RDB / AOF yet, so the fields say what is
 *     true for a server without persistence (Redis with save "" and
 *     appendonly no): nothing in progress, never saved, last save time =
 *     start time, rdb_changes_since_last_save = the dirty counter.
 *   - cpu: process.cpuUsage() (the main thread does all command work, so
 *     the *_main_thread fields use it too; no child processes exist).
 *   - replication: always a master with no replicas; a random replication
 *     id per server.
 *   - clients: client_recent_max_input/output_buffer are the largest
 *     unparsed input / pending output of a connected client right now
 *     (Respite has no per-client buffers that grow and shrink).
 *   - the peak memory, the "recent" buffers and hz are sampled when INFO
 *     runs; hz is the configured one (dynamic-hz is not implemented).
 * Subsystems that own a value Redis reports here (pub/sub channel counts,
 * tracking tables, scripts...) register a provider with setInfoField()
 * instead of editing this file; until then the field reports the value of
 * a server without that subsystem (0).
 * ========================================================================== */

import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CF } from './client';
import type { Server } from './server';
import { REDIS_VERSION, RESPITE_VERSION } from './server';
import { formatParam, formatPercentile, lookupParam } from '../config/table';
import { allocatorName, memoryOverhead } from './memory';

/** Every section, in Redis's output order. */
export const INFO_SECTIONS = [
  'server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules',
  'commandstats', 'errorstats', 'latencystats', 'cluster', 'keyspace',
] as const;
type Section = (typeof INFO_SECTIONS)[number];

/** Sections of a plain INFO / INFO default. */
const DEFAULT_SECTIONS: ReadonlySet<Section> = new Set<Section>([
  'server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats',
  'cluster', 'keyspace',
]);

const HEADERS: Record<Section, string> = {
  server: 'Server', clients: 'Clients', memory: 'Memory', persistence: 'Persistence', stats: 'Stats',
  replication: 'Replication', cpu: 'CPU', modules: 'Modules', commandstats: 'Commandstats',
  errorstats: 'Errorstats', latencystats: 'Latencystats', cluster: 'Cluster', keyspace: 'Keyspace',
};

type Provider = () => string | number;

/** Per-server INFO state that lives outside the Server object. */
class InfoState {
  peakMemory = 0;
  /** master_replid: random, stable for the server's life (DEBUG CHANGE-REPL-ID renews it). */
  replId = randomBytes(20).toString('hex');
  readonly providers = new Map<string, Provider>();
}

const STATES = new WeakMap<Server, InfoState>();

function stateOf(srv: Server): InfoState {
  let st = STATES.get(srv);
  if (st === undefined) {
    st = new InfoState();
    STATES.set(srv, st);
  }
  return st;
}

/**
 * Let a subsystem supply the value of an INFO field (e.g. 'pubsub_channels').
 * The provider is called each time INFO builds that field.
 */
export function setInfoField(srv: Server, field: string, provider: Provider): void {
  stateOf(srv).providers.set(field, provider);
}

/** The server's replication id (INFO master_replid). */
export function replicationId(srv: Server): string {
  return stateOf(srv).replId;
}

/** DEBUG CHANGE-REPL-ID: a fresh replication id. */
export function changeReplicationId(srv: Server): void {
  stateOf(srv).replId = randomBytes(20).toString('hex');
}

/** Wall-clock time in microseconds (INFO server_time_usec, TIME). */
export function nowMicros(): number {
  const ms = Date.now();
  // Date has millisecond resolution; the sub-millisecond part comes from the monotonic clock.
  const sub = Math.floor((performance.now() * 1000) % 1000);
  return ms * 1000 + sub;
}

/** printf("%.<n>f"): like toFixed, but exact ties round to even as C does. */
export function fixed(d: number, n: number): string {
  const t = d.toFixed(n);
  const exact = Math.abs(d).toFixed(Math.min(100, n + 25));
  const dot = exact.indexOf('.');
  const tail = exact.slice(dot + 1 + n);
  if (!/^50*$/.test(tail)) return t;
  const kept = exact.slice(0, n === 0 ? dot : dot + 1 + n);
  if ((kept.charCodeAt(kept.length - 1) - 48) % 2 !== 0) return t;
  return (d < 0 ? '-' : '') + kept;
}

/** Redis's bytesToHuman: 1023B, 1.50K, 2.00M, ... */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let d = n / 1024;
  for (let i = 0; i < units.length; i++) {
    if (n < 1024 ** (i + 2)) return fixed(d, 2) + units[i];
    d /= 1024;
  }
  return `${n}B`;
}

/** Lines of one section being built (field providers may override values). */
class Lines {
  out = '';
  constructor(private readonly providers: Map<string, Provider>) {}
  add(field: string, value: string | number): void {
    const p = this.providers.get(field);
    this.out += field + ':' + (p !== undefined ? p() : value) + '\r\n';
  }
  raw(line: string): void {
    this.out += line + '\r\n';
  }
}

/**
 * Build INFO for the given section arguments (none = default). Names are
 * case-insensitive; "default", "all" and "everything" select groups;
 * unknown names select nothing. Sections are separated by a blank line.
 */
export function genInfo(srv: Server, args: readonly string[]): string {
  const want = new Set<Section>();
  if (args.length === 0) for (const s of DEFAULT_SECTIONS) want.add(s);
  for (const a of args) {
    const l = a.toLowerCase();
    if (l === 'all' || l === 'everything') for (const s of INFO_SECTIONS) want.add(s);
    else if (l === 'default') for (const s of DEFAULT_SECTIONS) want.add(s);
    else if ((INFO_SECTIONS as readonly string[]).includes(l)) want.add(l as Section);
  }
  const st = stateOf(srv);
  let info = '';
  let n = 0;
  for (const s of INFO_SECTIONS) {
    if (!want.has(s)) continue;
    if (n++ > 0) info += '\r\n';
    const L = new Lines(st.providers);
    L.raw('# ' + HEADERS[s]);
    BUILDERS[s](srv, L, st);
    info += L.out;
  }
  return info;
}

// --- sections ---------------------------------------------------------------

function multiplexingApi(): string {
  switch (process.platform) {
    case 'linux': return 'epoll';
    case 'darwin': case 'freebsd': case 'openbsd': case 'netbsd': return 'kqueue';
    case 'sunos': return 'evport';
    case 'win32': return 'iocp';
    default: return 'poll';
  }
}

const ARCH_64 = new Set(['x64', 'arm64', 'ppc64', 's390x', 'mips64el', 'riscv64', 'loong64']);

function serverSection(srv: Server, L: Lines): void {
  const uptime = Math.floor((Date.now() - srv.startTime) / 1000);
  L.add('redis_version', REDIS_VERSION);
  L.add('respite_version', RESPITE_VERSION);
  L.add('redis_git_sha1', '00000000');
  L.add('redis_git_dirty', 0);
  L.add('redis_build_id', '0');
  L.add('redis_mode', 'standalone');
  L.add('os', `${os.type()} ${os.release()} ${os.machine()}`);
  L.add('arch_bits', ARCH_64.has(process.arch) ? 64 : 32);
  L.add('monotonic_clock', 'POSIX clock_gettime');
  L.add('multiplexing_api', multiplexingApi());
  L.add('atomicvar_api', 'none');
  L.add('gcc_version', '0.0.0');
  L.add('process_id', process.pid);
  L.add('process_supervised', 'no');
  L.add('run_id', srv.runId);
  L.add('tcp_port', srv.listener !== null ? srv.listener.port : srv.config.port);
  L.add('server_time_usec', nowMicros());
  L.add('uptime_in_seconds', uptime);
  L.add('uptime_in_days', Math.floor(uptime / 86400));
  L.add('hz', srv.config.hz);
  L.add('configured_hz', srv.config.hz);
  L.add('lru_clock', srv.lruClock);
  L.add('executable', srv.executable !== '' ? path.resolve(srv.executable) : '');
  L.add('config_file', srv.configFile);
  L.add('io_threads_active', 0);
}

/** Counts over the connected clients (one pass). */
function clientCounts(srv: Server): {
  normal: number; blocked: number; tracking: number; inTimeout: number; maxIn: number; maxOut: number; mem: number;
} {
  let normal = 0, blocked = 0, tracking = 0, inTimeout = 0, maxIn = 0, maxOut = 0, mem = 0;
  for (const c of srv.clients.values()) {
    if (c.flags & CF.SLAVE) continue;
    normal++;
    if (c.flags & CF.BLOCKED) {
      blocked++;
      if (c.blockedUntil > 0) inTimeout++;
    }
    if (c.flags & CF.TRACKING) tracking++;
    const qbuf = c.parser.buffered;
    const obuf = c.w.pending + (c.socket !== null ? c.socket.writableLength : 0);
    if (qbuf > maxIn) maxIn = qbuf;
    if (obuf > maxOut) maxOut = obuf;
    mem += qbuf + obuf;
  }
  return { normal, blocked, tracking, inTimeout, maxIn, maxOut, mem };
}

function clientsSection(srv: Server, L: Lines): void {
  const k = clientCounts(srv);
  L.add('connected_clients', k.normal);
  L.add('cluster_connections', 0);
  L.add('maxclients', srv.config.maxclients);
  L.add('client_recent_max_input_buffer', k.maxIn);
  L.add('client_recent_max_output_buffer', k.maxOut);
  L.add('blocked_clients', k.blocked);
  L.add('tracking_clients', k.tracking);
  L.add('clients_in_timeout_table', k.inTimeout);
}

function memorySection(srv: Server, L: Lines, st: InfoState): void {
  // The same figures as MEMORY STATS / DOCTOR (server/memory.ts), so they agree.
  const mh = memoryOverhead(srv);
  if (mh.peak > st.peakMemory) st.peakMemory = mh.peak;
  const used = mh.used, peak = mh.peak;
  const sysmem = os.totalmem();
  const ratio = (d: number) => fixed(d, 2);
  L.add('used_memory', used);
  L.add('used_memory_human', bytesToHuman(used));
  L.add('used_memory_rss', mh.rss);
  L.add('used_memory_rss_human', bytesToHuman(mh.rss));
  L.add('used_memory_peak', peak);
  L.add('used_memory_peak_human', bytesToHuman(peak));
  L.add('used_memory_peak_perc', fixed(mh.peakPerc, 2) + '%');
  L.add('used_memory_overhead', mh.overheadTotal);
  L.add('used_memory_startup', mh.startup);
  L.add('used_memory_dataset', mh.dataset);
  L.add('used_memory_dataset_perc', fixed(mh.datasetPerc, 2) + '%');
  L.add('allocator_allocated', mh.allocAllocated);
  L.add('allocator_active', mh.allocActive);
  L.add('allocator_resident', mh.allocResident);
  L.add('total_system_memory', sysmem);
  L.add('total_system_memory_human', bytesToHuman(sysmem));
  L.add('used_memory_lua', 0);
  L.add('used_memory_vm_eval', 0);
  L.add('used_memory_lua_human', '0B');
  L.add('used_memory_scripts_eval', 0);
  L.add('number_of_cached_scripts', 0);
  L.add('number_of_functions', 0);
  L.add('number_of_libraries', 0);
  L.add('used_memory_vm_functions', 0);
  L.add('used_memory_vm_total', 0);
  L.add('used_memory_vm_total_human', '0B');
  L.add('used_memory_functions', 0);
  L.add('used_memory_scripts', 0);
  L.add('used_memory_scripts_human', '0B');
  const maxmemory = srv.config.maxmemory;
  const maxText = formatParam(lookupParam('maxmemory')!, srv.config);
  L.add('maxmemory', maxText);
  L.add('maxmemory_human', maxmemory >= 1024 ** 6 ? maxText + 'B' : bytesToHuman(maxmemory));
  L.add('maxmemory_policy', srv.config.maxmemoryPolicy);
  L.add('allocator_frag_ratio', ratio(mh.allocFrag));
  L.add('allocator_frag_bytes', mh.allocFragBytes);
  L.add('allocator_rss_ratio', ratio(mh.allocRss));
  L.add('allocator_rss_bytes', mh.allocRssBytes);
  L.add('rss_overhead_ratio', ratio(mh.rssExtra));
  L.add('rss_overhead_bytes', mh.rssExtraBytes);
  L.add('mem_fragmentation_ratio', ratio(mh.totalFrag));
  L.add('mem_fragmentation_bytes', mh.totalFragBytes);
  L.add('mem_not_counted_for_evict', 0);
  L.add('mem_replication_backlog', 0);
  L.add('mem_total_replication_buffers', 0);
  L.add('mem_clients_slaves', 0);
  L.add('mem_clients_normal', mh.clientsNormal);
  L.add('mem_cluster_links', 0);
  L.add('mem_aof_buffer', 0);
  L.add('mem_allocator', allocatorName());
  L.add('active_defrag_running', 0);
  L.add('lazyfree_pending_objects', 0);
  L.add('lazyfreed_objects', 0);
}

function persistenceSection(srv: Server, L: Lines): void {
  L.add('loading', 0);
  L.add('async_loading', 0);
  L.add('current_cow_peak', 0);
  L.add('current_cow_size', 0);
  L.add('current_cow_size_age', 0);
  L.add('current_fork_perc', '0.00');
  L.add('current_save_keys_processed', 0);
  L.add('current_save_keys_total', 0);
  L.add('rdb_changes_since_last_save', srv.dirty);
  L.add('rdb_bgsave_in_progress', 0);
  L.add('rdb_last_save_time', Math.floor(srv.startTime / 1000));
  L.add('rdb_last_bgsave_status', 'ok');
  L.add('rdb_last_bgsave_time_sec', -1);
  L.add('rdb_current_bgsave_time_sec', -1);
  L.add('rdb_saves', 0);
  L.add('rdb_last_cow_size', 0);
  L.add('rdb_last_load_keys_expired', 0);
  L.add('rdb_last_load_keys_loaded', 0);
  L.add('aof_enabled', 0);
  L.add('aof_rewrite_in_progress', 0);
  L.add('aof_rewrite_scheduled', 0);
  L.add('aof_last_rewrite_time_sec', -1);
  L.add('aof_current_rewrite_time_sec', -1);
  L.add('aof_last_bgrewrite_status', 'ok');
  L.add('aof_rewrites', 0);
  L.add('aof_rewrites_consecutive_failures', 0);
  L.add('aof_last_write_status', 'ok');
  L.add('aof_last_cow_size', 0);
  L.add('module_fork_in_progress', 0);
  L.add('module_fork_last_cow_size', 0);
}

function statsSection(srv: Server, L: Lines): void {
  const s = srv.stats;
  const cron = srv.cron;
  L.add('total_connections_received', s.totalConnections);
  L.add('total_commands_processed', s.totalCommands);
  L.add('instantaneous_ops_per_sec', Math.floor(cron.opsPerSec.average));
  L.add('total_net_input_bytes', s.netInput);
  L.add('total_net_output_bytes', s.netOutput);
  L.add('total_net_repl_input_bytes', 0);
  L.add('total_net_repl_output_bytes', 0);
  L.add('instantaneous_input_kbps', fixed(Math.floor(cron.netInPerSec.average) / 1024, 2));
  L.add('instantaneous_output_kbps', fixed(Math.floor(cron.netOutPerSec.average) / 1024, 2));
  L.add('instantaneous_input_repl_kbps', '0.00');
  L.add('instantaneous_output_repl_kbps', '0.00');
  L.add('rejected_connections', s.rejectedConnections);
  L.add('sync_full', 0);
  L.add('sync_partial_ok', 0);
  L.add('sync_partial_err', 0);
  L.add('expired_keys', s.expiredKeys);
  L.add('expired_stale_perc', fixed(s.expiredStalePerc * 100, 2));
  L.add('expired_time_cap_reached_count', s.expiredTimeCapReached);
  L.add('expire_cycle_cpu_milliseconds', Math.floor(s.expireCycleCpuMs));
  L.add('evicted_keys', s.evictedKeys);
  L.add('evicted_clients', s.evictedClients);
  const exceeded = srv.eviction.currentExceededMs();
  L.add('total_eviction_exceeded_time', Math.floor(srv.eviction.exceededTotalMs + exceeded));
  L.add('current_eviction_exceeded_time', Math.floor(exceeded));
  L.add('keyspace_hits', s.keyspaceHits);
  L.add('keyspace_misses', s.keyspaceMisses);
  L.add('pubsub_channels', 0);
  L.add('pubsub_patterns', 0);
  L.add('pubsubshard_channels', 0);
  L.add('latest_fork_usec', 0);
  L.add('total_forks', 0);
  L.add('migrate_cached_sockets', 0);
  L.add('slave_expires_tracked_keys', 0);
  L.add('active_defrag_hits', 0);
  L.add('active_defrag_misses', 0);
  L.add('active_defrag_key_hits', 0);
  L.add('active_defrag_key_misses', 0);
  L.add('total_active_defrag_time', 0);
  L.add('current_active_defrag_time', 0);
  L.add('tracking_total_keys', srv.tracking.totalKeys);
  L.add('tracking_total_items', srv.tracking.items);
  L.add('tracking_total_prefixes', srv.tracking.totalPrefixes);
  L.add('unexpected_error_replies', s.unexpectedErrorReplies);
  L.add('total_error_replies', s.totalErrorReplies);
  L.add('dump_payload_sanitizations', 0);
  L.add('total_reads_processed', s.totalReadsProcessed);
  L.add('total_writes_processed', s.totalWritesProcessed);
  L.add('io_threaded_reads_processed', 0);
  L.add('io_threaded_writes_processed', 0);
  L.add('reply_buffer_shrinks', 0);
  L.add('reply_buffer_expands', 0);
}

function replicationSection(srv: Server, L: Lines, st: InfoState): void {
  L.add('role', 'master');
  L.add('connected_slaves', 0);
  L.add('master_failover_state', 'no-failover');
  L.add('master_replid', st.replId);
  L.add('master_replid2', '0000000000000000000000000000000000000000');
  L.add('master_repl_offset', 0);
  L.add('second_repl_offset', -1);
  L.add('repl_backlog_active', 0);
  L.add('repl_backlog_size', 1048576);
  L.add('repl_backlog_first_byte_offset', 0);
  L.add('repl_backlog_histlen', 0);
}

/** Microseconds as "%ld.%06ld" seconds. */
function cpuSeconds(us: number): string {
  return `${Math.floor(us / 1e6)}.${String(Math.floor(us % 1e6)).padStart(6, '0')}`;
}

function cpuSection(_srv: Server, L: Lines): void {
  const u = process.cpuUsage();
  L.add('used_cpu_sys', cpuSeconds(u.system));
  L.add('used_cpu_user', cpuSeconds(u.user));
  L.add('used_cpu_sys_children', '0.000000');
  L.add('used_cpu_user_children', '0.000000');
  L.add('used_cpu_sys_main_thread', cpuSeconds(u.system));
  L.add('used_cpu_user_main_thread', cpuSeconds(u.user));
}

function commandstatsSection(srv: Server, L: Lines): void {
  for (const e of srv.table.all()) {
    const s = e.stats;
    if (s.calls === 0 && s.failed === 0 && s.rejected === 0) continue;
    const usec = Math.floor(s.usec);
    const perCall = s.calls === 0 ? 0 : usec / s.calls;
    L.raw(`cmdstat_${e.fullName}:calls=${s.calls},usec=${usec},usec_per_call=${fixed(perCall, 2)},` +
      `rejected_calls=${s.rejected},failed_calls=${s.failed}`);
  }
}

function errorstatsSection(srv: Server, L: Lines): void {
  const codes = [...srv.stats.errors.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const code of codes) L.raw(`errorstat_${code}:count=${srv.stats.errors.get(code)}`);
}

function latencystatsSection(srv: Server, L: Lines): void {
  const pcts = srv.config.latencyTrackingInfoPercentiles;
  for (const e of srv.table.all()) {
    const h = e.stats.hist;
    if (h === null || h.total === 0) continue;
    let line = `latency_percentiles_usec_${e.fullName}:`;
    for (let j = 0; j < pcts.length; j++) {
      if (j > 0) line += ',';
      line += `p${formatPercentile(pcts[j])}=${fixed(h.valueAtPercentile(pcts[j]) / 1000, 3)}`;
    }
    L.raw(line);
  }
}

function keyspaceSection(srv: Server, L: Lines): void {
  for (const db of srv.dbs) {
    const keys = db.size;
    const vkeys = db.expires.size;
    if (keys === 0 && vkeys === 0) continue;
    L.raw(`db${db.id}:keys=${keys},expires=${vkeys},avg_ttl=${Math.floor(db.avgTtl)}`);
  }
}

const BUILDERS: Record<Section, (srv: Server, L: Lines, st: InfoState) => void> = {
  server: serverSection,
  clients: clientsSection,
  memory: memorySection,
  persistence: persistenceSection,
  stats: statsSection,
  replication: replicationSection,
  cpu: cpuSection,
  modules: () => undefined,
  commandstats: commandstatsSection,
  errorstats: errorstatsSection,
  latencystats: latencystatsSection,
  cluster: (_srv, L) => L.add('cluster_enabled', 0),
  keyspace: keyspaceSection,
};

/** CONFIG RESETSTAT: server stats, per-command stats and histograms, error stats. */
export function resetStats(srv: Server): void {
  srv.stats.reset();
  srv.eviction.resetStats();
  for (const e of srv.table.all()) {
    const s = e.stats;
    s.calls = 0;
    s.usec = 0;
    s.rejected = 0;
    s.failed = 0;
    s.hist = null;
  }
}
