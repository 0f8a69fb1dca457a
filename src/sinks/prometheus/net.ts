/** net → node_network_*_total, node_sockstat_*, node_netstat_*, node_tcp_connection_states. */
import type { NetReading } from '../../agent/snapshot.js';
import { CATALOG as C, NETDEV_COLUMNS, netdevDef, netstatDef, sockstatDef } from './catalog.js';
import type { Exposition } from './exposition.js';
import type { PromRenderOptions } from './options.js';

/** The --collector.netstat.fields verdict per counter name, per compiled filter (~400 names a poll). */
const netstatVerdicts = new WeakMap<RegExp, Map<string, boolean>>();

function netstatKeep(re: RegExp): Map<string, boolean> {
  let m = netstatVerdicts.get(re);
  if (!m) netstatVerdicts.set(re, (m = new Map()));
  return m;
}

export function renderNet(r: NetReading, x: Exposition, o: PromRenderOptions): void {
  for (const d of r.dev ?? []) {
    const l = { device: d.device };
    for (const [field, stem] of NETDEV_COLUMNS) x.add(netdevDef(stem), d[field], l);
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
    const keep = netstatKeep(o.netstatFields);
    for (const k in r.netstat) {
      let ok = keep.get(k);
      if (ok === undefined) keep.set(k, (ok = o.netstatFields.test(k)));
      if (ok) x.add(netstatDef(k), r.netstat[k] as number);
    }
  }
  if (r.tcpStates) {
    for (const [state, n] of Object.entries(r.tcpStates)) x.add(C.tcpConnectionStates, n, { state });
  }
}
