/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // PGlite loads its WASM and data files by URL at runtime; bundling it breaks that after `next build`.
  serverExternalPackages: ['@electric-sql/pglite'],
  experimental: {
    // forbidden() renders app/forbidden.tsx with a real 403 status.
    authInterrupts: true,
  },
};

export default nextConfig;
