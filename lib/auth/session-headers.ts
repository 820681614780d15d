/** Request headers the proxy sets for server components (kept free of server-only imports). */
export const REQUEST_URL_HEADER = 'x-request-url';
export const REQUEST_ID_HEADER = 'x-request-id';
