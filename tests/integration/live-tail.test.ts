import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DbOrTx } from '@/db/client';
import { getChainHead } from '@/db/queries/chain-head';
import { openLiveFeed } from '@/lib/live/feed';
import { handleLiveRequest } from '@/lib/live/handle-live';
import { createLiveHub, type LiveHub } from '@/lib/live/hub';
import { streamStillAllowed } from '@/lib/live/still-allowed';
import { createStreamSlots } from '@/lib/live/stream-limits';
import { endUserSession, startUserSession } from '@/lib/auth/user-sessions';
import { recordAuditEvent, recordAuditEvents, type AuditEntry } from '@/lib/recording/record';
import { NO_FILTERS } from '@/db/queries/audit-events';
import { sql } from 'drizzle-orm';
import { openDatabase } from '@/db/client';
import { rowsOf as resultRows } from '@/db/rows';
import { describeEachDatabase, describeOnServer } from './databases';
import { addMember, createOrg, createUser } from './fixtures';

type Message = { event: string; id?: string; data?: unknown };

/** Reads a Server-Sent Events body into `messages` as it arrives. */
function collect(response: Response): { messages: Message[]; done: Promise<void> } {
  const messages: Message[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const done = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (block.startsWith(':')) continue;
        const msg: Message = { event: 'message' };
        for (const line of block.split('\n')) {
          const [field, ...rest] = line.split(': ');
          const value = rest.join(': ');
          if (field === 'event') msg.event = value;
          if (field === 'id') msg.id = value;
          if (field === 'data') msg.data = JSON.parse(value);
        }
        messages.push(msg);
      }
    }
  })();
  return { messages, done };
}

const rowsOf = (messages: Message[]) => messages.filter((m) => m.event === 'rows').flatMap((m) => m.data as { message: string; seq: number }[]);

function entry(orgId: string, message: string, extra: Partial<AuditEntry> = {}): AuditEntry {
  return { orgId, actor: { type: 'user', id: 'u1', label: 'live@example.com' }, source: 'api', action: 'update', objectType: 'flow', message, ...extra };
}

const head = async (db: DbOrTx, orgId: string) => (await getChainHead(db, orgId))?.seq ?? 0;

