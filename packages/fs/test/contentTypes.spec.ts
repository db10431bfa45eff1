import { CachesetError } from '@cacheset/core';
import { describe, expect, it } from 'vitest';
import { ContentTypeTable, DEFAULT_CONTENT_TYPES, parseContentType, servedContentType } from '../src/index.js';

const table = new ContentTypeTable();
const ascii = Buffer.from('<h1>hello</h1>');
const extensionOf = (type: string | undefined, body: Uint8Array = ascii): string => {
  const match = table.match(type, body);
  return 'entry' in match ? match.entry.extension : `refused:${match.problem}`;
};

describe('content types', () => {
  it('parses Content-Type headers leniently, normalizing case and the utf8 spelling', () => {
    expect(parseContentType('Text/HTML; Charset="UTF8"')).toEqual({ mediaType: 'text/html', charset: 'utf-8' });
    expect(parseContentType('application/json')).toEqual({ mediaType: 'application/json', charset: undefined });
    expect(parseContentType('text/html;foo=bar; charset=ISO-8859-1')).toEqual({
      mediaType: 'text/html',
      charset: 'iso-8859-1',
    });
    expect(parseContentType('garbage')).toBeUndefined();
    expect(parseContentType(undefined)).toBeUndefined();
  });

  it('picks the extension that nginx maps back to the same type', () => {
    expect(extensionOf('text/html; charset=utf-8')).toBe('html');
    expect(extensionOf('image/png')).toBe('png');
    expect(extensionOf('image/jpeg')).toBe('jpg');
    expect(extensionOf('application/json; charset=utf-8')).toBe('json');
    expect(extensionOf('application/json')).toBe('json');
    expect(extensionOf('image/svg+xml')).toBe('svg');
    expect(servedContentType(DEFAULT_CONTENT_TYPES[0]!)).toBe('text/html; charset=utf-8');
  });

  it('announces a charset only when it is true: HTML without one must be valid UTF-8, other charsets are refused', () => {
    expect(extensionOf('text/html', Buffer.from('<p>café</p>', 'utf8'))).toBe('html');
    expect(extensionOf('text/html', Buffer.from([0x3c, 0x70, 0x3e, 0xe9, 0x3c]))).toBe('refused:charset');
    expect(extensionOf('text/html; charset=iso-8859-1')).toBe('refused:charset');
    expect(extensionOf('application/pdf')).toBe('refused:content-type');
    expect(extensionOf(undefined)).toBe('refused:content-type');
  });

  it('validates a custom table at start-up with a typed error naming the entry', () => {
    const bad = (entries: unknown): string => {
      try {
        new ContentTypeTable(entries as never);
        return 'accepted';
      } catch (error) {
        expect(CachesetError.is(error, 'ERR_CACHESET_FS_INVALID_CONTENT_TYPES')).toBe(true);
        return (error as Error).message;
      }
    };
    expect(bad([])).toContain('non-empty');
    expect(bad([{ extension: 'tar.gz', mediaType: 'application/gzip' }])).toContain('without a dot');
    expect(bad([{ extension: 'gz', mediaType: 'application/gzip' }])).toContain('reserved');
    expect(
      bad([
        { extension: 'html', mediaType: 'text/html' },
        { extension: 'html', mediaType: 'text/plain' },
      ]),
    ).toContain('twice');
    expect(bad([{ extension: 'x', mediaType: 'Text/HTML' }])).toContain('mediaType');
    expect(bad([{ extension: 'x', mediaType: 'text/x', charset: 'utf 8' }])).toContain('charset');
    const custom = new ContentTypeTable([{ extension: 'htm', mediaType: 'text/html', charset: 'ISO-8859-1' }]);
    const match = custom.match('text/html; charset=iso-8859-1', ascii);
    expect('entry' in match && servedContentType(match.entry)).toBe('text/html; charset=iso-8859-1');
  });
});
