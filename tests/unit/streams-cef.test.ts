import { describe, expect, it } from 'vitest';
import { escapeCefExtension, escapeCefHeader, toCef } from '@/lib/streams/formats/cef';
import { parseCef } from '@/tests/support/cef-parse';
import { chainedEvents } from '@/tests/support/stream-events';

describe('CEF', () => {
  it('escapes header fields: backslash and pipe, line breaks become spaces', () => {
    expect(escapeCefHeader('a|b\\c')).toBe('a\\|b\\\\c');
    expect(escapeCefHeader('one\ntwo\r\nthree\rfour')).toBe('one two three four');
    expect(escapeCefHeader('keeps = as is')).toBe('keeps = as is');
  });

  it('escapes extension values: backslash, equals sign and line breaks; pipes stay', () => {
    expect(escapeCefExtension('a=b\\c')).toBe('a\\=b\\\\c');
    expect(escapeCefExtension('line1\nline2\r')).toBe('line1\\nline2\\r');
    expect(escapeCefExtension('x|y')).toBe('x|y');
  });

  it('maps an entry to the standard keys and the labelled custom ones', () => {
    const [event] = chainedEvents([{ action: 'member.delete', result: 'failure', message: 'Removed a=1 | b\nnext' }]);
    const line = toCef(event!, { vendor: 'V|x', name: 'P', version: '1.0' });
    expect(line.startsWith('CEF:0|V\\|x|P|1.0|member.delete|Removed a=1 \\| b next|6|')).toBe(true);
    const { extension } = parseCef(line);
    expect(extension).toMatchObject({
      rt: String(Date.parse(event!.occurred_at)),
      externalId: event!.id,
      act: 'member.delete',
      outcome: 'failure',
      src: '203.0.113.9',
      suser: 'Zoë Ågren',
      suid: 'user-42',
      msg: 'Removed a=1 | b\nnext',
      reason: 'Permission denied',
      requestClientApplication: 'curl/8.5',
      cn1Label: 'seq',
      cn1: '1',
      cs1Label: 'hash',
      cs1: event!.hash,
      cs2Label: 'prevHash',
      cs2: event!.prev_hash,
      cs3: 'member',
      cs4: 'm-1',
      cs5: 'Member "one" [admin]',
      cs6Label: 'requestId',
      cs6: 'req-1',
    });
  });

  it('puts an IPv6 source in c6a2 and leaves out what the entry lacks, labels included', () => {
    const [v6, none] = chainedEvents([{ ip: '2001:db8::7', message: '' }, { ip: null }]);
    const six = parseCef(toCef(v6!)).extension;
    expect([six.src, six.c6a2, six.c6a2Label, six.msg]).toEqual([undefined, '2001:db8::7', 'Source IPv6 Address', undefined]);
    expect(parseCef(toCef(v6!)).header[5]).toBe(v6!.action);
    const bare = parseCef(toCef({ ...none!, object: { type: 'x', id: null, label: null }, request_id: null })).extension;
    expect(Object.keys(bare)).not.toContain('src');
    expect(Object.keys(bare)).not.toContain('cs4Label');
    expect(Object.keys(bare)).not.toContain('cs6Label');
  });

  it('reads the flat column shape as well as the nested API shape', () => {
    const [event] = chainedEvents([{}]);
    const { actor, object, ...rest } = event!;
    const flat = {
      ...rest,
      actor_type: actor.type,
      actor_id: actor.id,
      actor_label: actor.label,
      object_type: object.type,
      object_id: object.id,
      object_label: object.label,
    };
    expect(toCef(flat)).toBe(toCef(event!));
  });
});
