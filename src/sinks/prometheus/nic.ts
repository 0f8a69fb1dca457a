/** nic → node_exporter's netclass metrics (node_network_up, _info, _speed_bytes, _mtu_bytes, ...) and bonding's node_bonding_*. */
import type { NicReading } from '../../contract/snapshot.js';
import { CATALOG as C } from './catalog.js';
import type { Exposition, PromFamily } from './exposition.js';
import type { PromRenderOptions } from './options.js';

export function renderNic(r: NicReading, x: Exposition, o: PromRenderOptions): void {
  for (const n of r.interfaces) {
    const device = n.device;
    const l = { device };
    const opt = (def: PromFamily, v: number | undefined): void => {
      if (v !== undefined) x.add(def, v, l);
    };
    x.add(C.netUp, n.operstate === 'up' ? 1 : 0, l);
    x.add(C.netInfo, 1, {
      address: n.address ?? '',
      adminstate: n.adminstate ?? '',
      broadcast: n.broadcast ?? '',
      device,
      duplex: n.duplex ?? '',
      ifalias: n.ifalias ?? '',
      operstate: n.operstate ?? '',
    });
    opt(C.netAddressAssignType, n.addrAssignType);
    opt(C.netCarrier, n.carrier);
    opt(C.netCarrierChanges, n.carrierChanges);
    opt(C.netCarrierUpChanges, n.carrierUpChanges);
    opt(C.netCarrierDownChanges, n.carrierDownChanges);
    opt(C.netDeviceId, n.devId);
    opt(C.netDormant, n.dormant);
    opt(C.netFlags, n.flags);
    opt(C.netIfaceId, n.ifindex);
    opt(C.netIfaceLink, n.iflink);
    opt(C.netIfaceLinkMode, n.linkMode);
    opt(C.netMtu, n.mtu);
    opt(C.netNameAssignType, n.nameAssignType);
    opt(C.netDevGroup, n.netDevGroup);
    opt(C.netProtocolType, n.protocolType);
    if (n.speedBytes !== undefined && (n.speedBytes >= 0 || !o.ignoreInvalidSpeed)) x.add(C.netSpeed, n.speedBytes, l);
    opt(C.netTxQueueLength, n.txQueueLength);
  }
  for (const b of r.bonding ?? []) {
    x.add(C.bondingSlaves, b.slaves, { master: b.master });
    x.add(C.bondingActive, b.active, { master: b.master });
  }
}
