import 'server-only';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { getChainHead } from '@/db/queries/chain-head';
import {
  deleteStreamDestination,
  firstRetainedSeq,
  firstSeqSince,
  getStreamDestination,
  insertStreamDestination,
  replayStreamDestination,
  setStreamDestinationPaused,
} from '@/db/queries/stream-destinations';
import type { StreamDestinationRow } from '@/db/schema/stream-destinations';
import { DomainError } from '@/lib/errors';
import { defineOperation } from '@/lib/recording/operation';
import { DESTINATION_KINDS, kindSpec, STREAM_FORMATS, secretFieldSchema, type DestinationKind } from '@/lib/streams/kinds';
import { sealSecret } from '@/lib/streams/secret-box';
import { parseStreamFilter } from '@/lib/streams/stream-filter';

/** What audit entries say about a destination: never a secret (they are sealed in their own column). */
export const destinationSnapshot = (d: Pick<StreamDestinationRow, 'name' | 'kind' | 'config' | 'filter' | 'format' | 'paused' | 'cursor'>) => ({
  name: d.name,
  kind: d.kind,
  config: d.config,
  filter: d.filter,
  format: d.format,
  paused: d.paused,
  cursor: d.cursor,
});

const destinationId = z.uuid({ error: 'Unknown stream destination.' });
const idTarget = (raw: Record<string, unknown>) => ({ objectId: typeof raw.destinationId === 'string' ? raw.destinationId.slice(0, 64) : null });

async function mustGet(tx: Parameters<typeof getStreamDestination>[0], orgId: string, id: string) {
  const row = await getStreamDestination(tx, orgId, id);
  if (!row) throw new DomainError('That stream destination does not exist (it may have been deleted).');
  return row;
}

/** The form: name, kind, format, filter, then the kind's own settings and secrets, validated by the kinds registry. */
const createSchema = z
  .looseObject({
    name: z.string().trim().min(1, { error: 'Give the destination a name.' }).max(80, { error: 'Keep the name under 80 characters.' }),
    kind: z.enum(DESTINATION_KINDS, { error: 'Choose a destination kind.' }),
    format: z.enum(STREAM_FORMATS, { error: 'Choose a format.' }).default('json'),
    filter: z.string().max(4000, { error: 'Keep the filter under 4000 characters.' }).default(''),
  })
  .transform((input, ctx) => {
    const spec = kindSpec(input.kind as DestinationKind);
    if (!spec.createSink) ctx.addIssue({ code: 'custom', path: ['kind'], message: `${spec.label} is not available in this build.` });
    if (!spec.formats.includes(input.format)) ctx.addIssue({ code: 'custom', path: ['format'], message: `${spec.label} takes ${spec.formats.join(' or ')}.` });
    const filter = parseStreamFilter(input.filter);
    if (!filter.ok) ctx.addIssue({ code: 'custom', path: ['filter'], message: filter.message });
    const rawConfig = Object.fromEntries(spec.fields.map((f) => [f.name, input[f.name] === '' ? undefined : input[f.name]]));
    const config = spec.config.safeParse(rawConfig);
    if (!config.success) for (const issue of config.error.issues) ctx.addIssue({ code: 'custom', path: issue.path as string[], message: issue.message });
    const secrets: Record<string, string> = {};
    for (const field of spec.secretFields) {
      const value = secretFieldSchema(field.label).safeParse(input[field.name]);
      if (value.success) secrets[field.name] = value.data;
      else ctx.addIssue({ code: 'custom', path: [field.name], message: value.error.issues[0]?.message ?? 'Required.' });
    }
    if (!config.success || !filter.ok) return z.NEVER;
    return { name: input.name, kind: input.kind as DestinationKind, format: input.format, filter: filter.value.filter, config: config.data, secrets };
  });

export const createStreamDestinationOperation = defineOperation({
  permission: 'streams:manage',
  action: 'create',
  objectType: 'stream_destination',
  module: 'Streams',
  describe: 'add a stream destination',
  schema: createSchema,
  target: (raw) => ({ objectLabel: typeof raw.name === 'string' ? raw.name.slice(0, 80) : null }),
  async run(tx, input, ctx) {
    const spec = kindSpec(input.kind);
    const id = randomUUID();
    const generated = spec.generatedSecret ? { [spec.generatedSecret.name]: spec.generatedSecret.make() } : {};
    const secretSealed = sealSecret(JSON.stringify({ ...input.secrets, ...generated }), id);
    // New destinations start at the chain head: entries from now on (this one's own audit entry first). Replay reaches back.
    const cursor = (await getChainHead(tx, ctx.org.orgId))?.seq ?? 0;
    const row = await insertStreamDestination(tx, ctx.org.orgId, {
      id,
      kind: input.kind,
      name: input.name,
      config: input.config,
      secretSealed,
      filter: input.filter,
      format: input.format,
      cursor,
      createdBy: ctx.user.id,
    });
    const shown = spec.generatedSecret ? { label: spec.generatedSecret.label, value: Object.values(generated)[0]! } : null;
    return {
      // The generated secret leaves the server exactly once, in this response; audit entries never hold it.
      data: { id: row.id, name: row.name, secret: shown },
      audit: { objectId: row.id, objectLabel: row.name, message: `Added stream destination "${row.name}" (${spec.label})`, after: destinationSnapshot(row) },
    };
  },
});

