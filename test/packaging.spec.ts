import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The packages as npm would publish them: `npm pack` of every workspace, the tarballs unpacked into
 * temporary consumer projects, type-checked there by tsc and run by plain Node.
 *
 * Why it is built this way: a real `npm install` of the tarballs would download express, fastify,
 * ioredis ... for every run (slow, and CI must not depend on the network). Each consumer project
 * instead gets exactly what npm would install — the unpacked tarballs, plus a link into this
 * repository's node_modules for every third-party package the manifests ask for (dependencies and
 * non-optional peers) and for the consumer's own framework — and `npm ls` (npm's own check of an
 * installed tree, offline) confirms that nothing the packages need is missing or out of range.
 * Transitive dependencies of the linked packages resolve from their real location in the repository,
 * as they would inside their own install. Each framework gets its own project, without the other
 * two installed: importing one adapter must not need the others' types.
 */

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = join(root, 'test', 'fixtures', 'consumer');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const PACKAGES = ['core', 'http', 'ram', 'purge', 'fs', 'admin', 'cli'] as const;
const REPOSITORY = 'https://github.com/cacheset/cacheset';

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly [field: string]: unknown;
}
interface Packed {
  readonly name: string;
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

/** The consumer projects: a framework, what the application installs for it, its adapter entry. */
const CONSUMERS = {
  express: { installs: ['express', '@types/express'], entry: '@cacheset/http/express' },
  fastify: { installs: ['fastify'], entry: '@cacheset/http/fastify' },
  koa: { installs: ['koa', '@types/koa'], entry: '@cacheset/http/koa' },
} as const;
type Framework = keyof typeof CONSUMERS;

const COMPILER_OPTIONS = {
  target: 'ES2022',
  lib: ['ES2023'],
  types: ['node'],
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: true,
  rootDir: 'src',
};
/**
 * Two ways applications compile: Node's own resolution with TypeScript's standard decorators (the
 * default since TypeScript 5.0), and a bundler's resolution with `experimentalDecorators` but no
 * `emitDecoratorMetadata`. cacheset's decorators must work, and give the same result, in both.
 */
const CONFIGS = {
  nodenext: { ...COMPILER_OPTIONS, module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'out/nodenext' },
  bundler: {
    ...COMPILER_OPTIONS,
    module: 'ESNext',
    moduleResolution: 'Bundler',
    experimentalDecorators: true,
    outDir: 'out/bundler',
  },
} as const;
/**
 * Which configurations each project compiles with. Bundler resolution reads the same exports map for
 * every entry point, so one project is enough for it; each tsc run costs seconds on a shared machine.
 */
const CHECKED_WITH: Readonly<Record<Framework, readonly (keyof typeof CONFIGS)[]>> = {
  express: ['nodenext', 'bundler'],
  fastify: ['nodenext'],
  koa: ['nodenext'],
};

const manifests = new Map<string, Manifest>();
const packed = new Map<string, Packed>();
let work = '';

async function readManifest(name: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(root, 'packages', name, 'package.json'), 'utf8')) as Manifest;
}

function record(value: unknown): Readonly<Record<string, string>> {
  return (value ?? {}) as Readonly<Record<string, string>>;
}

/** Third-party packages npm installs for our packages: dependencies and peers that are not optional. */
function thirdPartyNeeds(): string[] {
  const needs = new Set<string>();
  for (const manifest of manifests.values()) {
    const optional = record(manifest.peerDependenciesMeta) as unknown as Record<string, { optional?: boolean }>;
    for (const name of Object.keys(record(manifest.dependencies))) needs.add(name);
    for (const name of Object.keys(record(manifest.peerDependencies)))
      if (optional[name]?.optional !== true) needs.add(name);
  }
  return [...needs].filter((name) => !name.startsWith('@cacheset/')).sort();
}

/** The strings at the leaves of a JSON value (the file targets of an exports map). */
function leaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(leaves);
}

async function link(project: string, name: string): Promise<void> {
  const target = join(project, 'node_modules', name);
  await mkdir(dirname(target), { recursive: true });
  await symlink(join(root, 'node_modules', name), target, 'dir');
}

