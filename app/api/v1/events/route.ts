import { getDb } from '@/lib/boot/app-db';
import { handleIngestGet } from '@/lib/api/events-get';
import { handleIngestPost } from '@/lib/ingest/handle-post';

// The ingest API: thin wrappers so the handlers can be tested against any database.
export async function POST(req: Request): Promise<Response> {
  return handleIngestPost(await getDb(), req);
}

export async function GET(req: Request): Promise<Response> {
  return handleIngestGet(await getDb(), req);
}
