import { parseArgs } from 'node:util';
import { migrateDatabase, openDatabase } from '@/db/client';
import { seedDemo } from '@/db/seed/demo';
import { getSettings } from '@/lib/settings';

const { values } = parseArgs({ options: { events: { type: 'string', default: '5000' }, seed: { type: 'string' } } });
const events = Number(values.events);
if (!Number.isInteger(events) || events < 0) {
  console.error(`--events must be a non-negative integer (got "${values.events}")`);
  process.exit(2);
}
const settings = getSettings();
const handle = await openDatabase({ url: settings.databaseUrl, pgliteDir: settings.pgliteDir });
await migrateDatabase(handle);
const started = Date.now();
const written = await seedDemo(handle.db, { events, seed: values.seed ? Number(values.seed) : Date.now() % 2 ** 31 });
const secs = (Date.now() - started) / 1000;
console.log(`seeded acme=${written.acme} globex=${written.globex} events in ${secs.toFixed(1)} s (${Math.round((written.acme + written.globex) / secs)} events/s)`);
await handle.close();
