import { fileURLToPath } from 'node:url';

// Two levels up from src/config/ and from dist/config/ alike: the package's own folder.
const root = new URL('../../', import.meta.url);

/** A file of the demo package (the policy, the stylesheet, the default data folder). */
export function packagePath(relative: string): string {
  return fileURLToPath(new URL(relative, root));
}
