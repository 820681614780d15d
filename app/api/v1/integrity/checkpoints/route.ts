import { getDb } from '@/lib/boot/app-db';
import { handleCheckpointsGet } from '@/lib/api/integrity';

// Signed chain heads for anchoring elsewhere: a thin wrapper so the handler can be tested against any database.
export async function GET(req: Request): Promise<Response> {
  return handleCheckpointsGet(await getDb(), req);
}
