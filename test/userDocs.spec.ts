import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Where package READMEs point: npm shows a README without the repository around it. */
const REPOSITORY = 'https://github.com/cacheset/cacheset';

function markdownUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => join(entry.parentPath, entry.name));
}

const packageReadmes = readdirSync(join(root, 'packages'))
  .map((name) => join(root, 'packages', name, 'README.md'))
  .filter((path) => existsSync(path));
/** READMEs that npm shows on their own: those of the published (not private) packages. */
const publishedReadmes = packageReadmes.filter(
  (readme) =>
    (JSON.parse(readFileSync(join(readme, '..', 'package.json'), 'utf8')) as { private?: boolean }).private !== true,
);
/** Everything a user reads: the docs, the top-level README and each package's README. */
const userDocs = [...markdownUnder(join(root, 'docs')), join(root, 'README.md'), ...packageReadmes];

/**
 * What a user cannot follow: the design brief and the team's shared notes are not in the repository
 * or the packages, and check codes (SCM-5, CP-8 ...) name entries of an internal behaviour list.
 */
const FORBIDDEN: readonly (readonly [RegExp, string])[] = [
  [/\bDESIGN\b(\.md)?/g, 'cites the design brief, which users do not have'],
  [/\.\.\/shared\b/g, 'points into ../shared, which users do not have'],
  [/\b(?:SCM|CP|PAC|PC|Z|WC)-\d+/g, 'explains by an internal check code'],
];

function offences(path: string): string[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const found: string[] = [];
  lines.forEach((line, index) => {
    for (const [pattern, why] of FORBIDDEN)
      for (const match of line.matchAll(pattern))
        found.push(`${relative(root, path)}:${index + 1}: "${match[0]}" ${why}`);
  });
  return found;
}

describe('user documentation', () => {
  it('covers the docs and every package README', () => {
    expect(userDocs.map((p) => relative(root, p))).toEqual(
      expect.arrayContaining(['README.md', 'docs/core.md', 'docs/ram.md', 'packages/core/README.md']),
    );
    expect(packageReadmes.length).toBe(readdirSync(join(root, 'packages')).length);
  });

  it('cites no file users do not have and no internal check code', () => {
    expect(userDocs.flatMap(offences)).toEqual([]);
  });

  it('the check itself finds each kind of citation', () => {
    const sample = ['see DESIGN.md §3', 'after DESIGN §3', 'in ../shared/reference', '(SCM-5)', 'z3c Z-16', 'WC-2'];
    for (const line of sample)
      expect(
        FORBIDDEN.some(([pattern]) => new RegExp(pattern.source).test(line)),
        line,
      ).toBe(true);
    for (const line of ['UTF-8', 'ERR_CACHESET_PURGE_INVALID_TAG', 'X-Cache-Rule', 'RFC 9110 §13.2.2'])
      expect(
        FORBIDDEN.some(([pattern]) => new RegExp(pattern.source).test(line)),
        line,
      ).toBe(false);
  });

  it('package READMEs link by absolute URL (npm shows them without the repository), to files that exist', () => {
    const problems: string[] = [];
    expect(publishedReadmes.length).toBeGreaterThanOrEqual(5);
    for (const readme of publishedReadmes) {
      const text = readFileSync(readme, 'utf8');
      // Inline links, [text](target), and reference definitions, [name]: target.
      for (const [, inline, reference] of text.matchAll(/\]\(([^)\s]+)\)|^\[[^\]]+\]:\s*(\S+)/gm)) {
        const target = inline ?? reference;
        const where = `${relative(root, readme)}: (${target})`;
        if (target === undefined || target.startsWith('#')) continue;
        if (!/^https?:\/\//.test(target)) {
          problems.push(`${where} is relative`);
          continue;
        }
        const inRepository = new RegExp(`^${REPOSITORY}/(?:blob|tree)/main/([^#?]+)`).exec(target);
        const repositoryPage = target === REPOSITORY || target.startsWith(`${REPOSITORY}#`);
        if (target.startsWith(REPOSITORY) && inRepository === null && !repositoryPage)
          problems.push(`${where} is neither the repository nor a file on main`);
        if (inRepository?.[1] !== undefined && !existsSync(join(root, inRepository[1])))
          problems.push(`${where} names a file that does not exist`);
      }
    }
    expect(problems).toEqual([]);
  });
});
