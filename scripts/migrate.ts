import { migrateDatabase, openDatabase } from '@/db/client';
import { getSettings } from '@/lib/settings';

const settings = getSettings();
const handle = await openDatabase({ url: settings.databaseUrl, pgliteDir: settings.pgliteDir });
await migrateDatabase(handle);
console.log(`migrated ${handle.kind === 'pglite' ? settings.pgliteDir : 'DATABASE_URL'}`);
await handle.close();
