import { openMigratedDatabase } from '@/lib/boot/migrate';
import { getSettings } from '@/lib/settings';

const settings = getSettings();
const handle = await openMigratedDatabase({ url: settings.databaseUrl, pgliteDir: settings.pgliteDir });
console.log(`migrated ${handle.kind === 'pglite' ? settings.pgliteDir : 'DATABASE_URL'}`);
await handle.close();
