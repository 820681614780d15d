/**
 * The embedded database's ingest rate as it grows (issue 17): demo events written through the product's write path
 * (recordAuditEvents, groups of 500 as the seeder writes them) into one in-memory PGlite, the rate printed per chunk.
 *
 *   npx tsx bench/embedded-ingest.ts [--events 100000] [--chunk 10000] [--profile 1,8] [--dir memory://]
 *
 * `--dir` stores the database in a directory instead of memory (removed first). `--profile 1,8` writes a CPU profile of chunks 1 and 8 (bench/out/embedded-chunk-N.cpuprofile).
 */
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { organizations } from '@/db/schema';
import { openMigratedDatabase } from '@/lib/boot/migrate';
import { recordAuditEvents, type AuditEntry } from '@/lib/recording/record';
import { demoEntries } from '@/lib/seed/demo';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    chunk: { type: 'string', default: '10000' },
    profile: { type: 'string', default: '' },
    dir: { type: 'string', default: 'memory://' },
  },
});

async function main() {
  const events = Number(args.events);
  const chunk = Number(args.chunk);
  const profiled = new Set(args.profile ? args.profile.split(',').map(Number) : []);
  if (!args.dir.startsWith('memory://')) fs.rmSync(args.dir, { recursive: true, force: true });
  const handle = await openMigratedDatabase({ pgliteDir: args.dir });
  const session = new inspector.Session();
  session.connect();
  if (profiled.size) await session.post('Profiler.enable');
  try {
    const [org] = await handle.db.insert(organizations).values({ slug: 'acme', name: 'Acme Corp', retentionDays: 3650 }).returning();
    const people = Array.from({ length: 40 }, (_, i) => ({ email: `user${i + 1}@acme.test`, id: null, role: 'admin' as const }));
    const source = demoEntries({ orgId: org!.id, slug: 'acme', people, count: events, days: 730, seed: 2026 });
    let written = 0;
    for (let n = 1; written < events; n++) {
      const entries: AuditEntry[] = [];
      for (let i = 0; i < chunk; i++) {
        const next = source.next();
        if (next.done) break;
        entries.push(next.value);
      }
      if (!entries.length) break;
      if (profiled.has(n)) await session.post('Profiler.start');
      const started = performance.now();
      for (let i = 0; i < entries.length; i += 500) await recordAuditEvents(handle.db, entries.slice(i, i + 500));
      const ms = performance.now() - started;
      if (profiled.has(n)) {
        const { profile } = await session.post('Profiler.stop');
        fs.mkdirSync('bench/out', { recursive: true });
        fs.writeFileSync(`bench/out/embedded-chunk-${n}.cpuprofile`, JSON.stringify(profile));
      }
      written += entries.length;
      const rss = Math.round(process.memoryUsage().rss / 2 ** 20);
      console.log(
        `chunk ${n}: ${written.toLocaleString('en-US')} events, ${Math.round(entries.length / (ms / 1000))} events/s, rss ${rss} MB, load ${os.loadavg()[0]!.toFixed(1)}`,
      );
    }
  } finally {
    session.disconnect();
    await handle.close();
  }
}

void main();
