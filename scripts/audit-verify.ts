import { parseArgs } from 'node:util';
import { asc, eq } from 'drizzle-orm';
import { organizations } from '@/db/schema';
import { openMigratedDatabase } from '@/lib/boot/migrate';
import { describeVerification, verifyChain } from '@/lib/chain/verify';
import { getSettings } from '@/lib/settings';

// npm run audit:verify [-- --org <slug>]: one line per organization; exit 1 if any chain is broken. Always the
// whole chain from the retention anchor (the API and the page continue from the last verified entry).
const { values } = parseArgs({ options: { org: { type: 'string' } } });
const settings = getSettings();
const handle = await openMigratedDatabase({ url: settings.databaseUrl, pgliteDir: settings.pgliteDir, bulkConnections: settings.bulkConnections });
let broken = 0;
try {
  const query = handle.db.select({ id: organizations.id, slug: organizations.slug }).from(organizations);
  const orgs = await (values.org ? query.where(eq(organizations.slug, values.org)) : query.orderBy(asc(organizations.slug)));
  if (values.org && orgs.length === 0) {
    console.error(`no organization with slug "${values.org}"`);
    process.exitCode = 2;
  }
  for (const org of orgs) {
    const result = await verifyChain(handle.db, org.id);
    if (!result.ok) broken += 1;
    console.log(`${org.slug}: ${describeVerification(result)}`);
  }
} finally {
  await handle.close();
}
if (broken > 0) process.exitCode = 1;
