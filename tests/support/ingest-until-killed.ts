/**
 * Child process of tests/integration/ingest-kill.test.ts: posts batches through the ingest route's function from
 * 4 concurrent senders, forever, and prints `ACK <id> <id> …` for every batch answered 201, as soon as it is
 * answered (stdout to a pipe is synchronous on Linux). The test kills it with SIGKILL.
 *   node --import tsx tests/support/ingest-until-killed.ts '{"url":"postgres://…"|"pgliteDir":"/tmp/…","key":"ak_…"}'
 */
import { openDatabase } from '@/db/client';
import { handleIngestPost } from '@/lib/ingest/handle-post';

const args = JSON.parse(process.argv[2]!) as { url?: string; pgliteDir?: string; key: string };
const handle = await openDatabase({ url: args.url, pgliteDir: args.pgliteDir });
let batch = 0;

async function sender(): Promise<never> {
  for (;;) {
    const b = batch++;
    const body = Array.from({ length: 20 }, (_, i) => ({ action: 'create', object: { type: 'kill-test', id: `b${b}_${i}` } }));
    const res = await handleIngestPost(
      handle.db,
      new Request('http://localhost/api/v1/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${args.key}` },
        body: JSON.stringify(body),
      }),
    );
    if (res.status !== 201) {
      process.stdout.write(`ERROR ${res.status} ${await res.text()}\n`);
      continue;
    }
    const { data } = (await res.json()) as { data: { id: string }[] };
    process.stdout.write(`ACK ${data.map((d) => d.id).join(' ')}\n`);
  }
}

process.stdout.write('READY\n');
await Promise.all([sender(), sender(), sender(), sender()]);
