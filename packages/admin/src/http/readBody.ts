import type { IncomingMessage } from 'node:http';
import { adminError, AdminErrorCodes } from '../errors/adminErrorCodes.js';

/** The largest body the admin reads: a policy document is a few kilobytes. */
export const MAX_BODY_BYTES = 256 * 1024;

/** The body as text, refusing more than `MAX_BODY_BYTES` (413) before reading it all. */
export async function readText(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge() {
  return adminError(
    AdminErrorCodes.BAD_REQUEST,
    413,
    `The body is larger than ${MAX_BODY_BYTES} bytes; the admin takes small JSON documents and forms.`,
  );
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function isForm(req: IncomingMessage): boolean {
  return mediaType(req) === 'application/x-www-form-urlencoded';
}

/** A JSON body (400 when it is not JSON, or not sent as application/json). */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  if (mediaType(req) !== 'application/json')
    throw adminError(
      AdminErrorCodes.BAD_REQUEST,
      400,
      `Send the body as JSON with Content-Type: application/json (got ${JSON.stringify(req.headers['content-type'] ?? '')}).`,
    );
  const text = await readText(req);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw adminError(AdminErrorCodes.BAD_REQUEST, 400, `The body is not valid JSON: ${(error as Error).message}.`);
  }
}

/** A form body (application/x-www-form-urlencoded). */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams(await readText(req));
}
