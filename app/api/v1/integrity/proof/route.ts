import { getDb } from '@/lib/boot/app-db';
import { handleProofGet } from '@/lib/api/integrity-proof';

// Inclusion and consistency proofs against signed checkpoints: a thin wrapper so the handler can be tested on any database.
export async function GET(req: Request): Promise<Response> {
  return handleProofGet(await getDb(), req);
}
