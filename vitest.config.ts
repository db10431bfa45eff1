import { defineConfig } from 'vitest/config';

// Tests run against each package's TypeScript sources (the "@cacheset/source" export condition), so no
// build is needed between an edit and a test run; the packaging test checks the built output separately.
export default defineConfig({
  resolve: { conditions: ['@cacheset/source'] },
  ssr: { resolve: { conditions: ['@cacheset/source'] } },
  test: {
    include: ['packages/*/test/**/*.spec.ts', 'test/**/*.spec.ts'],
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
