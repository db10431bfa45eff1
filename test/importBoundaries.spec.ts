import { describe, expect, it } from 'vitest';

/** scripts/check-imports.mjs, typed for this test. */
interface ImportChecker {
  checkImports(): string[];
  problemsOf(file: string, specifiers: readonly string[]): string[];
  specifiersOf(text: string): string[];
}

const checker = (await import(
  /* @vite-ignore */ new URL('../scripts/check-imports.mjs', import.meta.url).href
)) as ImportChecker;

describe('import boundaries (scripts/check-imports.mjs, run by npm run lint)', () => {
  it('hold in the repository: plugins import only the core, the core no server, disk or Redis module', () => {
    expect(checker.checkImports()).toEqual([]);
  });

  it('finds a plugin importing another plugin, for code or types, by package name or by path', () => {
    expect(checker.problemsOf('packages/ram/src/a.ts', ['@cacheset/http'])).toHaveLength(1);
    expect(checker.problemsOf('packages/fs/test/a.spec.ts', ['@cacheset/http/express'])).toHaveLength(1);
    expect(checker.problemsOf('packages/purge/src/a.ts', ['../../ram/src/index.js'])).toHaveLength(1);
    expect(checker.problemsOf('packages/http/src/a.ts', ['@cacheset/core', './b.js', 'inversify'])).toEqual([]);
  });

  it('finds the core importing a plugin or a server, disk or Redis module', () => {
    for (const specifier of ['@cacheset/http', 'node:http', 'fs', 'node:fs/promises', 'ioredis', 'fastify'])
      expect(checker.problemsOf('packages/core/src/policy/x.ts', [specifier]), specifier).toHaveLength(1);
    expect(checker.problemsOf('packages/core/src/config/loadConfig.ts', ['node:fs/promises'])).toEqual([]);
    expect(checker.problemsOf('packages/core/src/x.ts', ['node:async_hooks', 'luxon'])).toEqual([]);
  });

  it("finds a server adapter importing an operation's internals", () => {
    const adapter = 'packages/http/src/express/cachesetExpress.ts';
    for (const specifier of [
      '../operations/createCachingOperation.js',
      '../runtime/requestFacts.js',
      '../etag/joinETagTokens.js',
    ])
      expect(checker.problemsOf(adapter, [specifier]), specifier).toHaveLength(1);
    expect(
      checker.problemsOf(adapter, [
        '../node/nodeSession.js',
        '../runtime/HttpCaching.js',
        '../errors/httpErrorCodes.js',
      ]),
    ).toEqual([]);
  });

  it('reads every kind of import: type-only, re-exports and dynamic imports', () => {
    const text = [
      "import type { A } from '@cacheset/a';",
      "export { B } from '@cacheset/b';",
      "const c = await import('@cacheset/c');",
      "import '@cacheset/d';",
    ].join('\n');
    expect(checker.specifiersOf(text).sort()).toEqual(['@cacheset/a', '@cacheset/b', '@cacheset/c', '@cacheset/d']);
  });
});
