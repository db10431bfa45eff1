/** The form a Redis URL must have, for error messages. */
export const REDIS_URL_FORM =
  'redis://host:port[/db] or rediss://host:port[/db] (user:password@ before the host if needed)';

/**
 * Why `url` is not a Redis server address ioredis reads as meant, or undefined when it is. ioredis
 * parses URLs with Node's lenient legacy parser: `redis:/127.0.0.1:6379` (one slash) becomes a Unix
 * socket path and `redis://host/cache` a database named NaN, so what it would misread is refused here.
 */
export function redisUrlProblem(url: unknown): string | undefined {
  if (typeof url !== 'string') return 'expected a string';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') return 'the scheme must be redis: or rediss:';
  if (!/^rediss?:\/\//i.test(url)) return 'two slashes must follow the scheme';
  if (parsed.hostname === '') return 'the host is missing';
  if (parsed.pathname !== '' && parsed.pathname !== '/' && !/^\/\d+$/.test(parsed.pathname))
    return 'the path can only be a database number';
  if (parsed.hash !== '') return 'a fragment (#...) has no meaning here';
  return undefined;
}
