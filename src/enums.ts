/**
 * Constants shared by the API, with the Linux kernel's numeric values (and psutil's string
 * values where psutil uses strings). Each is a frozen `as const` object plus a union type of
 * its values, so a value compares with `===`, serializes to JSON and survives a
 * structured clone as the same plain number or string everywhere. The psutil module-level
 * names (`AF_LINK`, `NIC_DUPLEX_FULL`, `CONN_LISTEN`, ...) are exported too.
 */

/** Address families (linux/socket.h). */
export const AddressFamily = Object.freeze({
  AF_UNSPEC: 0,
  AF_UNIX: 1,
  AF_INET: 2,
  AF_INET6: 10,
  AF_PACKET: 17,
  /** psutil.AF_LINK: on Linux, AF_PACKET under its BSD name (a MAC address row). */
  AF_LINK: 17,
} as const);
export type AddressFamily = (typeof AddressFamily)[keyof typeof AddressFamily];

export const AF_UNSPEC = AddressFamily.AF_UNSPEC;
export const AF_UNIX = AddressFamily.AF_UNIX;
export const AF_INET = AddressFamily.AF_INET;
export const AF_INET6 = AddressFamily.AF_INET6;
export const AF_PACKET = AddressFamily.AF_PACKET;
export const AF_LINK = AddressFamily.AF_LINK;

/** The constant's name for an address family number ("AF_LINK" for 17, as psutil's repr). */
export function addressFamilyName(family: number): string {
  switch (family) {
    case AF_UNSPEC:
      return 'AF_UNSPEC';
    case AF_UNIX:
      return 'AF_UNIX';
    case AF_INET:
      return 'AF_INET';
    case AF_INET6:
      return 'AF_INET6';
    case AF_LINK:
      return 'AF_LINK';
    default:
      return String(family);
  }
}

/** Socket types (linux/net.h). */
export const SocketType = Object.freeze({
  SOCK_STREAM: 1,
  SOCK_DGRAM: 2,
  SOCK_SEQPACKET: 5,
} as const);
export type SocketType = (typeof SocketType)[keyof typeof SocketType];

export const SOCK_STREAM = SocketType.SOCK_STREAM;
export const SOCK_DGRAM = SocketType.SOCK_DGRAM;
export const SOCK_SEQPACKET = SocketType.SOCK_SEQPACKET;

/** NIC duplex, with psutil's values (psutil.NIC_DUPLEX_*), not ethtool's. */
export const NicDuplex = Object.freeze({
  UNKNOWN: 0,
  HALF: 1,
  FULL: 2,
} as const);
export type NicDuplex = (typeof NicDuplex)[keyof typeof NicDuplex];

export const NIC_DUPLEX_UNKNOWN = NicDuplex.UNKNOWN;
export const NIC_DUPLEX_HALF = NicDuplex.HALF;
export const NIC_DUPLEX_FULL = NicDuplex.FULL;

/** Connection status strings, as psutil's CONN_* constants. UDP and UNIX sockets are NONE. */
export const ConnectionStatus = Object.freeze({
  ESTABLISHED: 'ESTABLISHED',
  SYN_SENT: 'SYN_SENT',
  SYN_RECV: 'SYN_RECV',
  FIN_WAIT1: 'FIN_WAIT1',
  FIN_WAIT2: 'FIN_WAIT2',
  TIME_WAIT: 'TIME_WAIT',
  CLOSE: 'CLOSE',
  CLOSE_WAIT: 'CLOSE_WAIT',
  LAST_ACK: 'LAST_ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
  NONE: 'NONE',
} as const);
export type ConnectionStatus = (typeof ConnectionStatus)[keyof typeof ConnectionStatus];

export const CONN_ESTABLISHED = ConnectionStatus.ESTABLISHED;
export const CONN_SYN_SENT = ConnectionStatus.SYN_SENT;
export const CONN_SYN_RECV = ConnectionStatus.SYN_RECV;
export const CONN_FIN_WAIT1 = ConnectionStatus.FIN_WAIT1;
export const CONN_FIN_WAIT2 = ConnectionStatus.FIN_WAIT2;
export const CONN_TIME_WAIT = ConnectionStatus.TIME_WAIT;
export const CONN_CLOSE = ConnectionStatus.CLOSE;
export const CONN_CLOSE_WAIT = ConnectionStatus.CLOSE_WAIT;
export const CONN_LAST_ACK = ConnectionStatus.LAST_ACK;
export const CONN_LISTEN = ConnectionStatus.LISTEN;
export const CONN_CLOSING = ConnectionStatus.CLOSING;
export const CONN_NONE = ConnectionStatus.NONE;

/**
 * The kernel's TCP state numbers as printed (hex) in the `st` column of /proc/net/tcp*,
 * mapped to the status strings (psutil's `_pslinux.TCP_STATUSES`).
 */
export const TCP_STATUSES: Readonly<Record<string, Exclude<ConnectionStatus, 'NONE'>>> = Object.freeze({
  '01': 'ESTABLISHED',
  '02': 'SYN_SENT',
  '03': 'SYN_RECV',
  '04': 'FIN_WAIT1',
  '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT',
  '07': 'CLOSE',
  '08': 'CLOSE_WAIT',
  '09': 'LAST_ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
});

/** The `state` label values of node_exporter's node_tcp_connection_states, in kernel order. */
export const TCP_STATE_LABELS = Object.freeze([
  'established',
  'syn_sent',
  'syn_recv',
  'fin_wait1',
  'fin_wait2',
  'time_wait',
  'close',
  'close_wait',
  'last_ack',
  'listen',
  'closing',
] as const);
export type TcpStateLabel = (typeof TCP_STATE_LABELS)[number];
