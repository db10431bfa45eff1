import {
  alsoProvides,
  classImplements,
  classOf,
  declaredInterfaces,
  defineInterface,
  directlyProvidedBy,
  implementedBy,
  implementer,
  implementsSpec,
  Interface,
  isInterfaceToken,
  noLongerProvides,
  providedBy,
  provides,
} from '@cacheset/core';
import { describe, expect, it } from 'vitest';
import { tokenResolutionOrder } from '@cacheset/core/internal';

const IContent = defineInterface('tests.IContent');
const IFolder = defineInterface('tests.IFolder', { extends: [IContent] });
const IPublic = defineInterface('tests.IPublic');

describe('defineInterface', () => {
  it('makes frozen tokens whose resolution order is the token, its bases (C3), then Interface', () => {
    const IBoth = defineInterface('tests.IBoth', { extends: [IFolder, IPublic], description: 'both' });
    expect(isInterfaceToken(IBoth)).toBe(true);
    expect(Object.isFrozen(IBoth)).toBe(true);
    expect(IBoth.description).toBe('both');
    expect(tokenResolutionOrder(IBoth)).toEqual([IBoth, IFolder, IContent, IPublic, Interface]);
    expect(tokenResolutionOrder(IContent)).toEqual([IContent, Interface]);
    expect(String(IBoth)).toBe('<InterfaceToken tests.IBoth>');
  });

  it('drops a base that another base already extends, instead of failing', () => {
    const IRedundant = defineInterface('tests.IRedundant', { extends: [IContent, IFolder] });
    expect(tokenResolutionOrder(IRedundant)).toEqual([IRedundant, IFolder, IContent, Interface]);
  });

  it('rejects bad names, non-token bases and contradictory base orders with typed errors', () => {
    expect(() => defineInterface('bad-name')).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_RULESET_NAME' }),
    );
    expect(() => defineInterface('tests.X', { extends: [class A {}] as never })).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_INTERFACE' }),
    );
    expect(() => defineInterface('tests.X', { extends: IContent as never })).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_INTERFACE' }),
    );
    const IA = defineInterface('tests.IA');
    const IB = defineInterface('tests.IB');
    const IAB = defineInterface('tests.IAB', { extends: [IA, IB] });
    const IBA = defineInterface('tests.IBA', { extends: [IB, IA] });
    expect(() => defineInterface('tests.IX', { extends: [IAB, IBA] })).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INCONSISTENT_HIERARCHY' }),
    );
  });
});

describe('class declarations', () => {
  it('implementedBy walks the class, its tokens, then base classes and their tokens', () => {
    @implementer(IContent)
    class Item {}
    @implementer(IPublic)
    class NewsItem extends Item {}
    expect(implementedBy(NewsItem)).toEqual([NewsItem, IPublic, Item, IContent, Object, Interface]);
    expect(declaredInterfaces(NewsItem)).toEqual([IPublic]);
    expect(implementsSpec(NewsItem, IContent)).toBe(true);
    expect(implementsSpec(Item, IPublic)).toBe(false);
  });

  it('accepts declaring a token the base class already provides through a descendant', () => {
    @implementer(IFolder)
    class Folder {}
    @implementer(IContent)
    class SpecialFolder extends Folder {}
    expect(implementedBy(SpecialFolder)).toEqual([SpecialFolder, Folder, IFolder, IContent, Object, Interface]);
  });

  it('rejects a declaration with no consistent order and keeps the previous one', () => {
    const IA = defineInterface('tests.cls.IA');
    const IB = defineInterface('tests.cls.IB');
    const IAB = defineInterface('tests.cls.IAB', { extends: [IA, IB] });
    const IBA = defineInterface('tests.cls.IBA', { extends: [IB, IA] });
    class Victim {}
    classImplements(Victim, IAB);
    expect(() => classImplements(Victim, IBA)).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INCONSISTENT_HIERARCHY' }),
    );
    expect(declaredInterfaces(Victim)).toEqual([IAB]);
  });

  it('validates its arguments', () => {
    expect(() => implementer()).toThrowError(expect.objectContaining({ code: 'ERR_CACHESET_INVALID_ARGUMENT' }));
    expect(() => implementer('tests.IContent' as never)).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_INTERFACE' }),
    );
    expect(() => classImplements({} as never, IContent)).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_TARGET' }),
    );
  });
});

describe('instance declarations', () => {
  it('alsoProvides puts tokens before the class; noLongerProvides removes them', () => {
    @implementer(IContent)
    class Page {}
    const page = new Page();
    alsoProvides(page, IPublic);
    expect(providedBy(page)).toEqual([IPublic, Page, IContent, Object, Interface]);
    expect(directlyProvidedBy(page)).toEqual([IPublic]);
    expect(provides(page, IPublic)).toBe(true);
    expect(provides(new Page(), IPublic)).toBe(false);
    noLongerProvides(page, IPublic);
    expect(provides(page, IPublic)).toBe(false);
    expect(() => noLongerProvides(page, IContent)).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_ARGUMENT' }),
    );
  });

  it('works for frozen objects and class objects, and refuses primitives', () => {
    const frozen = Object.freeze({});
    alsoProvides(frozen, IPublic);
    expect(provides(frozen, IPublic)).toBe(true);
    class Resource {}
    alsoProvides(Resource, IPublic);
    expect(provides(Resource, IPublic)).toBe(true);
    expect(provides(new Resource(), IPublic)).toBe(false);
    expect(() => alsoProvides(3 as never, IPublic)).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_ARGUMENT' }),
    );
  });

  it('providedBy of null, primitives and null-prototype objects', () => {
    expect(providedBy(null)).toEqual([Interface]);
    expect(providedBy(undefined)).toEqual([Interface]);
    expect(providedBy('text')).toEqual([String, Object, Interface]);
    expect(providedBy(Object.create(null))).toEqual([Interface]);
    expect(classOf(Object.create(Object.create(null)))).toBeUndefined();
  });
});
