/**
 * net collector → system.network.* (netdev counters, TCP connection states and the
 * conntrack table, the last as hostmetrics' system.network.conntrack.{count,max}).
 *
 * Every network metric carries `network.interface.name` (the conventions' YAML lists
 * `system.device` for system.network.packet.count alone, which looks like an oversight;
 * we keep one attribute for all interface metrics so they can be joined). The hostmetrics
 * receiver calls them system.network.packets/dropped/errors/io/connections with `device`
 * and `direction`, and spells TCP states in upper case (ESTABLISHED, SYN_RECV, ...).
 */
import type { NetDevEntry, NetReading, TcpStateName } from '../../../contract/snapshot.js';
import { defineMapping, type Emit } from './types.js';

type Counter = { [K in keyof NetDevEntry]-?: NetDevEntry[K] extends number ? K : never }[keyof NetDevEntry];

/** Points of one /proc/net/dev column pair: receive and transmit per interface. */
function perDirection(rx: Counter, tx: Counter): (r: NetReading, emit: Emit) => void {
  return (r, emit) => {
    for (const d of r.dev ?? []) {
      emit(d[rx], { 'network.interface.name': d.device, 'network.io.direction': 'receive' });
      emit(d[tx], { 'network.interface.name': d.device, 'network.io.direction': 'transmit' });
    }
  };
}

/** node_exporter's TCP state names → network.connection.state values. */
const SEMCONV_TCP_STATE: Readonly<Record<TcpStateName, string>> = {
  established: 'established',
  syn_sent: 'syn_sent',
  syn_recv: 'syn_received',
  fin_wait1: 'fin_wait_1',
  fin_wait2: 'fin_wait_2',
  time_wait: 'time_wait',
  close: 'closed',
  close_wait: 'close_wait',
  last_ack: 'last_ack',
  listen: 'listen',
  closing: 'closing',
};

export const netMapping = defineMapping('net', [
  {
    name: 'system.network.io',
    instrument: 'counter',
    unit: 'By',
    valueType: 'int',
    description: 'Bytes received and transmitted per interface.',
    start: 'boot',
    attributes: { 'network.interface.name': '', 'network.io.direction': 'receive, transmit' },
    points: perDirection('rxBytes', 'txBytes'),
  },
  {
    name: 'system.network.packet.count',
    instrument: 'counter',
    unit: '{packet}',
    valueType: 'int',
    description: 'Packets received and transmitted per interface.',
    start: 'boot',
    hostmetrics: { name: 'system.network.packets', unit: '{packets}' },
    attributes: { 'network.interface.name': '', 'network.io.direction': 'receive, transmit' },
    points: perDirection('rxPackets', 'txPackets'),
  },
  {
    name: 'system.network.packet.dropped',
    instrument: 'counter',
    unit: '{packet}',
    valueType: 'int',
    description: 'Packets dropped per interface (the drop column of /proc/net/dev).',
    start: 'boot',
    hostmetrics: { name: 'system.network.dropped', unit: '{packets}' },
    attributes: { 'network.interface.name': '', 'network.io.direction': 'receive, transmit' },
    points: perDirection('rxDrop', 'txDrop'),
  },
  {
    name: 'system.network.errors',
    instrument: 'counter',
    unit: '{error}',
    valueType: 'int',
    description: 'Receive and transmit errors per interface (the errs column of /proc/net/dev).',
    start: 'boot',
    hostmetrics: { unit: '{errors}' },
    attributes: { 'network.interface.name': '', 'network.io.direction': 'receive, transmit' },
    points: perDirection('rxErrs', 'txErrs'),
  },
  {
    name: 'system.network.connection.count',
    instrument: 'updowncounter',
    unit: '{connection}',
    valueType: 'int',
    description: 'TCP connections (IPv4 and IPv6) by state.',
    hostmetrics: { name: 'system.network.connections', unit: '{connections}' },
    attributes: {
      'network.transport': 'tcp',
      'network.connection.state':
        'established, syn_sent, syn_received, fin_wait_1, fin_wait_2, time_wait, closed, close_wait, last_ack, listen, closing',
    },
    hostmetricsValues: '`state` values ESTABLISHED, SYN_RECV, ... (the kernel names in upper case)',
    points: (r, emit, { naming }) => {
      const states = r.tcpStates;
      if (!states) return;
      for (const [state, count] of Object.entries(states) as [TcpStateName, number][]) {
        const s = naming === 'hostmetrics' ? state.toUpperCase() : SEMCONV_TCP_STATE[state];
        emit(count, { 'network.transport': 'tcp', 'network.connection.state': s });
      }
    },
  },
  {
    name: 'system.network.conntrack.count',
    instrument: 'updowncounter',
    unit: '{entry}',
    valueType: 'int',
    description: 'The count of entries in conntrack table.',
    hostmetrics: { unit: '{entries}' },
    attributes: {},
    points: (r, emit) => {
      if (r.conntrack?.entries !== undefined) emit(r.conntrack.entries, {});
    },
  },
  {
    name: 'system.network.conntrack.max',
    instrument: 'updowncounter',
    unit: '{entry}',
    valueType: 'int',
    description: 'The limit for entries in the conntrack table.',
    hostmetrics: { unit: '{entries}' },
    attributes: {},
    points: (r, emit) => {
      if (r.conntrack?.limit !== undefined) emit(r.conntrack.limit, {});
    },
  },
]);
