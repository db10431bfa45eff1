/** What a view produces: the route sends it as it is. */
export interface Rendered {
  readonly status: number;
  readonly contentType: string;
  readonly body: string | Buffer;
  /** For redirects. */
  readonly location?: string;
}

export const HTML = 'text/html; charset=utf-8';

export function htmlPage(body: { toString(): string }, status = 200): Rendered {
  return { status, contentType: HTML, body: body.toString() };
}
