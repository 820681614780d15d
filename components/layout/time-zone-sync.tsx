'use client';

import { useEffect } from 'react';
import { useRouter } from 'next/navigation';

export const TZ_COOKIE = 'tz';

/** Tells the server the browser's time zone (a cookie), so server-rendered times are in the viewer's zone. */
export function TimeZoneSync({ serverZone }: { serverZone: string | null }) {
  const router = useRouter();
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || zone === serverZone) return;
    document.cookie = `${TZ_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
    router.refresh();
  }, [serverZone, router]);
  return null;
}
