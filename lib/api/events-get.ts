import type { Db } from '@/db/client';
import { requestContextFrom } from '@/lib/recording/request-context';
import { authenticateApiKey } from '@/lib/auth/api-keys';
import { apiError, apiJson, internalError, unauthorized } from '@/lib/api/http';
import { listEventsForApiKey } from '@/lib/api/list-events';

/** GET /api/v1/events: one page of the API key's organization's events. Tenancy: the org comes from the key. */
export async function handleIngestGet(db: Db, req: Request): Promise<Response> {
  const request = requestContextFrom(req.headers);
  const id = request.requestId;
  try {
    const key = await authenticateApiKey(db, req.headers.get('authorization'));
    if (!key) return unauthorized(id);
    const result = await listEventsForApiKey(db, key, request, new URL(req.url).searchParams);
    if (!result.ok) {
      const params = result.issues.map((i) => i.param).join(', ');
      return apiError(
        400,
        'invalid_parameters',
        `Invalid query parameter(s): ${params}. See the errors for each; the parameters are those of the web viewer's URLs (size, after = next_cursor, range, from, to, action, type, actor, q, …).`,
        id,
        {
          errors: result.issues,
        },
      );
    }
    return apiJson(200, result.page, id);
  } catch (error) {
    return internalError(id, error);
  }
}
