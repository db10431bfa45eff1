import { isMap, isScalar, type Document, type LineCounter } from 'yaml';
import type { ConfigPath } from './ConfigSource.js';

/** Where `path` is in the original text (the loader's own rule: the key for key problems, else the value). */
export function positionIn(
  doc: Document,
  lines: LineCounter,
  path: ConfigPath,
  at: 'key' | 'value',
): { line: number; column: number } | undefined {
  if (at === 'key' && path.length > 0) {
    const parent: unknown = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === path[path.length - 1]);
      const range = isScalar(pair?.key) ? pair.key.range : undefined;
      if (range !== undefined && range !== null) {
        const { line, col } = lines.linePos(range[0]);
        return { line, column: col };
      }
    }
  }
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node: unknown = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range !== undefined) {
      const { line, col } = lines.linePos(range[0]);
      return { line, column: col };
    }
  }
  return undefined;
}
