import { parseArgs } from 'node:util';
import { openMigratedDatabase } from '@/lib/boot/migrate';
import { seedDemo } from '@/lib/seed/demo';
import { getSettings } from '@/lib/settings';

const { values } = parseArgs({ options: { events: { type: 'string', default: '5000' }, seed: { type: 'string' } } });
const events = Number(values.events);
if (!Number.isInteger(events) || events < 0) {
  console.error(`--events must be a non-negative integer (got "${values.events}")`);
  process.exit(2);
}
const settings = getSettings();
const handle = await openMigratedDatabase({ url: settings.databaseUrl, pgliteDir: settings.pgliteDir });
const started = Date.now();
const written = await seedDemo(handle.db, { events, seed: values.seed ? Number(values.seed) : Date.now() % 2 ** 31 });
const secs = (Date.now() - started) / 1000;
console.log(
  `seeded acme=${written.acme} globex=${written.globex} events in ${secs.toFixed(1)} s (${Math.round((written.acme + written.globex) / secs)} events/s)`,
);
await handle.close();
