import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

// db/ is the ground floor: it may use drizzle, its own files and db/vocabulary, never the layers built on it.
const upperFloors = {
  group: ['@/lib', '@/lib/*', '@/app', '@/app/*', '@/components', '@/components/*'],
  message: 'db/ is the ground floor: it must not import lib/, app/ or components/.',
};
/** The same rule for relative paths (from `depth` folders below db/, `depth + 1` steps up leave it) and for import(). */
const groundFloor = (depth) => {
  const climb = '../'.repeat(depth + 1);
  return {
    'no-restricted-imports': [
      'error',
      { patterns: [upperFloors, { group: [`${climb}*`], message: 'db/ is the ground floor: no relative import may climb out of db/.' }] },
    ],
    'no-restricted-syntax': [
      'error',
      {
        selector: `ImportExpression[source.value=/^(@\\/(lib|app|components)(\\/|$)|${climb.replaceAll('.', '\\.').replaceAll('/', '\\/')})/]`,
        message: 'db/ is the ground floor: no dynamic import of lib/, app/ or components/ either.',
      },
    ],
  };
};

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: ['.next/**', '.data/**', 'node_modules/**', 'drizzle/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts'] },
  // A cycle between modules is a layering mistake (db/client -> lib/chain -> db/client was one); keep them out.
  // Packages are not parsed for it (some ship bundles the parser chokes on, and the lint would take minutes).
  {
    files: ['**/*.{ts,tsx,mjs}'],
    settings: { 'import/ignore': ['node_modules'] },
    rules: { 'import/no-cycle': ['error', { ignoreExternal: true }] },
  },
  { files: ['db/*.ts'], rules: groundFloor(0) },
  { files: ['db/*.ts'], rules: groundFloor(0) },
  { files: ['db/*/*.ts'], rules: groundFloor(1) },
  { files: ['db/*/*/**/*.ts'], rules: groundFloor(2) },
];

export default config;