/** A consumer project for one framework: the tarballs unpacked, the third-party packages linked. */
async function consumerProject(framework: Framework): Promise<string> {
  const project = join(work, framework);
  for (const name of PACKAGES) {
    const into = join(project, 'node_modules', '@cacheset', name);
    await mkdir(into, { recursive: true });
    const tarball = join(work, 'tarballs', packed.get(`@cacheset/${name}`)?.filename ?? '');
    await run('tar', ['-xzf', tarball, '-C', into, '--strip-components=1']);
  }
  const own = [...CONSUMERS[framework].installs, '@types/node'];
  for (const name of new Set([...thirdPartyNeeds(), ...own])) await link(project, name);
  const dependencies = Object.fromEntries(PACKAGES.map((name) => [`@cacheset/${name}`, '^0.1.0']));
  for (const name of own) dependencies[name] = '*';
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: `consumer-${framework}`, private: true, type: 'module', dependencies }),
  );
  await mkdir(join(project, 'src'));
  for (const file of ['site.ts', 'notAny.ts']) await copyFile(join(fixtures, file), join(project, 'src', file));
  await copyFile(join(fixtures, `${framework}.ts`), join(project, 'src', 'main.ts'));
  await copyFile(join(fixtures, 'require.cjs'), join(project, 'require.cjs'));
  for (const [config, compilerOptions] of Object.entries(CONFIGS))
    await writeFile(join(project, `tsconfig.${config}.json`), JSON.stringify({ compilerOptions, include: ['src'] }));
  return project;
}

/** npm's problems with the installed tree that concern our packages or the consumer (offline). */
async function installProblems(project: string): Promise<string[]> {
  // npm ls exits non-zero when a linked package's own devDependencies are absent, which is expected.
  const { stdout } = await run('npm', ['ls', '--all', '--json', '--offline'], { cwd: project, timeout: 20_000 }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '{}' }),
  );
  const problems = (JSON.parse(stdout) as { problems?: string[] }).problems ?? [];
  return problems.filter((p) => /required by (@cacheset\/|consumer-)/.test(p));
}