export const setStreamPausedOperation = defineOperation({
  permission: 'streams:manage',
  action: 'update',
  objectType: 'stream_destination',
  module: 'Streams',
  describe: 'pause or resume a stream destination',
  schema: z.object({ destinationId, paused: z.enum(['true', 'false']).transform((v) => v === 'true') }),
  target: idTarget,
  async run(tx, input, ctx) {
    const before = await mustGet(tx, ctx.org.orgId, input.destinationId);
    const row = (await setStreamDestinationPaused(tx, ctx.org.orgId, input.destinationId, input.paused))!;
    return {
      data: { id: row.id, paused: row.paused },
      audit: {
        objectId: row.id,
        objectLabel: row.name,
        message: `${input.paused ? 'Paused' : 'Resumed'} stream destination "${row.name}" at #${row.cursor}`,
        before: destinationSnapshot(before),
        after: destinationSnapshot(row),
      },
    };
  },
});

export const replayStreamOperation = defineOperation({
  permission: 'streams:manage',
  action: 'update',
  objectType: 'stream_destination',
  module: 'Streams',
  describe: 'replay a stream destination',
  schema: z
    .object({
      destinationId,
      from: z.string().trim().min(1, { error: 'Give a sequence number (#120) or a time (2026-11-01T00:00:00Z).' }).max(60),
    })
    .transform((input, ctx) => {
      const seq = /^#?\d{1,15}$/.test(input.from) ? Number(input.from.replace('#', '')) : null;
      const at = seq === null ? new Date(input.from) : null;
      if (seq === null && (!/^\d{4}-\d{2}-\d{2}/.test(input.from) || Number.isNaN(at!.getTime()))) {
        ctx.addIssue({ code: 'custom', path: ['from'], message: 'Give a sequence number (#120) or an ISO time (2026-11-01T00:00:00Z).' });
        return z.NEVER;
      }
      return { destinationId: input.destinationId, seq, at };
    }),
  target: idTarget,
  async run(tx, input, ctx) {
    const orgId = ctx.org.orgId;
    const before = await mustGet(tx, orgId, input.destinationId);
    const first = await firstRetainedSeq(tx, orgId);
    const head = (await getChainHead(tx, orgId))?.seq ?? 0;
    let fromSeq: number;
    if (input.seq !== null) {
      fromSeq = Math.max(1, input.seq);
      if (first !== null && fromSeq < first)
        throw new DomainError(`Entries before #${first} were removed by retention; replay from #${first} or later.`, { from: [`Earliest kept: #${first}.`] });
      if (fromSeq > head + 1) throw new DomainError(`The chain ends at #${head}.`, { from: [`Latest: #${head}.`] });
    } else {
      fromSeq = (await firstSeqSince(tx, orgId, input.at!)) ?? head + 1;
    }
    const row = (await replayStreamDestination(tx, orgId, input.destinationId, fromSeq - 1))!;
    const what = input.seq !== null ? `#${fromSeq}` : `${input.at!.toISOString()} (#${fromSeq})`;
    return {
      data: { id: row.id, fromSeq },
      audit: {
        objectId: row.id,
        objectLabel: row.name,
        message: `Replaying stream destination "${row.name}" from ${what}`,
        before: destinationSnapshot(before),
        after: destinationSnapshot(row),
        metadata: { from_seq: fromSeq, ...(input.at ? { from_time: input.at.toISOString() } : {}) },
      },
    };
  },
});

export const deleteStreamDestinationOperation = defineOperation({
  permission: 'streams:manage',
  action: 'delete',
  objectType: 'stream_destination',
  module: 'Streams',
  describe: 'delete a stream destination',
  schema: z.object({ destinationId }),
  target: idTarget,
  async run(tx, input, ctx) {
    const row = await deleteStreamDestination(tx, ctx.org.orgId, input.destinationId);
    if (!row) throw new DomainError('That stream destination does not exist (it may have been deleted).');
    return {
      data: { id: row.id },
      audit: {
        objectId: row.id,
        objectLabel: row.name,
        message: `Deleted stream destination "${row.name}" (delivered through #${row.cursor})`,
        before: destinationSnapshot(row),
      },
    };
  },
});

/**
 * Records a test event's outcome. The send happens before (lib/streams/test-event.ts, outside any transaction:
 * a slow receiver must not hold one open); `outcome` is set by the server action, never by the form.
 */
export const recordStreamTestOperation = defineOperation({
  permission: 'streams:manage',
  action: 'test',
  objectType: 'stream_destination',
  module: 'Streams',
  describe: 'send a test event to a stream destination',
  schema: z.object({ destinationId, error: z.string().max(2000).nullable() }),
  target: idTarget,
  async run(tx, input, ctx) {
    const row = await mustGet(tx, ctx.org.orgId, input.destinationId);
    if (input.error !== null) throw new DomainError(`The test event was not delivered: ${input.error}`);
    return {
      data: { id: row.id },
      audit: { objectId: row.id, objectLabel: row.name, message: `Sent a test event to stream destination "${row.name}"` },
    };
  },
});
