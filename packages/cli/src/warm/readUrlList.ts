import { cliError, CliErrorCodes } from '../errors/cliErrorCodes.js';

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name] ?? whole;
  });
}

/**
 * The URLs of a sitemap (`<urlset>`, each `<loc>`) or of a text list (one a line, `#` comments),
 * resolved against `base` when relative. Every bad entry is named with its line.
 */
export function readUrlList(text: string, file: string, base: URL | undefined): URL[] {
  const entries: { line: number; value: string }[] = [];
  if (/^\s*(<\?xml|<urlset|<sitemapindex)/.test(text)) {
    if (/<sitemapindex[\s>]/.test(text))
      throw cliError(CliErrorCodes.WARM_INPUT, `${file} is a sitemap index; warm each of the sitemaps it lists`, {
        file,
      });
    for (const match of text.matchAll(/<loc>\s*([^<]*?)\s*<\/loc>/g)) {
      const line = text.slice(0, match.index).split('\n').length;
      entries.push({ line, value: decodeXml(match[1] ?? '') });
    }
  } else {
    text.split(/\r?\n/).forEach((raw, index) => {
      const value = raw.trim();
      if (value !== '' && !value.startsWith('#')) entries.push({ line: index + 1, value });
    });
  }
  if (entries.length === 0)
    throw cliError(CliErrorCodes.WARM_INPUT, `${file} lists no URL; give a sitemap or one URL or path a line`, {
      file,
    });
  return entries.map(({ line, value }) => {
    let url: URL;
    try {
      url = base === undefined ? new URL(value) : new URL(value, base);
    } catch {
      throw cliError(
        CliErrorCodes.WARM_INPUT,
        `${file}:${line}: ${JSON.stringify(value)} is not a URL${base === undefined && value.startsWith('/') ? '; pass --base http://host:port/ (or --url) for paths' : ''}`,
        { file, line, value },
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw cliError(CliErrorCodes.WARM_INPUT, `${file}:${line}: ${JSON.stringify(value)} is not an http(s) URL`, {
        file,
        line,
        value,
      });
    return url;
  });
}
