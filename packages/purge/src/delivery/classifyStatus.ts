/** What to do with a proxy's answer. */
export type StatusVerdict = 'success' | 'retry' | 'reject';

/**
 * 2xx is done, and so is 404: the proxy had nothing cached under that URL, which is what a purge
 * wants (plone.cachepurging: "not found is valid"). 5xx, 408 and 429 are the proxy's temporary
 * trouble and are retried. Anything else (403 from the ACL, 400 for a bad BAN, 405, a redirect) will
 * not change by asking again: the request fails at once and the status is logged.
 */
export function classifyStatus(status: number): StatusVerdict {
  if ((status >= 200 && status < 300) || status === 404) return 'success';
  if (status >= 500 || status === 408 || status === 429) return 'retry';
  return 'reject';
}
