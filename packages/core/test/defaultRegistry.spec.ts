import {
  declareType,
  enumerateTypes,
  getDefaultRegistry,
  lookup,
  register,
  resetDefaultRegistry,
  RulesetRegistry,
  setDefaultRegistry,
  setExplicitMode,
  unregister,
} from '@cacheset/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

class View {}

describe('module-level functions on the default registry', () => {
  beforeEach(() => {
    resetDefaultRegistry();
  });
  afterEach(() => {
    resetDefaultRegistry();
  });

  it('register, lookup, unregister, declareType, enumerateTypes and setExplicitMode delegate to it', () => {
    declareType('site.view', 'View');
    setExplicitMode();
    register(View, 'site.view');
    expect(lookup(new View())).toBe('site.view');
    expect(enumerateTypes().map((t) => t.name)).toEqual(['site.view']);
    expect(getDefaultRegistry()?.explicit).toBe(true);
    unregister(View);
    expect(lookup(new View())).toBeUndefined();
    expect(() => register(View, 'site.other')).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_RULESET_NOT_DECLARED' }),
    );
  });

  it('resetDefaultRegistry gives tests a fresh, empty registry', () => {
    register(View, 'site.view');
    const fresh = resetDefaultRegistry();
    expect(fresh).toBeInstanceOf(RulesetRegistry);
    expect(getDefaultRegistry()).toBe(fresh);
    expect(lookup(new View())).toBeUndefined();
  });

  it('Z-14: without a default registry, lookup returns undefined and the others throw a typed error', () => {
    setDefaultRegistry(undefined);
    expect(lookup(new View())).toBeUndefined();
    for (const call of [
      () => register(View, 'a'),
      () => unregister(View),
      () => declareType('a', 'A'),
      () => enumerateTypes(),
      () => setExplicitMode(),
    ]) {
      expect(call).toThrowError(expect.objectContaining({ code: 'ERR_CACHESET_NO_DEFAULT_REGISTRY' }));
    }
    expect(() => setDefaultRegistry({} as never)).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_ARGUMENT' }),
    );
  });
});
