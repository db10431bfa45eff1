import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The shipped VCL, exactly as documented (`docs/varnish/cacheset.vcl`). */
export async function shippedVcl(): Promise<string> {
  return await readFile(fileURLToPath(new URL('../../docs/varnish/cacheset.vcl', import.meta.url)), 'utf8');
}
