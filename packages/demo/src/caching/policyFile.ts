import { packagePath } from '../config/packagePath.js';

/** The caching policy the gallery ships: rulesets with titles and descriptions, and how each is cached. */
export const POLICY_FILE = packagePath('cacheset.yaml');
