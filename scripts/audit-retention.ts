import { openMigratedDatabase } from '@/lib/boot/migrate';
import { describeRetention, runRetention } from '@/lib/lifecycle/retention';
import { getSettings } from '@/lib/settings';

// npm run audit:retention: applies every organization's retention period once, one line per organization.
const settings = getSettings();
const handle = await openMigratedDatabase({ url: settings.databaseUrl, pgliteDir: settings.pgliteDir });
try {
  for (const r of await runRetention(handle.db)) console.log(describeRetention(r));
} finally {
  await handle.close();
}
