import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { checkpointFilePath, publishCheckpoints, readCheckpointFile } from '@/lib/chain/checkpoint-file';
import { createCheckpoint } from '@/lib/chain/checkpoints';
import { parseCheckpointText } from '@/lib/chain/signed-note';
import { signingKeyFromPem } from '@/lib/chain/signing-key';
import { describeEachDatabase } from './databases';
import { createOrg, insertEvents } from './fixtures';

const key = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());

// The worker processes of one server (WEB_CONCURRENCY) share DATA_DIR, and their checkpoint timers fire together.
describeEachDatabase('checkpoint files: processes publishing at once', (ctx) => {
  it('appends each checkpoint once however many processes publish it at the same time', async () => {
    const org = await createOrg(ctx.db, 'cp-file-race');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-file-race-'));
    // On a server a second connection pool is a second process's; the embedded database has one process.
    const other = ctx.url ? await openDatabase({ url: ctx.url }) : ctx.handle;
    try {
      for (let round = 1; round <= 3; round += 1) {
        await insertEvents(ctx.db, org.id, 2);
        await createCheckpoint(ctx.db, org.id, key);
        const dbs = [ctx.db, other.db, ctx.db, other.db];
        const appended = await Promise.all(dbs.map((db) => publishCheckpoints(db, org.id, dataDir, key.publicKeyPem)));
        expect(appended.reduce((a, b) => a + b, 0)).toBe(1);
      }
      const sizes = readCheckpointFile(checkpointFilePath(dataDir, org.id)).map((n) => parseCheckpointText(n.note)?.size);
      expect(sizes).toEqual([2, 4, 6]);
    } finally {
      if (other !== ctx.handle) await other.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