describeEachDatabase('live tail: notifications fanned out by organization, read with the view’s filters', (ctx) => {
  let hub: LiveHub;
  let a: { id: string };
  let b: { id: string };
  beforeAll(async () => {
    hub = createLiveHub(ctx.handle);
    a = await createOrg(ctx.db, 'live-a');
    b = await createOrg(ctx.db, 'live-b');
    await recordAuditEvent(ctx.db, entry(a.id, 'a before'));
    await recordAuditEvent(ctx.db, entry(b.id, 'b before'));
  });
  afterAll(async () => {
    await hub.close();
  });

  const open = (orgId: string, query: string, since: number | null, deps: Partial<Parameters<typeof handleLiveRequest>[2]> = {}) => {
    const controller = new AbortController();
    const url = `http://localhost/api/audit/live?${query}${since === null ? '' : `&since=${since}`}`;
    const response = handleLiveRequest(
      new Request(url, { signal: controller.signal }),
      { userId: 'u-viewer', sessionId: 's', orgId, zone: 'UTC' },
      { db: ctx.db, hub, slots: createStreamSlots(), stillAllowed: async () => true, debounceMs: 10, ...deps },
    );
    return { response, ...collect(response), abort: () => controller.abort() };
  };

  it('a subscriber of organization A gets A’s new entry and never B’s', async () => {
    const stream = open(a.id, '', await head(ctx.db, a.id));
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await vi.waitFor(() => expect(stream.messages.some((m) => m.event === 'ready')).toBe(true));
    await vi.waitFor(() => expect(hub.size()).toBe(1));

    await recordAuditEvent(ctx.db, entry(b.id, 'b secret'));
    await recordAuditEvent(ctx.db, entry(a.id, 'a live 1'));
    await vi.waitFor(() => expect(rowsOf(stream.messages).map((r) => r.message)).toEqual(['a live 1']));
    await recordAuditEvent(ctx.db, entry(b.id, 'b secret 2'));
    await recordAuditEvent(ctx.db, entry(a.id, 'a live 2'));
    await vi.waitFor(() => expect(rowsOf(stream.messages).map((r) => r.message)).toEqual(['a live 1', 'a live 2']));
    // The position the browser resumes from is A's head.
    expect(Number(stream.messages.at(-1)!.id)).toBe(await head(ctx.db, a.id));
    expect(JSON.stringify(stream.messages)).not.toContain('b secret');
    stream.abort();
    await stream.done;
    expect(hub.size()).toBe(0);
  });

  it('stops reading when the browser goes away (the response body is cancelled)', async () => {
    const response = handleLiveRequest(
      new Request('http://localhost/api/audit/live?since=0'),
      { userId: 'u', sessionId: 's', orgId: a.id, zone: 'UTC' },
      { db: ctx.db, hub, slots: createStreamSlots(), stillAllowed: async () => true, debounceMs: 10 },
    );
    const reader = response.body!.getReader();
    await reader.read(); // the `ready` message: the feed is being opened
    await vi.waitFor(() => expect(hub.size()).toBe(1));
    await reader.cancel();
    expect(hub.size()).toBe(0);
  });

  it('applies the view’s filters exactly as the page does (facets, exclusions, free text)', async () => {
    const stream = open(a.id, 'action=delete&not.result=failure&text=invoice', await head(ctx.db, a.id));
    await vi.waitFor(() => expect(hub.size()).toBe(1));
    await recordAuditEvent(ctx.db, entry(a.id, 'invoice updated'));
    await recordAuditEvent(ctx.db, entry(a.id, 'invoice delete failed', { action: 'delete', result: 'failure' }));
    await recordAuditEvent(ctx.db, entry(a.id, 'flow deleted', { action: 'delete' }));
    await recordAuditEvent(ctx.db, entry(a.id, 'Invoice 7 deleted', { action: 'DELETE' }));
    await vi.waitFor(() => expect(rowsOf(stream.messages).map((r) => r.message)).toEqual(['Invoice 7 deleted']));
    stream.abort();
    await stream.done;
  });

  it('catches up from `since` (entries recorded between the page read and the connection), or a reconnect’s Last-Event-ID', async () => {
    const since = await head(ctx.db, a.id);
    await recordAuditEvent(ctx.db, entry(a.id, 'while connecting'));
    const stream = open(a.id, 'text=connecting', since);
    await vi.waitFor(() => expect(rowsOf(stream.messages).map((r) => r.message)).toEqual(['while connecting']));
    stream.abort();
    await stream.done;

    const controller = new AbortController();
    const resumed = collect(
      handleLiveRequest(
        new Request(`http://localhost/api/audit/live?text=connecting&since=0`, { signal: controller.signal, headers: { 'Last-Event-ID': String(since + 1) } }),
        { userId: 'u', sessionId: 's', orgId: a.id, zone: 'UTC' },
        { db: ctx.db, hub, slots: createStreamSlots(), stillAllowed: async () => true, debounceMs: 10 },
      ),
    );
    await recordAuditEvent(ctx.db, entry(a.id, 'connecting again'));
    await vi.waitFor(() => expect(rowsOf(resumed.messages).map((r) => r.message)).toEqual(['connecting again']));
    controller.abort();
    await resumed.done;
  });

  it('sends nothing for a rolled-back append', async () => {
    const stream = open(a.id, 'text=rollback', await head(ctx.db, a.id));
    await vi.waitFor(() => expect(hub.size()).toBe(1));
    await expect(
      ctx.db.transaction(async (tx) => {
        await recordAuditEvent(tx, entry(a.id, 'rollback me'));
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    await recordAuditEvent(ctx.db, entry(a.id, 'rollback survivor'));
    await vi.waitFor(() => expect(rowsOf(stream.messages).map((r) => r.message)).toEqual(['rollback survivor']));
    stream.abort();
    await stream.done;
  });

  it('notifications arriving together share one read, and too many entries at once say "reload" instead', async () => {
    // A hub whose notifications the test delivers itself, all within one turn of the event loop.
    let notify: (seq: number | null) => void = () => {};
    const manual: LiveHub = {
      subscribe: async (_org, listener) => {
        notify = listener;
        return () => {};
      },
      size: () => 0,
      close: async () => {},
    };
    const since = await head(ctx.db, a.id);
    const heads: number[] = [];
    for (const i of [1, 2, 3]) {
      await recordAuditEvent(ctx.db, entry(a.id, `burst ${i}`));
      heads.push(await head(ctx.db, a.id));
    }
    const reads: string[][] = [];
    let overflowed = 0;
    const feed = await openLiveFeed({
      db: ctx.db,
      hub: manual,
      orgId: a.id,
      filters: () => ({ ...NO_FILTERS, from: null, to: null }),
      since,
      onRows: (rows) => reads.push(rows.map((r) => r.message)),
      onOverflow: () => (overflowed += 1),
      onError: (e) => {
        throw e;
      },
      debounceMs: 20,
      limit: 5,
    });
    try {
      for (const seq of heads) notify(seq);
      await vi.waitFor(() => expect(reads).toEqual([['burst 1', 'burst 2', 'burst 3']]));
      // Six in one transaction against a limit of five: no rows, one "reload".
      await recordAuditEvents(
        ctx.db,
        [0, 1, 2, 3, 4, 5].map((i) => entry(a.id, `flood ${i}`)),
      );
      notify(await head(ctx.db, a.id));
      await vi.waitFor(() => expect(overflowed).toBe(1));
      expect(reads).toHaveLength(1);
    } finally {
      feed.close();
    }
  });

  it('a missed notification is made up for by the hub’s periodic head check', async () => {
    // A listening connection that hears nothing (as if notifications were lost while it reconnected).
    const deaf = createLiveHub({ listen: async () => async () => {} }, { db: ctx.db, reconcileMs: 50 });
    const seen: string[] = [];
    const feed = await openLiveFeed({
      db: ctx.db,
      hub: deaf,
      orgId: a.id,
      filters: () => ({ ...NO_FILTERS, from: null, to: null }),
      since: await head(ctx.db, a.id),
      onRows: (rows) => seen.push(...rows.map((r) => r.message)),
      onOverflow: () => {},
      onError: (e) => {
        throw e;
      },
      debounceMs: 10,
    });
    try {
      await recordAuditEvent(ctx.db, entry(a.id, 'heard without a notification'));
      await vi.waitFor(() => expect(seen).toEqual(['heard without a notification']));
    } finally {
      feed.close();
      await deaf.close();
    }
  });

  it('ends the stream at the next heartbeat once the session is revoked', async () => {
    const user = await createUser(ctx.db, 'live-viewer@example.com');
    await addMember(ctx.db, a.id, user.id, 'auditor');
    const sessionId = await startUserSession(ctx.db, user.id, { ip: null, userAgent: null, requestId: 'r' });
    const who = { userId: user.id, sessionId, orgId: a.id };
    expect(await streamStillAllowed(ctx.db, who)).toBe(true);
    expect(await streamStillAllowed(ctx.db, { ...who, orgId: b.id })).toBe(false);
    const stream = open(a.id, '', await head(ctx.db, a.id), { stillAllowed: () => streamStillAllowed(ctx.db, who), heartbeatMs: 50 });
    await vi.waitFor(() => expect(hub.size()).toBe(1));
    await endUserSession(ctx.db, user.id, sessionId);
    await stream.done;
    expect(stream.messages.at(-1)).toEqual({ event: 'end', data: { reason: 'signed_out' } });
    expect(hub.size()).toBe(0);
  });

  it('keeps each person’s newest streams: a fourth ends their oldest', async () => {
    const slots = createStreamSlots(3, 100);
    const since = await head(ctx.db, a.id);
    const streams = [0, 1, 2, 3].map(() => open(a.id, '', since, { slots }));
    await streams[0]!.done;
    expect(streams[0]!.messages.at(-1)).toEqual({ event: 'end', data: { reason: 'replaced' } });
    expect(slots.count('u-viewer')).toBe(3);
    for (const s of streams.slice(1)) s.abort();
    await Promise.all(streams.map((s) => s.done));
    expect(slots.count()).toBe(0);
  });

  it('refuses bad parameters with the API error shape', async () => {
    const refused = handleLiveRequest(
      new Request('http://localhost/api/audit/live?ip=not-an-ip&since=1'),
      { userId: 'u', sessionId: 's', orgId: a.id, zone: 'UTC' },
      { db: ctx.db, hub, slots: createStreamSlots(), stillAllowed: async () => true },
    );
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_parameters', errors: [expect.objectContaining({ param: 'ip' })] });
    const bad = open(a.id, '', null);
    bad.abort();
    expect(bad.response.status).toBe(200);
    await bad.done;
  });
});

describeOnServer('live tail across app instances on one PostgreSQL server', (ctx) => {
  it('a second instance (its own pool and LISTEN connection) hears the appends the first one makes', async () => {
    const name = resultRows<{ name: string }>(await ctx.db.execute(sql`select current_database() as name`))[0]!.name;
    const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    url.pathname = `/${name}`;
    const other = await openDatabase({ url: url.toString() });
    const hub = createLiveHub(other);
    try {
      const org = await createOrg(ctx.db, 'live-instances');
      const seen: string[] = [];
      const feed = await openLiveFeed({
        db: other.db,
        hub,
        orgId: org.id,
        filters: () => ({ ...NO_FILTERS, from: null, to: null }),
        since: 0,
        onRows: (rows) => seen.push(...rows.map((r) => r.message)),
        onOverflow: () => {},
        onError: (e) => {
          throw e;
        },
        debounceMs: 10,
      });
      await recordAuditEvent(ctx.db, entry(org.id, 'written by instance one'));
      await vi.waitFor(() => expect(seen).toEqual(['written by instance one']));
      feed.close();
    } finally {
      await hub.close();
      await other.close();
    }
  });
});

describe('live tail payloads', () => {
  it('carry only an organization id and a seq', async () => {
    const { parseAuditAppended } = await import('@/db/queries/audit-notify');
    expect(parseAuditAppended('0193a0c1-0000-7000-8000-000000000001:42')).toEqual({ orgId: '0193a0c1-0000-7000-8000-000000000001', seq: 42 });
    expect(parseAuditAppended('{"orgId":"x"}')).toBeNull();
  });
});
