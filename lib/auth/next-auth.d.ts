import 'next-auth';
import 'next-auth/jwt';

declare module 'next-auth' {
  /** What authorize() returns: the account plus the id of the session row it started. */
  interface User {
    sessionId?: string;
  }
  interface Session {
    user: { id: string; email?: string | null; name?: string | null };
    /** The user_sessions row this cookie stands for; absent on cookies issued before sessions were revocable. */
    sessionId?: string;
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    /** The user_sessions row id; a token without one is treated as signed out. */
    sid?: string;
  }
}
