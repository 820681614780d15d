import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { asc, eq } from 'drizzle-orm';
import { organizations } from '@/db/schema';
import { openMigratedDatabase } from '@/lib/boot/migrate';
import { checkpointFilePath, notesFromFile } from '@/lib/chain/checkpoint-file';
import { getSigningKey } from '@/lib/chain/signing-key';
import { checkCheckpoints, withCheckpoints } from '@/lib/chain/trust';
import { describeVerification, verifyChain } from '@/lib/chain/verify';
import { getSettings } from '@/lib/settings';

// npm run audit:verify [-- --org <slug>] [--public-key <pem>] [--checkpoints <file>]…: one line per organization;
// exit 1 if any is broken. Always the whole chain from the retention anchor, then every signed checkpoint (in the
// database, in DATA_DIR/checkpoints/<org>.log and in each --checkpoints file) is checked against it: its signature
// with the public key, its entry and hash, and the Merkle root of the entries up to it. Give --public-key (the PEM
// from GET /api/v1/integrity/checkpoints, kept outside this database) so the key is not taken from this machine.
const { values } = parseArgs({
  options: { org: { type: 'string' }, 'public-key': { type: 'string' }, checkpoints: { type: 'string', multiple: true } },
});
const settings = getSettings();
const publicKeyPem = values['public-key'] ? fs.readFileSync(values['public-key'], 'utf8') : getSigningKey().publicKeyPem;
if (!values['public-key']) console.warn("[audit] no --public-key given: checking checkpoints with this app's own signing key");
const handle = await openMigratedDatabase({ url: settings.databaseUrl, pgliteDir: settings.pgliteDir, bulkConnections: settings.bulkConnections });
let broken = 0;
try {
  const query = handle.db.select({ id: organizations.id, slug: organizations.slug }).from(organizations);
  const orgs = await (values.org ? query.where(eq(organizations.slug, values.org)) : query.orderBy(asc(organizations.slug)));
  if (values.org && orgs.length === 0) {
    console.error(`no organization with slug "${values.org}"`);
    process.exitCode = 2;
  }
  const given = (values.checkpoints ?? []).flatMap((file) => notesFromFile(file));
  for (const org of orgs) {
    const walked = await verifyChain(handle.db, org.id);
    const notes = [...notesFromFile(checkpointFilePath(settings.dataDir, org.id)), ...given];
    const result = withCheckpoints(walked, await checkCheckpoints(handle.db, org.id, { publicKeyPem, notes, foldRoots: true }));
    if (!result.ok) broken += 1;
    console.log(`${org.slug}: ${describeVerification(result)}`);
  }
} finally {
  await handle.close();
}
if (broken > 0) process.exitCode = 1;
