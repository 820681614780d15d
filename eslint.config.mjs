import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

// db/ is the ground floor: it may use drizzle, its own files and db/vocabulary, never the layers built on it.
const upperFloors = {
  group: ['@/lib', '@/lib/*', '@/app', '@/app/*', '@/components', '@/components/*'],
  message: 'db/ is the ground floor: it must not import lib/, app/ or components/.',
};
/** The same rule for relative paths: from a file `depth` folders below db/, `depth + 1` steps up leave db/. */
const groundFloor = (depth) => ({
  'no-restricted-imports': [
    'error',
    { patterns: [upperFloors, { group: [`${'../'.repeat(depth + 1)}*`], message: 'db/ is the ground floor: no relative import may climb out of db/.' }] },
  ],
});

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: ['.next/**', '.data/**', 'node_modules/**', 'drizzle/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts'] },
  // A cycle between modules is a layering mistake (db/client -> lib/chain -> db/client was one); keep them out.
  { files: ['**/*.{ts,tsx,mjs}'], rules: { 'import/no-cycle': ['error', { ignoreExternal: true }] } },
  { files: ['db/*.ts'], rules: groundFloor(0) },
  { files: ['db/*/*.ts'], rules: groundFloor(1) },
  { files: ['db/*/*/**/*.ts'], rules: groundFloor(2) },
];

export default config;
