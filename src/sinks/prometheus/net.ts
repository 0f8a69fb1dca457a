/**
 * net → node_network_*_total, node_sockstat_*, node_netstat_*, node_tcp_connection_states,
 * node_nf_conntrack_*, node_softnet_*, node_arp_entries, node_udp_queues.
 */
import type { NetReading } from '../../contract/snapshot.js';
import { CATALOG as C, NETDEV_COLUMNS, NETDEV_NOHANDLER, netdevDef, netstatDef, sockstatDef } from './catalog.js';
import type { Exposition } from './exposition.js';
import { fieldKept, type PromRenderOptions } from './options.js';

export function renderNet(r: NetReading, x: Exposition, o: PromRenderOptions): void {
  for (const d of r.dev ?? []) {
    const l = { device: d.device };
    for (const [field, stem] of NETDEV_COLUMNS) x.add(netdevDef(stem), d[field], l);
    if (d.rxNohandler !== undefined) x.add(netdevDef(NETDEV_NOHANDLER), d.rxNohandler, l);
  }
  const s = r.sockstat;
  if (s) {
    if (s.socketsUsed !== undefined) x.add(C.sockstatSocketsUsed, s.socketsUsed);
    for (const [proto, fields] of Object.entries(s.protocols)) {
      for (const [field, v] of Object.entries(fields)) {
        x.add(sockstatDef(proto, field), v);
        // node_exporter also gives the page counts in bytes.
        if (field === 'mem') x.add(sockstatDef(proto, 'mem_bytes'), v * s.pageSize);
      }
    }
  }
  if (r.netstat) {
    for (const k in r.netstat) if (fieldKept(o.netstatFields, k)) x.add(netstatDef(k), r.netstat[k] as number);
  }
  if (r.tcpStates) {
    for (const [state, n] of Object.entries(r.tcpStates)) x.add(C.tcpConnectionStates, n, { state });
  }
  const ct = r.conntrack;
  if (ct) {
    if (ct.entries !== undefined) x.add(C.conntrackEntries, ct.entries);
    if (ct.limit !== undefined) x.add(C.conntrackEntriesLimit, ct.limit);
    const st = ct.stat;
    if (st) {
      x.add(C.conntrackStatFound, st.found);
      x.add(C.conntrackStatInvalid, st.invalid);
      x.add(C.conntrackStatIgnore, st.ignore);
      x.add(C.conntrackStatInsert, st.insert);
      x.add(C.conntrackStatInsertFailed, st.insertFailed);
      x.add(C.conntrackStatDrop, st.drop);
      x.add(C.conntrackStatEarlyDrop, st.earlyDrop);
      x.add(C.conntrackStatSearchRestart, st.searchRestart);
    }
  }
  for (const s of r.softnet ?? []) {
    const l = { cpu: String(s.cpu) };
    x.add(C.softnetProcessed, s.processed, l);
    x.add(C.softnetDropped, s.dropped, l);
    x.add(C.softnetTimesSqueezed, s.timeSqueezed, l);
    x.add(C.softnetCpuCollision, s.cpuCollision, l);
    x.add(C.softnetReceivedRps, s.receivedRps, l);
    x.add(C.softnetFlowLimitCount, s.flowLimitCount, l);
    x.add(C.softnetBacklogLen, s.backlogLen, l);
  }
  for (const a of r.arp ?? []) x.add(C.arpEntries, a.entries, { device: a.device });
  const q = r.udpQueues;
  if (q) {
    for (const [ip, v] of [
      ['v4', q.v4],
      ['v6', q.v6],
    ] as const) {
      if (!v) continue;
      x.add(C.udpQueues, v.rx, { queue: 'rx', ip });
      x.add(C.udpQueues, v.tx, { queue: 'tx', ip });
    }
  }
}
