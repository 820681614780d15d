import { migrateDatabase, openDatabase } from '@/db/client';
import { describeRetention, runRetention } from '@/lib/lifecycle/retention';
import { getSettings } from '@/lib/settings';

// npm run audit:retention: applies every organization's retention period once, one line per organization.
const settings = getSettings();
const handle = await openDatabase({ url: settings.databaseUrl, pgliteDir: settings.pgliteDir });
try {
  await migrateDatabase(handle);
  for (const r of await runRetention(handle.db)) console.log(describeRetention(r));
} finally {
  await handle.close();
}
