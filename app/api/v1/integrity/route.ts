import { getDb } from '@/lib/boot/app-db';
import { handleIntegrityGet } from '@/lib/api/integrity';

// Chain verification for API clients: a thin wrapper so the handler can be tested against any database.
export async function GET(req: Request): Promise<Response> {
  return handleIntegrityGet(await getDb(), req);
}
