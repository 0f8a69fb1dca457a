/**
 * Plain HTTP sent to the TLS port gets Go's answer instead of a dropped connection:
 * "HTTP/1.0 400 Bad Request" and "Client sent an HTTP request to an HTTPS server." (net/http
 * does this when the first five bytes look like an HTTP method, tlsRecordHeaderLooksLikeHTTP).
 *
 * The TLS server's own 'connection' listeners are moved behind a peek at the first bytes:
 * a TLS handshake record (0x16) goes to them at once, with the bytes put back; five bytes
 * that start an HTTP request get the 400; anything else goes to TLS, whose handshake fails
 * as before. The server keeps listening, tracking and closing its connections itself.
 */
import type { Socket } from 'node:net';
import type { Server as TlsServer } from 'node:tls';

export const PLAIN_HTTP_RESPONSE = 'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n';

const TLS_HANDSHAKE = 0x16;
const HTTP_STARTS = new Set(['GET /', 'HEAD ', 'POST ', 'PUT /', 'OPTIO']);

/** Go's tlsRecordHeaderLooksLikeHTTP over the first five bytes. */
export function looksLikeHttp(head: Buffer): boolean {
  return head.length >= 5 && HTTP_STARTS.has(head.subarray(0, 5).toString('latin1'));
}

/**
 * Installs the peek on a TLS (or HTTPS) server. `timeoutMs`: how long a new connection may
 * stay silent before it is closed (the header timeout).
 */
export function answerPlainHttp(server: TlsServer, timeoutMs: number): void {
  const tlsListeners = server.listeners('connection') as ((sock: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (sock: Socket) => {
    let head: Buffer = Buffer.alloc(0);
    const cleanup = (): void => {
      sock.off('data', onData);
      sock.off('end', onEnd);
      sock.off('error', onError);
      sock.setTimeout(0);
      sock.off('timeout', onTimeout);
    };
    const onData = (chunk: Buffer): void => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      if (head[0] !== TLS_HANDSHAKE && head.length < 5) return;
      cleanup();
      if (head[0] !== TLS_HANDSHAKE && looksLikeHttp(head)) {
        sock.end(PLAIN_HTTP_RESPONSE);
        return;
      }
      sock.pause();
      sock.unshift(head);
      for (const l of tlsListeners) l.call(server, sock);
    };
    const onEnd = (): void => {
      cleanup();
      sock.destroy();
    };
    const onError = (): void => {
      cleanup();
      sock.destroy();
    };
    const onTimeout = (): void => {
      cleanup();
      sock.destroy();
    };
    sock.on('data', onData);
    sock.on('end', onEnd);
    sock.on('error', onError);
    sock.setTimeout(timeoutMs);
    sock.on('timeout', onTimeout);
  });
}
