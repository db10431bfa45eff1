/**
 * The application for the purge latency benchmark, in its own process: a node:http server with
 * @cacheset/http around every request (one unit of work each) whose handler fires a Purge event for
 * a distinct page per request (two paths and one tag) and answers 200.
 *
 *   node bench/dist/servers/purgeLatencyServer.js <port> purge|off <varnish url>
 *
 * `off` is the same application with purging disabled (`enabled: false`): the event still fires, the
 * purger ignores it.
 */
import { createServer } from 'node:http';
import { bindAdapter, EventBus, IPurgePaths, ISurrogateKeys, Purge, RulesetRegistry } from '@cacheset/core';
import { cachingHandler, createHttpCaching } from '@cacheset/http';
import { createPurger } from '@cacheset/purge';
import { Container } from 'inversify';

const [portText, mode, varnishUrl] = process.argv.slice(2);
if (portText === undefined || (mode !== 'purge' && mode !== 'off') || varnishUrl === undefined) {
  throw new Error('usage: purgeLatencyServer.js <port> purge|off <varnish url>');
}

class Page {
  constructor(readonly id: string) {}
}

const container = new Container();
bindAdapter(container, {
  provides: IPurgePaths,
  for: Page,
  name: 'bench.page',
  factory: (p: Page) => ({
    getRelativePaths: () => [`/pages/${p.id}`, `/pages/${p.id}/view`],
    getAbsolutePaths: () => [],
  }),
});
bindAdapter(container, {
  provides: ISurrogateKeys,
  for: Page,
  name: 'bench.page',
  factory: (p: Page) => ({ getKeys: () => [`page-${p.id}`] }),
});
const bus = new EventBus();
const purger = createPurger({ proxies: [varnishUrl], container, bus, enabled: mode === 'purge', historySize: 0 });
const caching = createHttpCaching({ policy: { operationMapping: {} }, rulesets: new RulesetRegistry(), container });
const body = 'x'.repeat(1_024);

const server = createServer(
  cachingHandler(caching, (req, res) => {
    const id = (req.url ?? '/').slice(1).replaceAll('/', '-');
    bus.notify(new Purge(new Page(id)));
    res.setHeader('Content-Type', 'text/plain');
    res.end(body);
  }),
);
server.keepAliveTimeout = 60_000;
server.listen(Number(portText), '127.0.0.1');

process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void purger.close().then((report) => {
    const [stats] = purger.statistics().proxies;
    if (mode === 'purge')
      console.error(
        `purgeLatencyServer: ${stats?.succeeded ?? 0} purges succeeded, ${stats?.failed ?? 0} failed, ${stats?.dropped ?? 0} dropped${report.clean ? '' : ', some abandoned'}`,
      );
    process.exit(0);
  });
});
