/**
 * Content negotiation for `/metrics` (RFC 9110 §12.4-12.5.3): Accept picks the text format
 * or OpenMetrics 1.0.0, Accept-Encoding picks gzip or identity. Both are pure functions of
 * the header value.
 */

/** One element of an Accept-like list: the lower-cased value, its parameters and q. */
export interface QElement {
  value: string;
  params: ReadonlyMap<string, string>;
  /** 0..1; 0 means "not acceptable". A malformed q counts as 0. */
  q: number;
}

// RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
const QVALUE = /^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$/;

/** Splits on `sep` outside double quotes. */
function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quoted && c === '\\' && i + 1 < s.length) {
      cur += c + (s[++i] as string);
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
}

/** Parses an Accept or Accept-Encoding value; empty elements are dropped. */
export function parseQList(header: string): QElement[] {
  const out: QElement[] = [];
  for (const part of splitOutsideQuotes(header, ',')) {
    const [rawValue = '', ...rawParams] = splitOutsideQuotes(part, ';').map((s) => s.trim());
    if (rawValue === '') continue;
    const params = new Map<string, string>();
    let q = 1;
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
      const value = eq < 0 ? '' : unquote(p.slice(eq + 1).trim());
      if (name === 'q') q = QVALUE.test(value) ? Number(value) : 0;
      else if (name !== '') params.set(name, value);
    }
    out.push({ value: rawValue.toLowerCase(), params, q });
  }
  return out;
}

/** The OpenMetrics version the sink renders. */
const OPENMETRICS_VERSION = '1.0.0';
/** The text format's version. */
const TEXT_VERSION = '0.0.4';

/**
 * True when the client's most preferred acceptable format is OpenMetrics 1.0.0.
 *
 * Like client_golang's expfmt negotiation, an element is a candidate only for a version
 * hostprobe implements: `text/plain` without a version or with 0.0.4, and
 * `application/openmetrics-text` without a version or with 1.0.0 (the only one rendered;
 * client_golang also serves 0.0.1, hostprobe does not claim it). Other versions, q=0 and
 * unknown types are skipped; `*` + `/*` and `text/*` mean the text format. Highest q wins,
 * a tie goes to the earlier element (a concrete type before a wildcard); nothing
 * acceptable means the text format.
 */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false;
  let best: { om: boolean; q: number; specific: boolean } | undefined;
  for (const { value, params, q } of parseQList(accept)) {
    if (q <= 0) continue;
    const version = params.get('version');
    let om: boolean;
    let specific = true;
    if (value === 'application/openmetrics-text' && (version === undefined || version === OPENMETRICS_VERSION)) om = true;
    else if (value === 'text/plain' && (version === undefined || version === TEXT_VERSION)) om = false;
    else if (value === '*/*' || value === 'text/*') {
      om = false;
      specific = false;
    } else continue;
    if (!best || q > best.q || (q === best.q && specific && !best.specific)) best = { om, q, specific };
  }
  return best?.om ?? false;
}

/**
 * True when the response should be gzip-coded (RFC 9110 §12.5.3): gzip (or x-gzip) with
 * q > 0, or, when gzip is not listed, `*` with q > 0 (`gzip;q=0, *` is not gzip); and not
 * below identity's q when identity is listed (or covered by `*`). An identity that is not
 * mentioned is the fallback, below any coding the client listed. No header, or an empty
 * one, means identity.
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let gzip: number | undefined;
  let identity: number | undefined;
  let star: number | undefined;
  for (const { value, q } of parseQList(header)) {
    if (value === 'gzip' || value === 'x-gzip') gzip = Math.max(gzip ?? 0, q);
    else if (value === 'identity') identity = Math.max(identity ?? 0, q);
    else if (value === '*') star = Math.max(star ?? 0, q);
  }
  const qGzip = gzip ?? star ?? 0;
  const qIdentity = identity ?? star ?? 0;
  return qGzip > 0 && qGzip >= qIdentity;
}
