/**
 * npm run stream:deliver: the log-stream delivery loop in a process of its own (e.g. beside web instances started
 * with STREAM_DELIVERY=false). Same settings as the server's loop; several may run against one database (leases).
 * SIGTERM/SIGINT stop it cleanly (leases handed back); a killed one is taken over when its leases expire.
 */
import { openMigratedDatabase } from '@/lib/boot/migrate';
import { getSettings } from '@/lib/settings';
import { createStreamLoop, streamLoopOptionsFromSettings } from '@/lib/streams/delivery-loop';

const settings = getSettings();
const handle = await openMigratedDatabase({ url: settings.databaseUrl, pgliteDir: settings.pgliteDir, bulkConnections: settings.bulkConnections });
const loop = createStreamLoop(async () => handle.db, {
  ...streamLoopOptionsFromSettings(),
  onClaimDone: (dest, outcome) => {
    if (outcome.batches > 0 || outcome.result === 'failed')
      console.log(`[streams] ${dest.id}: ${outcome.result}, ${outcome.delivered} event(s) in ${outcome.batches} batch(es)`);
  },
});
console.log(`[streams] delivering as ${loop.owner}`);
const keepAlive = setInterval(() => {}, 60_000);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, async () => {
    clearInterval(keepAlive);
    await loop.stop();
    await handle.close();
    process.exit(0);
  });
}
