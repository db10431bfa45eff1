/**
 * A rendered page's string body gets its Content-Length from the node adapter (Node would not give
 * one to HEAD): the length, the bytes on the wire, the encoding the handler named and its callback,
 * and the copy a RAM fill stores must all stay what the handler meant.
 */
import { createServer } from 'node:http';
import { cachingHandler } from '@cacheset/http';
import { afterEach, describe, expect, it } from 'vitest';
import { createFixture, type ContractServer } from './contract/fixture.js';
import { listenOnFreePort } from './contract/servers/listen.js';
import { wireRequest } from './contract/support/wire.js';

const servers: ContractServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('node adapter: the body of a rendered page', () => {
  it('sends a UTF-8 string body with its byte length, and a RAM hit replays the same bytes', async () => {
    const f = createFixture();
    const body = 'déjà vu – ünïcödé ✓ '.repeat(50);
    let renders = 0;
    const server = await listenOnFreePort(
      createServer(
        cachingHandler(
          f.caching,
          (_req, res) => {
            renders += 1;
            res.setHeader('Content-Type', 'text/plain; charset=utf-8');
            res.end(body);
          },
          { ruleset: 'site.ram' },
        ),
      ),
    );
    servers.push(server);
    const first = await wireRequest(`${server.url}/ram`);
    expect(first.status).toBe(200);
    expect(first.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(first.body.toString('utf8')).toBe(body);
    const hit = await wireRequest(`${server.url}/ram`);
    expect(renders).toBe(1);
    expect(hit.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(hit.body.equals(first.body)).toBe(true);
    const head = await wireRequest(`${server.url}/ram`, { method: 'HEAD' });
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(head.body.length).toBe(0);
  });

  it('keeps the encoding and the callback the handler passed to end', async () => {
    const f = createFixture();
    let calledBack = false;
    const server = await listenOnFreePort(
      createServer(
        cachingHandler(
          f.caching,
          (_req, res) => {
            res.setHeader('Content-Type', 'application/octet-stream');
            res.end('c3ac', 'hex', () => {
              calledBack = true;
            });
          },
          { ruleset: 'site.ram' },
        ),
      ),
    );
    servers.push(server);
    const answer = await wireRequest(`${server.url}/hex`);
    expect(answer.headers['content-length']).toBe('2');
    expect([...answer.body]).toEqual([0xc3, 0xac]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calledBack).toBe(true);
    const hit = await wireRequest(`${server.url}/hex`);
    expect([...hit.body]).toEqual([0xc3, 0xac]);
  });
});
