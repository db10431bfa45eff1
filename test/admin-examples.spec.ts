/**
 * docs/admin.md's examples, run: the control panel mounted on node:http, Express 5, Fastify 5 and
 * Koa answers its API with the token only, never lets a cache keep its answers, explains the
 * application's page (dry: the RAM cache stays empty), and leaves the application's routes working.
 * Each example is quoted verbatim in the docs.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AdminExplanation, AdminStats } from '@cacheset/admin';
import * as express from '../examples/admin/mountExpress.js';
import * as fastify from '../examples/admin/mountFastify.js';
import * as koa from '../examples/admin/mountKoa.js';
import * as node from '../examples/admin/mountNode.js';
import { adminRequest } from './support/adminDemo.js';

const MOUNTS = { node, express, fastify, koa } as const;

describe.each(Object.keys(MOUNTS) as (keyof typeof MOUNTS)[])('the admin mounted on %s', (name) => {
  it('answers its API with the token, explains the page dry, and leaves the application alone', async () => {
    process.env.CACHESET_ADMIN_TOKEN = 'example-admin-token-0123456789';
    const running = await MOUNTS[name].main();
    try {
      const bearer = { authorization: `Bearer ${running.site.token}` };
      const refused = await adminRequest(`${running.base}/_cacheset/api/stats`);
      expect(refused.status).toBe(401);
      const stats = await adminRequest(`${running.base}/_cacheset/api/stats`, { headers: bearer });
      expect(stats.status).toBe(200);
      expect(stats.headers['cache-control']).toBe('no-store, private');
      expect(stats.json<AdminStats>().layers.ram.configured).toBe(true);

      const explained = await adminRequest(`${running.base}/_cacheset/api/explain?url=/gallery`, { headers: bearer });
      expect(explained.status).toBe(200);
      const report = explained.json<AdminExplanation>();
      expect(report.ruleset.name).toBe('site.gallery');
      expect(report.headers['cache-control']).toBe('max-age=0, s-maxage=3600, must-revalidate');
      expect(report.layers.find((l) => l.layer === 'proxy')).toMatchObject({ stores: true, ttlSeconds: 3600 });
      expect(running.site.ram.statistics().entries).toBe(0);

      const page = await adminRequest(`${running.base}/gallery`);
      expect(page.text).toBe('<h1>Gallery</h1>');
      expect(page.headers['x-cache-rule']).toBe('site.gallery');
      expect(running.site.ram.statistics().entries).toBe(1);
    } finally {
      await running.close();
      running.site.admin.close();
      await running.site.ram.close();
      delete process.env.CACHESET_ADMIN_TOKEN;
    }
  });
});

it('every mount example is quoted verbatim in docs/admin.md', async () => {
  const docs = await readFile(fileURLToPath(new URL('../docs/admin.md', import.meta.url)), 'utf8');
  for (const name of ['site', 'mountNode', 'mountExpress', 'mountFastify', 'mountKoa']) {
    const source = await readFile(fileURLToPath(new URL(`../examples/admin/${name}.ts`, import.meta.url)), 'utf8');
    const marker = `<!-- example: examples/admin/${name}.ts -->`;
    const at = docs.indexOf(marker);
    expect(at, `docs/admin.md lacks ${marker}`).toBeGreaterThanOrEqual(0);
    expect(/```ts\n([\s\S]*?)```/.exec(docs.slice(at))?.[1], `${name}.ts differs from its quote`).toBe(source);
  }
});
