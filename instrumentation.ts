/** Server start (Node.js runtime only): lib/boot/start.ts opens the database and starts the timers. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startServer } = await import('@/lib/boot/start');
  await startServer();
}
