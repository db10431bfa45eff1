import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { packagePath } from '../config/packagePath.js';

/** The site's one stylesheet, with a version made from its content for a URL that never goes stale. */
export class Stylesheet {
  readonly text: string;
  readonly version: string;

  constructor(text: string) {
    this.text = text;
    this.version = createHash('sha256').update(text).digest('hex').slice(0, 12);
  }

  /** Changes whenever the file does, so browsers may keep each version for a year. */
  get url(): string {
    return `/static/${this.version}/gallery.css`;
  }

  static load(): Stylesheet {
    return new Stylesheet(readFileSync(packagePath('assets/gallery.css'), 'utf8'));
  }
}
