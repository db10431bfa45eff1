// Administrators decide how to cache: a policy maps rulesets to operations with options.
import {
  cacheRuleset,
  CachingEngine,
  createExchange,
  durationOption,
  loadConfig,
  memoryRequest,
  memoryResponse,
  OperationRegistry,
  RulesetRegistry,
  type CachingOperation,
} from '@cacheset/core';

@cacheRuleset('site.news')
class NewsView {}

// A tiny operation; @cacheset/http provides the real ones (strongCaching, moderateCaching, ...).
const publicFor: CachingOperation<{ maxage: number }> = {
  name: 'publicFor',
  title: 'Public for a while',
  description: 'Cache-Control: public, max-age',
  sort: 1,
  options: { maxage: durationOption(60) },
  modify(ctx) {
    ctx.response.setHeader('Cache-Control', `public, max-age=${ctx.options.maxage ?? 0}`);
  },
};

const config = `
explicit: true
rulesetTypes:
  - { name: site.news, title: News }
policy:
  operationMapping: { site.news: publicFor }
  operations:
    publicFor:
      options: { maxage: 5m }
`;

export async function main(): Promise<Readonly<Record<string, string>>> {
  const rulesets = new RulesetRegistry();
  const operations = new OperationRegistry();
  operations.register(publicFor);
  const { policy } = loadConfig(config, 'cacheset.yaml', { registry: rulesets, operations });
  const engine = new CachingEngine({ rulesets, operations, policy });

  const response = memoryResponse();
  const exchange = createExchange({ request: memoryRequest({ url: '/news' }), response, published: new NewsView() });
  if ((await engine.intercept(exchange)) === undefined) {
    // ...the view renders here...
    await engine.modify(exchange);
  }
  return response.headers();
}
