import { readFile } from 'node:fs/promises';
import * as core from '@cacheset/core';
import { describe, expect, it } from 'vitest';
import * as http from '../src/index.js';

/** scripts/generate-http-docs.mjs, typed for this test. */
interface DocsGenerator {
  readonly DOCS_PATH: string;
  renderSections(modules: {
    readonly http: typeof http;
    readonly core: typeof core;
  }): Promise<ReadonlyMap<string, string>>;
  applySections(text: string, sections: ReadonlyMap<string, string>): string;
}

const generatorUrl = new URL('../../../scripts/generate-http-docs.mjs', import.meta.url).href;

describe('docs/http.md generated tables', () => {
  it('match what scripts/generate-http-docs.mjs computes from the current sources', async () => {
    const generator = (await import(/* @vite-ignore */ generatorUrl)) as DocsGenerator;
    const docs = await readFile(generator.DOCS_PATH, 'utf8');
    const sections = await generator.renderSections({ http, core });
    expect([...sections.keys()]).toEqual([
      'operations-and-options',
      'headers-by-operation',
      'option-effects',
      'conditional-requests',
      'debug-headers',
    ]);
    const regenerate =
      'regenerate it with: npx tsc -b packages/http/tsconfig.build.json && node scripts/generate-http-docs.mjs';
    for (const [name, body] of sections) {
      const begin = `<!-- BEGIN generated: ${name} (scripts/generate-http-docs.mjs) -->\n`;
      const from = docs.indexOf(begin);
      expect(from, `docs/http.md lacks the section '${name}'`).toBeGreaterThanOrEqual(0);
      const current = docs.slice(from + begin.length, docs.indexOf(`\n<!-- END generated: ${name} -->`, from));
      // One table at a time, so a failure shows the rows that changed.
      expect(current, `the generated section '${name}' of docs/http.md is out of date; ${regenerate}`).toBe(body);
    }
    expect(generator.applySections(docs, sections) === docs, `docs/http.md is out of date; ${regenerate}`).toBe(true);
  });

  it('shows the headers the code emits (spot checks the generator against the engine)', async () => {
    const generator = (await import(/* @vite-ignore */ generatorUrl)) as DocsGenerator;
    const sections = await generator.renderSections({ http, core });
    const headers = sections.get('headers-by-operation') ?? '';
    expect(headers).toContain(
      '| no | anonymous | GET, HEAD | `max-age=0, s-maxage=86400, must-revalidate` | past | — | — | — |',
    );
    expect(headers).toContain(
      '| yes | authenticated | GET, HEAD | `max-age=0, must-revalidate, private` | past | `"\\|alice\\|v42"` | yes | — |',
    );
    expect(sections.get('conditional-requests')).toContain('| POST | `If-None-Match: "\\|v42"` | **412** | — |');
  });
});
