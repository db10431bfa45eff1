// Its own file (its own process): the example's registry is in explicit mode, and createHttpCaching
// verifies every @cacheRuleset class of the process, while the other examples decorate theirs.
import { describe, expect, it } from 'vitest';
import * as policyFile from '../examples/policyFile.js';
import { fetchRaw, serve } from './fixtures/exampleServer.js';

describe('examples/policyFile.ts: a policy loaded from a configuration file', () => {
  const app = serve(() => policyFile.createApp());

  it('maps each ruleset to its operation with the options from the file', async () => {
    const gallery = await fetchRaw(app.base(), '/gallery');
    expect(gallery.headers).toMatchObject({
      'cache-control': 'max-age=0, s-maxage=86400, must-revalidate',
      'x-cache-rule': 'site.gallery',
    });
    expect(gallery.headers.etag).toMatch(/^"\|\|\d+\|2026\.11\.1"$/);
    // Per-ruleset options beat the operation's: a shorter smaxage, stale-while-revalidate, and no ETag.
    const feed = await fetchRaw(app.base(), '/feed');
    expect(feed.headers['cache-control']).toBe('max-age=0, s-maxage=600, stale-while-revalidate=60');
    expect(feed.headers.etag).toBeUndefined();
    const search = await fetchRaw(app.base(), '/search');
    expect(search.headers).toMatchObject({
      'cache-control': 'max-age=30, s-maxage=120, proxy-revalidate, public',
      vary: 'Accept, Accept-Language',
      'x-cache-operation': 'terseCaching',
    });
  });

  it('stops at start-up on a mistake in the file, saying where and what', () => {
    expect(policyFile.checkConfig(policyFile.config)).toBe('ok');
    const badDuration = policyFile.checkConfig(policyFile.config.replace('smaxage: 2m', 'smaxage: soon'));
    expect(badDuration).toMatch(/^cacheset\.yaml:\d+:\d+: policy\.operations\.terseCaching\.options\.smaxage: /);
    expect(badDuration).toContain('"soon" is not a duration');
    const badComponent = policyFile.checkConfig(
      policyFile.config.replace(
        '[userid, catalogCounter, resourceVersion]',
        '[userid, catalogCounter, resourceVersoin]',
      ),
    );
    expect(badComponent).toContain(
      "Ruleset 'site.gallery', operation 'moderateCaching', option 'etags': there is no ETag component 'resourceVersoin'. Did you mean \"resourceVersion\"?",
    );
    const undeclared = policyFile.checkConfig(
      policyFile.config.replace('site.search: terseCaching', 'site.serach: terseCaching'),
    );
    expect(undeclared).toContain("ruleset 'site.serach' is not declared");
  });
});
