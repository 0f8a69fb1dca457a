// The group-name templates of process groups (src/collectors/process/match.ts): any template
// text parses or is refused with an error naming it, and a parsed template renders exactly
// its text and fields.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GroupMatcher, parseTemplate, type ProcAttrs } from '../../src/collectors/process/match.js';
import { checkProperty } from './property.js';

const piece = fc.oneof(
  fc.constantFrom(
    '{{.Comm}}',
    '{{.ExeBase}}',
    '{{.ExeFull}}',
    '{{.PID}}',
    '{{ .Username }}',
    '{{.Matches.x}}',
    '{{index .Matches "x"}}',
    '{{-.Comm-}}',
  ),
  fc.constantFrom('{{', '}}', '{', '}', '{{.Bogus}}', '{{}}', '.', ' '),
  fc.string({ maxLength: 8 }),
);
const template = fc.array(piece, { maxLength: 8 }).map((a) => a.join(''));

const proc: ProcAttrs = {
  comm: 'comm-x',
  cmdline: ['/usr/bin/exe-y', '--flag', 'value-z'],
  pid: 4242,
  startTime: 1_700_000_000,
  username: () => 'user-u',
};
const expand: Record<string, string> = {
  Comm: 'comm-x',
  ExeBase: 'exe-y',
  ExeFull: '/usr/bin/exe-y',
  PID: '4242',
  Username: 'user-u',
};

describe('fuzz: process group templates', () => {
  it('any template parses, or is refused with an Error that quotes it', async () => {
    await checkProperty('process-template-errors', template, (t) => {
      try {
        parseTemplate(t);
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        expect((e as Error).message).toContain(JSON.stringify(t));
      }
    });
  });

  it('a template of text and fields renders the text verbatim and each field expanded', async () => {
    // Braces in the text could join a neighbour into another action ("{" + "{{.Comm}}"),
    // which Go's text/template refuses too: the text parts here have none.
    const text = fc.string({ maxLength: 8 }).filter((s) => !/[{}]/.test(s));
    const part = fc.oneof(
      text.map((t) => ({ src: t, out: t })),
      fc.constantFrom(...Object.keys(expand)).map((f) => ({ src: `{{.${f}}}`, out: expand[f] as string })),
      fc.constant({ src: '{{.Matches.x}}', out: 'value-z' }),
    );
    await checkProperty('process-template-render', fc.array(part, { minLength: 1, maxLength: 6 }), (parts) => {
      const src = parts.map((p) => p.src).join('');
      const m = new GroupMatcher({ name: src, cmdline: ['--flag (?<x>\\S+)'] } as ConstructorParameters<typeof GroupMatcher>[0]);
      expect(m.match(proc)).toBe(parts.map((p) => p.out).join(''));
    });
  });
});
