/**
 * The web config's `client_allowed_sans`: a client certificate is accepted when one of its
 * Subject Alternative Names (DNS, IP, e-mail, URI) equals an allowed entry, as
 * exporter-toolkit checks it. IP addresses compare in Go's canonical form (IPv4 dotted,
 * IPv6 compressed lower case, IPv4-mapped IPv6 as IPv4), on both sides.
 */
import { isIP } from 'node:net';

/** The SAN values of Node's `subjectaltname` string ("DNS:a, IP Address:1.2.3.4, ..."). */
export function parseSubjectAltName(s: string | undefined): string[] {
  const out: string[] = [];
  if (!s) return out;
  let i = 0;
  while (i < s.length) {
    const colon = s.indexOf(':', i);
    if (colon < 0) break;
    const type = s.slice(i, colon);
    let j = colon + 1;
    let value: string;
    if (s[j] === '"') {
      // Node quotes values holding separators or special characters as JSON strings.
      let k = j + 1;
      while (k < s.length && s[k] !== '"') k += s[k] === '\\' ? 2 : 1;
      try {
        value = JSON.parse(s.slice(j, k + 1)) as string;
      } catch {
        value = s.slice(j + 1, k);
      }
      j = k + 1;
    } else {
      const end = s.indexOf(', ', j);
      value = s.slice(j, end < 0 ? s.length : end);
      j = end < 0 ? s.length : end;
    }
    out.push(type === 'IP Address' ? canonicalIp(value) : value);
    // Skip the ", " separator.
    i = s.startsWith(', ', j) ? j + 2 : j + 1;
  }
  return out;
}

/** Go's net.IP.String() form of an address; other strings are returned unchanged. */
export function canonicalIp(ip: string): string {
  const v = isIP(ip);
  if (v === 4) return ip;
  if (v !== 6) return ip;
  const host = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return host;
}

/** Whether a certificate's SANs include one of the allowed names. */
export function sanAllowed(subjectAltName: string | undefined, allowed: readonly string[]): boolean {
  const have = new Set(parseSubjectAltName(subjectAltName));
  return allowed.some((a) => have.has(canonicalIp(a)));
}
