import {
  AdapterLookup,
  bindAdapter,
  Interface,
  isSurrogateKey,
  ISurrogateKeys,
  resolveSurrogateKeys,
} from '@cacheset/core';
import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';

class Image {
  constructor(
    readonly id: number,
    readonly galleryId: number,
  ) {}
}
class ImageView {
  constructor(readonly context: Image) {}
}

describe('ISurrogateKeys', () => {
  const keys = (...k: string[]): ISurrogateKeys => ({ getKeys: () => k });

  it('collects the keys of every named adapter, and views use their context', () => {
    const container = new Container();
    bindAdapter(container, {
      provides: ISurrogateKeys,
      for: Image,
      name: 'image',
      factory: (i: Image) => keys(`image:${i.id}`),
    });
    bindAdapter(container, {
      provides: ISurrogateKeys,
      for: Image,
      name: 'gallery',
      factory: (i: Image) => keys(`gallery:${i.galleryId}`, `image:${i.id}`),
    });
    bindAdapter(container, { provides: ISurrogateKeys, for: Interface, name: 'site', factory: () => keys('site') });
    const adapters = new AdapterLookup(container);
    const image = new Image(42, 7);
    expect(resolveSurrogateKeys(adapters, image)).toEqual(['image:42', 'gallery:7', 'site']);
    expect(resolveSurrogateKeys(adapters, new ImageView(image))).toEqual(['image:42', 'gallery:7', 'site']);
    expect(resolveSurrogateKeys(adapters, { other: true })).toEqual(['site']);
    expect(resolveSurrogateKeys(new AdapterLookup(new Container()), image)).toEqual([]);
  });

  it.each([['with space'], ['a,b'], ['café'], [''], [7]])('rejects the key %j with a typed error', (bad) => {
    const container = new Container();
    bindAdapter(container, {
      provides: ISurrogateKeys,
      for: Image,
      factory: () => ({ getKeys: () => [bad as string] }),
    });
    expect(() => resolveSurrogateKeys(new AdapterLookup(container), new Image(1, 1))).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_SURROGATE_KEYS' }),
    );
  });

  it('a throwing adapter is ERR_CACHESET_ADAPTER_FAILED; a string instead of a list is invalid', () => {
    const throwing = new Container();
    bindAdapter(throwing, {
      provides: ISurrogateKeys,
      for: Image,
      factory: () => ({
        getKeys: () => {
          throw new Error('db');
        },
      }),
    });
    expect(() => resolveSurrogateKeys(new AdapterLookup(throwing), new Image(1, 1))).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_ADAPTER_FAILED' }),
    );
    const stringy = new Container();
    bindAdapter(stringy, {
      provides: ISurrogateKeys,
      for: Image,
      factory: () => ({ getKeys: () => 'image:1' as never }),
    });
    expect(() => resolveSurrogateKeys(new AdapterLookup(stringy), new Image(1, 1))).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_SURROGATE_KEYS' }),
    );
  });

  it('isSurrogateKey accepts visible ASCII without commas', () => {
    expect(isSurrogateKey('image:42')).toBe(true);
    expect(isSurrogateKey('a/b_c-d.e')).toBe(true);
    expect(isSurrogateKey('a b')).toBe(false);
  });
});
