/** Server start: open and migrate the database, seed the demo organizations on a first start, start chain checkpoints and retention. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { prepareDatabase } = await import('./db/prepare');
  await prepareDatabase();
  const [{ getDb }, { getSettings }, { startCheckpointSchedule }, { startRetentionSchedule }] = await Promise.all([
    import('./db'),
    import('./lib/settings'),
    import('@/lib/lifecycle/checkpoint-schedule'),
    import('@/lib/lifecycle/retention-schedule'),
  ]);
  startCheckpointSchedule(getDb, getSettings().checkpointMinutes);
  startRetentionSchedule(getDb, getSettings().retentionHours);
}
