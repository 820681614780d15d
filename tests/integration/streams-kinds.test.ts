import { afterAll, beforeAll, expect, it } from 'vitest';
import { getChainHead } from '@/db/queries/chain-head';
import { executeAudited, type OperationContext } from '@/lib/recording/operation';
import { createStreamDestinationOperation } from '@/lib/operations/streams';
import { verifyReceived } from '@/lib/streams/verify-received';
import type { Db } from '@/db/client';
import { describeEachDatabase } from './databases';
import { actingAs } from './context';
import { insertEvents } from './fixtures';
import { jsonBody, startRsyslog, type RsyslogReceiver } from '../support/rsyslog';
import { drain, seqsAfter, testLoop } from './streams-helpers';

/** Adds a destination of any kind through the audited operation, as the Streams screen does. */
async function addDestination(db: Db, ctx: OperationContext, fields: Record<string, string>) {
  const result = await executeAudited(db, createStreamDestinationOperation, ctx, { name: 'SIEM', filter: '', format: 'json', ...fields });
  if (!result.ok) throw new Error(`could not add the destination: ${result.error}`);
  return result.data.id;
}

// The registered syslog kinds, end to end: the delivery loop, the registry's sink, Debian's rsyslogd, the verifier.
describeEachDatabase('log streams: syslog destinations through the delivery loop', (ctx) => {
  let rsyslog: RsyslogReceiver;
  beforeAll(async () => {
    rsyslog = await startRsyslog();
  });
  afterAll(async () => {
    await rsyslog?.stop();
  });

  for (const transport of ['tcp', 'tls'] as const) {
    it(`syslog over ${transport}: every entry arrives once, in chain order, and verifies from what rsyslog wrote`, async () => {
      const owner = await actingAs(ctx.db, `owner-${transport}@syslog.test`, 'owner');
      const orgId = owner.org.orgId;
      const before = rsyslog.received().length;
      const startHead = (await getChainHead(ctx.db, orgId))?.seq ?? 0;
      const id = await addDestination(ctx.db, owner, {
        kind: `syslog_${transport}`,
        host: 'localhost',
        port: String(transport === 'tcp' ? rsyslog.ports.tcp : rsyslog.ports.tls),
        ...(transport === 'tls' ? { ca_cert: rsyslog.pki.caPem } : {}),
      });
      await insertEvents(ctx.db, orgId, 120);
      const loop = testLoop(ctx.db);
      await drain(ctx.db, loop, orgId, id);
      await loop.stop();
      const expected = await seqsAfter(ctx.db, orgId, startHead);
      const mine = (await rsyslog.waitFor(before + expected.length)).slice(before);
      expect(mine.every((r) => r.input === transport)).toBe(true);
      const events = mine.map((r) => jsonBody(r) as { seq: number });
      expect(events.map((e) => e.seq)).toEqual(expected);
      const verdict = verifyReceived(events);
      expect(verdict.problem).toBeNull();
      expect(verdict.ok).toBe(true);
      expect(verdict.verifiedThrough).toBe(expected.at(-1));
    });
  }
});
