/** net → node_network_*_total, node_sockstat_*, node_netstat_*, node_tcp_connection_states. */
import type { NetReading } from '../../contract/snapshot.js';
import { CATALOG as C, NETDEV_COLUMNS, netdevDef, netstatDef, sockstatDef } from './catalog.js';
import type { Exposition } from './exposition.js';
import { fieldKept, type PromRenderOptions } from './options.js';

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
    for (const k in r.netstat) if (fieldKept(o.netstatFields, k)) x.add(netstatDef(k), r.netstat[k] as number);
  }
  if (r.tcpStates) {
    for (const [state, n] of Object.entries(r.tcpStates)) x.add(C.tcpConnectionStates, n, { state });
  }
}
