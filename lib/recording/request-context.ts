import { getSettings } from '@/lib/settings';
import { uuidv7 } from '@/lib/ids';
import { REQUEST_ID_HEADER } from '@/lib/auth/session-headers';
import { resolveClientIp } from '@/lib/recording/client-ip';

/** Where a request came from, as recorded on every audit entry it causes. */
export type RequestContext = { ip: string | null; userAgent: string | null; requestId: string };

export function requestContextFrom(headers: Headers): RequestContext {
  return {
    ip: resolveClientIp(headers, getSettings().trustedProxyHops),
    userAgent: headers.get('user-agent')?.slice(0, 512) ?? null,
    requestId: headers.get(REQUEST_ID_HEADER) ?? uuidv7(),
  };
}
