/**
 * Checks a web config's TLS material the way a listener would use it, so that
 * `check-config`, the start and a reload refuse the same files: the certificate parses
 * (PEM), the key parses (PEM, unencrypted), the key belongs to the certificate, every
 * certificate of the client CA bundle parses, and Node accepts the whole set as a secure
 * context with the configured TLS versions. Each problem names the web config key it comes
 * from.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca?: Buffer;
  readonly minVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  readonly maxVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  /** Resolved paths, for messages. */
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile?: string;
}

/** A problem with one key of `tls_server_config`. */
export interface TlsProblem {
  readonly key: 'cert_file' | 'key_file' | 'client_ca_file' | 'min_version';
  readonly message: string;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----/g;

/** OpenSSL's messages carry a prefix ("error:1E08010C:DECODER routines::unsupported"): keep the reason. */
function reason(e: unknown): string {
  const m = (e as Error).message ?? String(e);
  return m.replace(/^error:[0-9A-F]+:[^:]*:[^:]*:/i, '').trim() || m;
}

/** The first problem with the material, or undefined when a listener can use it. */
export function checkTlsMaterial(t: TlsMaterial): TlsProblem | undefined {
  let cert: X509Certificate;
  try {
    if (!t.cert.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no "BEGIN CERTIFICATE" block');
    cert = new X509Certificate(t.cert);
  } catch (e) {
    return { key: 'cert_file', message: `${t.certFile} is not a PEM certificate: ${reason(e)}` };
  }
  let key;
  try {
    key = createPrivateKey({ key: t.key, format: 'pem' });
  } catch (e) {
    return { key: 'key_file', message: `${t.keyFile} is not a PEM private key (an encrypted key is not supported): ${reason(e)}` };
  }
  if (!cert.checkPrivateKey(key)) {
    return {
      key: 'key_file',
      message: `the key ${t.keyFile} does not belong to the certificate ${t.certFile} (subject ${cert.subject.replace(/\n/g, ', ')})`,
    };
  }
  if (t.ca !== undefined) {
    const blocks = t.ca.toString('latin1').match(PEM_CERT) ?? [];
    if (blocks.length === 0) return { key: 'client_ca_file', message: `${t.caFile ?? 'the CA file'} holds no PEM certificate` };
    for (let i = 0; i < blocks.length; i++) {
      try {
        new X509Certificate(blocks[i] as string);
      } catch (e) {
        return { key: 'client_ca_file', message: `certificate ${i + 1} of ${t.caFile ?? 'the CA file'} does not parse: ${reason(e)}` };
      }
    }
  }
  try {
    createSecureContext({ cert: t.cert, key: t.key, ...(t.ca ? { ca: t.ca } : {}), minVersion: t.minVersion, maxVersion: t.maxVersion });
  } catch (e) {
    return { key: 'min_version', message: `the TLS settings are refused: ${reason(e)}` };
  }
  return undefined;
}
