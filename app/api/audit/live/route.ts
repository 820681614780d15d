import { getDb } from '@/lib/boot/app-db';
import { getSessionContext } from '@/lib/auth/session';
import { getBrowserTimeZone } from '@/lib/format/viewer-time-zone';
import { getLiveHub, getStreamSlots } from '@/lib/live/app-live';
import { authorizeLive } from '@/lib/live/authorize-live';
import { handleLiveRequest } from '@/lib/live/handle-live';
import { streamStillAllowed } from '@/lib/live/still-allowed';
import { requestContextFrom } from '@/lib/recording/request-context';

export const dynamic = 'force-dynamic';

/**
 * GET /api/audit/live?<the view's params>&since=<seq>: the viewer's live tail as Server-Sent Events. The session
 * (live row, role) is checked here and again at every heartbeat; the organization comes from the session only.
 */
export async function GET(request: Request): Promise<Response> {
  const auth = authorizeLive(await getSessionContext(), requestContextFrom(request.headers).requestId);
  if (!auth.ok) return auth.response;
  const { ctx, org } = auth;
  const db = await getDb();
  const who = { userId: ctx.user.id, sessionId: ctx.sessionId, orgId: org.orgId };
  return handleLiveRequest(
    request,
    { ...who, zone: (await getBrowserTimeZone()) ?? org.timeZone },
    { db, hub: await getLiveHub(), slots: getStreamSlots(), stillAllowed: () => streamStillAllowed(db, who) },
  );
}
