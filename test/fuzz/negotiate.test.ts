// Accept and Accept-Encoding negotiation (src/http/negotiate.ts) on any header value.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { acceptsGzip, parseQList, wantsOpenMetrics } from '../../src/http/negotiate.js';
import { checkProperty } from './property.js';

// Header-ish text: the characters the grammar cares about, mixed with anything.
const token = fc.constantFrom(
  'gzip',
  'x-gzip',
  'identity',
  '*',
  'br',
  'deflate',
  'text/plain',
  'application/openmetrics-text',
  '*/*',
  'text/*',
  'version=1.0.0',
  'version=0.0.4',
  'q=0',
  'q=1',
  'q=0.5',
  'q=1.000',
  'q=0.0001',
  'q=2',
  'q=-1',
  'q=abc',
  'q=',
  'charset=utf-8',
  '"a,b;c"',
  '"\\""',
  ';',
  ',',
  ' ',
  '=',
  '"',
  '\\',
);
const header = fc.oneof(
  fc.array(fc.oneof(token, fc.string({ maxLength: 6 })), { maxLength: 16 }).map((a) => a.join('')),
  fc.string(),
);

describe('fuzz: Accept / Accept-Encoding negotiation', () => {
  it('parseQList is total: every element has a lower-case non-empty value and q in [0, 1]', async () => {
    await checkProperty('negotiate-qlist', header, (h) => {
      for (const e of parseQList(h)) {
        expect(e.value).not.toBe('');
        expect(e.value).toBe(e.value.toLowerCase());
        expect(e.q >= 0 && e.q <= 1).toBe(true);
      }
    });
  });

  it('acceptsGzip and wantsOpenMetrics answer a boolean for any header, and a refused coding is never chosen', async () => {
    await checkProperty('negotiate-choice', header, (h) => {
      expect(typeof acceptsGzip(h)).toBe('boolean');
      expect(typeof wantsOpenMetrics(h)).toBe('boolean');
      // Appending "gzip;q=0" and "x-gzip;q=0" for a header that names no gzip otherwise refuses it.
      // (Not after an unbalanced '"': the quoted string runs on over what is appended.)
      const names = parseQList(h).map((e) => e.value);
      if (!h.includes('"') && !names.includes('gzip') && !names.includes('x-gzip'))
        expect(acceptsGzip(`${h},gzip;q=0,x-gzip;q=0`)).toBe(false);
      // Prepending the exact OpenMetrics type at q=1 wins unless another q=1 entry ties more specifically;
      // refusing it (q=0) alone never selects it.
      expect(wantsOpenMetrics('application/openmetrics-text;q=0')).toBe(false);
    });
  });

  it('a list of codings with explicit q values chooses gzip exactly when its q is positive and >= identity', async () => {
    const q = fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000);
    await checkProperty('negotiate-gzip-q', fc.tuple(q, q), ([g, i]) => {
      const fmt = (n: number): string => (n === 1 ? '1' : n.toFixed(3));
      expect(acceptsGzip(`gzip;q=${fmt(g)}, identity;q=${fmt(i)}`)).toBe(g > 0 && g >= i);
    });
  });
});
