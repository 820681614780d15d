import { describe, expect, it } from 'vitest';
import { ConnectionScheduler } from '@/db/connection-scheduler';
import type { WorkPriority } from '@/db/work-priority';

/** A unit that stays in flight until release() is called; `log` gets its name when it starts. */
function gated(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return {
    work: async () => {
      log.push(name);
      await done;
      return name;
    },
    release,
  };
}

const instant = (log: string[], name: string) => async () => {
  log.push(name);
  return name;
};

/** Queues `names` (i… interactive, b… background write, x… bulk read) on `scheduler` behind a gated unit, releases it, waits for all. */
async function runBehindGate(scheduler: ConnectionScheduler, names: string[]): Promise<string[]> {
  const log: string[] = [];
  const gate = gated(log, 'gate');
  const all = [scheduler.run('background', gate.work)];
  await new Promise((r) => setImmediate(r)); // the gate is in flight
  for (const name of names) {
    const priority: WorkPriority = name.startsWith('i') ? 'interactive' : name.startsWith('x') ? 'bulk' : 'background';
    all.push(scheduler.run(priority, instant(log, name)));
  }
  gate.release();
  await Promise.all(all);
  return log;
}

describe('the embedded connection scheduler', () => {
  it('runs a waiting interactive unit before every waiting background unit: it waits behind only the unit in flight', async () => {
    const order = await runBehindGate(new ConnectionScheduler({ backgroundShare: 1 }), ['b1', 'b2', 'b3', 'i1', 'b4', 'i2']);
    expect(order).toEqual(['gate', 'i1', 'i2', 'b1', 'b2', 'b3', 'b4']);
  });

  it('keeps arrival order within each priority', async () => {
    const order = await runBehindGate(new ConnectionScheduler({ backgroundShare: 1 }), ['i1', 'b1', 'i2', 'b2', 'i3', 'b3']);
    expect(order.filter((n) => n.startsWith('i'))).toEqual(['i1', 'i2', 'i3']);
    expect(order.filter((n) => n.startsWith('b'))).toEqual(['b1', 'b2', 'b3']);
  });

  it('never starves background work: after `burst` interactive units ahead of it, the oldest background unit goes', async () => {
    const order = await runBehindGate(new ConnectionScheduler({ burst: 2, backgroundShare: 1 }), ['b1', 'b2', 'i1', 'i2', 'i3', 'i4', 'i5']);
    expect(order).toEqual(['gate', 'i1', 'i2', 'b1', 'i3', 'i4', 'b2', 'i5']);
  });

  it('runs waiting writes (ingest) before waiting bulk reads (export batches), and pages before both', async () => {
    const order = await runBehindGate(new ConnectionScheduler({ backgroundShare: 1 }), ['x1', 'x2', 'b1', 'i1', 'b2', 'x3', 'i2']);
    expect(order).toEqual(['gate', 'i1', 'i2', 'b1', 'b2', 'x1', 'x2', 'x3']);
  });

  it('never starves bulk reads: after `writeBurst` writes ahead of one, the oldest bulk read goes', async () => {
    const order = await runBehindGate(new ConnectionScheduler({ writeBurst: 2, backgroundShare: 1 }), ['x1', 'x2', 'b1', 'b2', 'b3', 'b4', 'b5']);
    expect(order).toEqual(['gate', 'b1', 'b2', 'x1', 'b3', 'b4', 'x2', 'b5']);
  });

  it('counts bulk reads as background for the page burst: after `burst` page reads ahead of them, one goes', async () => {
    const order = await runBehindGate(new ConnectionScheduler({ burst: 2, backgroundShare: 1 }), ['x1', 'i1', 'i2', 'i3', 'i4']);
    expect(order).toEqual(['gate', 'i1', 'i2', 'x1', 'i3', 'i4']);
  });

  it('holds bulk reads back after a unit while pages are served, like writes', async () => {
    let clock = 0;
    const scheduler = new ConnectionScheduler({ backgroundShare: 1 / 3, now: () => clock });
    const log: string[] = [];
    const gate = gated(log, 'export batch 1');
    const all = [scheduler.run('bulk', gate.work), scheduler.run('bulk', instant(log, 'export batch 2'))];
    await new Promise((r) => setImmediate(r));
    all.push(scheduler.run('interactive', instant(log, 'page read 1')));
    clock = 10;
    gate.release();
    await all[2];
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    all.push(scheduler.run('interactive', instant(log, 'page read 2')));
    clock = 31;
    await Promise.all(all);
    expect(log).toEqual(['export batch 1', 'page read 1', 'page read 2', 'export batch 2']);
  });

  it('runs one unit at a time', async () => {
    const scheduler = new ConnectionScheduler({ backgroundShare: 1 });
    let inFlight = 0;
    let most = 0;
    const unit = async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setImmediate(r));
      await Promise.resolve();
      inFlight--;
    };
    const kinds: WorkPriority[] = ['interactive', 'background', 'bulk'];
    await Promise.all(Array.from({ length: 30 }, (_, i) => scheduler.run(kinds[i % 3]!, unit)));
    expect(most).toBe(1);
  });

  it("lets a caller's next statement go before waiting background work when the previous one finishes", async () => {
    const scheduler = new ConnectionScheduler({ backgroundShare: 1 });
    const log: string[] = [];
    const gate = gated(log, 'gate');
    const first = scheduler.run('background', gate.work);
    await new Promise((r) => setImmediate(r));
    // A page's three statements, one after the other, against two background units already waiting.
    const page = (async () => {
      await scheduler.run('interactive', instant(log, 'page 1'));
      await scheduler.run('interactive', instant(log, 'page 2'));
      await scheduler.run('interactive', instant(log, 'page 3'));
    })();
    const background = [scheduler.run('background', instant(log, 'b1')), scheduler.run('background', instant(log, 'b2'))];
    gate.release();
    await Promise.all([first, page, ...background]);
    expect(log).toEqual(['gate', 'page 1', 'page 2', 'page 3', 'b1', 'b2']);
  });

  it('holds background work back after a unit while pages are served, so a page read arriving meanwhile goes first', async () => {
    // With a share of 1/3, a background unit of 10 ms holds the next one for 20 ms if a page read came lately.
    const order = async (backgroundShare: number) => {
      let clock = 0;
      const scheduler = new ConnectionScheduler({ backgroundShare, now: () => clock });
      const log: string[] = [];
      const gate = gated(log, 'background 1');
      const all = [scheduler.run('background', gate.work), scheduler.run('background', instant(log, 'background 2'))];
      await new Promise((r) => setImmediate(r));
      all.push(scheduler.run('interactive', instant(log, 'page read 1')));
      clock = 10;
      gate.release();
      await all[2];
      // A second page read, a few turns of the event loop after the first was answered (the scheduler has looked).
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
      all.push(scheduler.run('interactive', instant(log, 'page read 2')));
      clock = 31; // the hold is over
      await Promise.all(all);
      return log;
    };
    expect(await order(1 / 3)).toEqual(['background 1', 'page read 1', 'page read 2', 'background 2']);
    // Without the hold, background 2 runs as soon as no page read waits.
    expect(await order(1)).toEqual(['background 1', 'page read 1', 'background 2', 'page read 2']);
  });

  it('passes on results and failures, and goes on with the next unit after a failure', async () => {
    const scheduler = new ConnectionScheduler();
    const failing = scheduler.run('background', async () => {
      throw new Error('refused');
    });
    const throwing = scheduler.run('interactive', () => {
      throw new Error('thrown before a promise');
    });
    const next = scheduler.run('interactive', async () => 42);
    await Promise.all([
      expect(failing).rejects.toThrow('refused'),
      expect(throwing).rejects.toThrow('thrown before a promise'),
      expect(next).resolves.toBe(42),
    ]);
    expect(scheduler.waiting()).toEqual({ interactive: 0, background: 0, bulk: 0 });
  });
});
