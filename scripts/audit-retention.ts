import { openMigratedDatabase } from '@/lib/boot/migrate';
import { forgetEndedAccessState } from '@/lib/lifecycle/housekeeping';
import { describeRetention, runRetention } from '@/lib/lifecycle/retention';
import { getSettings } from '@/lib/settings';

// npm run audit:retention: applies every organization's retention period once (scheduled changes that are due take
// effect), one line per organization; then forgets expired rate-limit windows and ended sessions, as the daily run does.
const settings = getSettings();
const handle = await openMigratedDatabase({ url: settings.databaseUrl, pgliteDir: settings.pgliteDir });
try {
  for (const r of await runRetention(handle.db)) console.log(describeRetention(r));
  await forgetEndedAccessState(handle.db);
} finally {
  await handle.close();
}
