import { annotationKey, createExchange, memoryRequest, memoryResponse, MODIFY_AFTER_INTERCEPT } from '@cacheset/core';
import { AnnotationKey } from '@cacheset/core';
import { describe, expect, it } from 'vitest';

const exchange = () => createExchange({ request: memoryRequest(), response: memoryResponse() });

describe('annotationKey', () => {
  it('keeps a typed value per exchange, apart from other keys of the same name', () => {
    const a = annotationKey<{ n: number }>('cacheset.test.value');
    const b = annotationKey<{ n: number }>('cacheset.test.value');
    const one = exchange();
    const two = exchange();
    a.set(one, { n: 1 });
    expect(a.get(one)).toEqual({ n: 1 });
    expect(b.get(one)).toBeUndefined();
    expect(a.get(two)).toBeUndefined();
    a.delete(one);
    expect(a.has(one)).toBe(false);
  });

  it('tells a stored undefined from a missing value', () => {
    const key = annotationKey<string | undefined>('cacheset.test.maybe');
    const ex = exchange();
    key.set(ex, undefined);
    expect(key.has(ex)).toBe(true);
    expect(key.get(ex)).toBeUndefined();
  });

  it('wraps an existing public symbol (MODIFY_AFTER_INTERCEPT) so old and new code agree', () => {
    const key = new AnnotationKey<boolean>(MODIFY_AFTER_INTERCEPT);
    const ex = exchange();
    ex.annotations.set(MODIFY_AFTER_INTERCEPT, true);
    expect(key.get(ex)).toBe(true);
  });
});
