/** How long a sign-in lasts at most; the cookie and its session row expire together. Shared by the proxy (no database). */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;