/** tsc's errors in the consumer and in our packages' declarations (it still emits the JavaScript). */
async function typeErrors(project: string, config: keyof typeof CONFIGS): Promise<string[]> {
  try {
    await run(process.execPath, [tsc, '-p', `tsconfig.${config}.json`], { cwd: project, timeout: 90_000 });
    return [];
  } catch (error) {
    const output = (error as { stdout?: string }).stdout ?? String(error);
    return output
      .split('\n')
      .filter((line) => line.includes('error TS'))
      .filter((line) => !/node_modules\//.test(line.split('(')[0] ?? '') || /^node_modules\/@cacheset\//.test(line));
  }
}

async function runNode(project: string, args: readonly string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, args, { cwd: project, timeout: 20_000 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

beforeAll(async () => {
  for (const name of PACKAGES) {
    const manifest = await readManifest(name);
    manifests.set(manifest.name, manifest);
  }
  work = await mkdtemp(join(tmpdir(), 'cacheset-packaging-'));
  await mkdir(join(work, 'tarballs'));
  // --ignore-scripts: the packages are built by `tsc -b` before the tests (npm test does it).
  const { stdout } = await run(
    'npm',
    // The published packages only: the demo is a private workspace, never packed.
    [
      'pack',
      ...PACKAGES.flatMap((name) => ['--workspace', `@cacheset/${name}`]),
      '--json',
      '--ignore-scripts',
      '--pack-destination',
      join(work, 'tarballs'),
    ],
    { cwd: root, timeout: 30_000 },
  );
  for (const entry of JSON.parse(stdout) as Packed[]) packed.set(entry.name, entry);
}, 120_000);

afterAll(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('the packed packages', () => {
  it('ship the built code, its sources, README and LICENSE, and no build info or test files', () => {
    expect([...packed.keys()].sort()).toEqual(PACKAGES.map((name) => `@cacheset/${name}`).sort());
    for (const [name, entry] of packed) {
      const files = entry.files.map((f) => f.path);
      expect(files, name).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js']));
      expect(files, name).toContain('dist/index.d.ts');
      const stray = files.filter(
        (f) =>
          !['LICENSE', 'README.md', 'package.json'].includes(f) &&
          !/^(dist|src)\//.test(f) &&
          !(name === '@cacheset/cli' && f === 'bin/cacheset.js') &&
          !/^dist\/.*\.(js|d\.ts)(\.map)?$/.test(f),
      );
      expect(stray, `${name}: files outside dist/ and src/`).toEqual([]);
      expect(
        files.filter((f) => /tsbuildinfo|\.spec\.|(^|\/)(test|tests|examples|fixtures)\//.test(f)),
        `${name}: build info or test files`,
      ).toEqual([]);
      // Every target of the exports map and of bin is in the tarball.
      const manifest = manifests.get(name) as Manifest;
      for (const target of leaves([manifest.exports, manifest.bin]))
        expect(files, `${name} exports ${target}`).toContain(target.replace(/^\.\//, ''));
    }
  });

  it('declare what a registry and their users need', () => {
    for (const [name, manifest] of manifests) {
      const directory = name.replace('@cacheset/', 'packages/');
      expect(manifest, name).toMatchObject({
        license: 'MIT',
        repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory },
        bugs: { url: `${REPOSITORY}/issues` },
        publishConfig: { access: 'public' },
      });
      expect(String(manifest.homepage), name).toMatch(new RegExp(`^${REPOSITORY}/`));
      expect((manifest.keywords as string[] | undefined)?.length ?? 0, `${name} keywords`).toBeGreaterThan(3);
      // Siblings with a caret range, so that a patch release of one does not force a release of all.
      for (const field of ['dependencies', 'peerDependencies', 'devDependencies'])
        for (const [dep, range] of Object.entries(record(manifest[field])))
          if (dep.startsWith('@cacheset/')) expect(range, `${name} ${field} ${dep}`).toMatch(/^\^\d+\.\d+\.\d+$/);
    }
    // The frameworks are optional peers: an Express application installs neither Fastify nor Koa.
    const http = manifests.get('@cacheset/http') as Manifest;
    for (const framework of ['express', 'fastify', 'koa', '@types/express', '@types/koa']) {
      expect(record(http.peerDependencies)[framework], framework).toBeDefined();
      expect(record(http.peerDependenciesMeta)[framework], framework).toEqual({ optional: true });
    }
    // Luxon's DateTime is in the public types: its type package comes with the packages that use it.
    for (const name of ['@cacheset/core', '@cacheset/http', '@cacheset/ram'])
      expect(record(manifests.get(name)?.dependencies)['@types/luxon'], name).toBeDefined();
  });

  describe.each(Object.keys(CONSUMERS) as Framework[])('in a %s application', (framework) => {
    let project = '';
    beforeAll(async () => {
      project = await consumerProject(framework);
    }, 30_000);

    it('installs from the tarballs with nothing missing and no range unmet', async () => {
      expect(await installProblems(project)).toEqual([]);
    });

    const configs = CHECKED_WITH[framework].join(', ');
    it(`type-checks (${configs}) and runs the same with either decorator setting`, async () => {
      // The Express project uses every package (site.ts); the others their adapter and the decorator.
      const expected =
        framework === 'express'
          ? {
              frontpage: 'site.frontpage',
              page: 'site.page',
              providesPage: true,
              lastModified: '2026-01-02T03:04:05.000Z',
              httpDate: Date.UTC(1994, 10, 6, 8, 49, 37),
              caching: 'object',
              cachedValue: 'cached',
              purging: true,
              adapter: framework,
            }
          : { frontpage: 'site.frontpage', adapter: framework };
      for (const config of CHECKED_WITH[framework]) {
        expect(await typeErrors(project, config), config).toEqual([]);
        expect(await runNode(project, [`${CONFIGS[config].outDir}/main.js`]), config).toEqual(expected);
      }
    }, 120_000);

    it('loads every entry point from CommonJS through require()', async () => {
      const entries = [...PACKAGES.map((name) => `@cacheset/${name}`), CONSUMERS[framework].entry];
      const result = await runNode(project, ['require.cjs', ...entries]);
      expect(result.decorated).toBe('site.frontpage');
      const loaded = result.loaded as Record<string, unknown>;
      expect(Object.keys(loaded).sort()).toEqual([...entries].sort());
      expect(loaded['@cacheset/core']).toEqual(expect.arrayContaining(['RulesetRegistry', 'cacheRuleset']));
      expect(loaded['@cacheset/http']).toEqual(expect.arrayContaining(['createHttpCaching', 'cachingHandler']));
      expect(loaded['@cacheset/ram']).toContain('RamCacheManager');
      expect(loaded['@cacheset/purge']).toContain('createPurger');
      expect(loaded['@cacheset/fs']).toContain('FsCache');
      expect((loaded[CONSUMERS[framework].entry] as string[]).length).toBeGreaterThan(0);
    });

    it('runs the cacheset command from its tarball', async () => {
      const bin = join(project, 'node_modules', '@cacheset', 'cli', 'bin', 'cacheset.js');
      const { stdout } = await run(process.execPath, [bin, 'varnish-vcl', '--backend', '127.0.0.1:8080', '--json'], {
        cwd: project,
        timeout: 20_000,
      });
      expect(JSON.stringify(JSON.parse(stdout))).toContain('vcl 4.1');
    });
  });
});
