import { describe, expect, it } from 'vitest';
import { escapeSdParam, headerField, isSdName, octetCountingFrame, syslogMessage, type SyslogHeaderOptions } from '@/lib/streams/formats/syslog-5424';
import { syslogConfig } from '@/lib/streams/sinks/syslog';
import { chainedEvents } from '@/tests/support/stream-events';

const options: SyslogHeaderOptions = { facility: 13, hostname: 'app-1', appName: 'audit-log', structuredDataId: 'audit@32473', utf8Bom: true };

describe('RFC 5424 message', () => {
  it('escapes ", \\ and ] in SD-PARAM values only', () => {
    expect(escapeSdParam('a"b\\c]d[e=f')).toBe('a\\"b\\\\c\\]d[e=f');
  });

  it('keeps header fields to PRINTUSASCII within their length, NILVALUE when empty', () => {
    expect(headerField('host name\twith é', 255)).toBe('host_name_with__');
    expect(headerField('x'.repeat(40), 32)).toHaveLength(32);
    expect(headerField('', 32)).toBe('-');
  });

  it('accepts only valid SD-IDs', () => {
    expect(isSdName('audit@32473')).toBe(true);
    for (const bad of ['', 'has space', 'a=b', 'a]b', 'a"b', 'x'.repeat(33), 'é']) expect(isSdName(bad)).toBe(false);
  });

  it('writes PRI, VERSION, TIMESTAMP, HOSTNAME, APP-NAME, PROCID, MSGID, SD and a BOM-prefixed UTF-8 MSG', () => {
    const [ok, failed] = chainedEvents([{ action: 'member.create' }, { action: 'Weird action with spaces and a very long name indeed', result: 'failure' }]);
    const text = syslogMessage(ok!, '{"a":"é"}', options).toString('utf8');
    expect(text).toBe(
      `<109>1 ${ok!.occurred_at} app-1 audit-log - member.create [audit@32473 seq="1" prev_hash="${ok!.prev_hash}" hash="${ok!.hash}" id="${ok!.id}"] \ufeff{"a":"é"}`,
    );
    const second = syslogMessage(failed!, 'x', { ...options, facility: 10, utf8Bom: false }).toString('utf8');
    expect(second.startsWith(`<84>1 ${failed!.occurred_at} app-1 audit-log - Weird_action_with_spaces_and_a_v [`)).toBe(true);
    expect(second.endsWith('] x')).toBe(true);
  });

  it('frames with the byte length, not the character count', () => {
    const message = Buffer.from('<109>1 - - - - - - \ufeffé🎉', 'utf8');
    const frame = octetCountingFrame(message).toString('utf8');
    expect(frame).toBe(`${message.length} <109>1 - - - - - - \ufeffé🎉`);
    expect(message.length).toBeGreaterThan('<109>1 - - - - - - \ufeffé🎉'.length);
  });

  it('validates the syslog configuration', () => {
    expect(syslogConfig.parse({ host: 'siem.example.com' })).toMatchObject({
      transport: 'tls',
      facility: 13,
      format: 'json',
      maxMessageBytes: 8192,
      utf8Bom: true,
    });
    expect(
      syslogConfig.safeParse({ host: 'siem.example.com', transport: 'tcp', caCertificate: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----' })
        .success,
    ).toBe(false);
    expect(syslogConfig.safeParse({ host: 'siem.example.com', facility: 24 }).success).toBe(false);
    expect(syslogConfig.safeParse({ host: 'bad host' }).success).toBe(false);
    expect(syslogConfig.safeParse({ host: 'h', structuredDataId: 'a b' }).success).toBe(false);
  });
});
