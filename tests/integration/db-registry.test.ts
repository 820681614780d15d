import { expect, it, vi } from 'vitest';
import { bulkDbOf, isEmbedded } from '@/db/client';
import { currentPriority, inBackground } from '@/db/work-priority';
import { describeEachDatabase } from './databases';

/*
 * The built app holds several copies of db/ modules (Next bundles them into separate chunks), and the database is
 * opened by one of them. What a copy learns about a handle (its long-work pool, whether it is the embedded
 * database) and the priority a caller marked must be visible to every copy. A fresh module instance stands in for
 * another chunk's copy here.
 */
describeEachDatabase('db registry across module copies', (ctx) => {
  it("another copy of db/client.ts finds the handle's long-work pool and kind", async () => {
    vi.resetModules();
    const copy = await import('@/db/client');
    expect(copy.bulkDbOf).not.toBe(bulkDbOf); // really another instance of the module
    expect(copy.bulkDbOf(ctx.db)).toBe(ctx.handle.bulk);
    expect(copy.isEmbedded(ctx.db)).toBe(ctx.handle.kind === 'pglite');
    expect(isEmbedded(ctx.db)).toBe(ctx.handle.kind === 'pglite');
  });

  it('another copy of db/work-priority.ts sees a background mark set through this one', async () => {
    vi.resetModules();
    const copy = await import('@/db/work-priority');
    expect(copy.currentPriority).not.toBe(currentPriority);
    expect(await inBackground(async () => copy.currentPriority())).toBe('background');
    expect(copy.currentPriority()).toBe('interactive');
  });
});
