import { isDeepStrictEqual } from 'node:util';
import { extname } from 'node:path';
import { Document, isMap, parseDocument } from 'yaml';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Edit = readonly [start: number, end: number, text: string];

/** The value as YAML text for one spot: a scalar as YAML writes it, a collection in flow style. */
function inline(value: unknown): string {
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return new Document(value).toString().trimEnd();
}

/**
 * The text edits that turn the old values into the new ones in place, each changed value replaced
 * where it stands; undefined when the edit adds or removes keys (a change of structure).
 */
function editsFor(doc: Document, path: readonly string[], before: unknown, after: unknown, edits: Edit[]): boolean {
  if (isDeepStrictEqual(before, after)) return true;
  const node: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (isRecord(before) && isRecord(after) && isMap(node)) {
    const keys = Object.keys(after);
    if (keys.length !== Object.keys(before).length || keys.some((k) => !Object.hasOwn(before, k))) return false;
    return keys.every((k) => editsFor(doc, [...path, k], before[k], after[k], edits));
  }
  const range = (node as { range?: [number, number, number] } | null)?.range;
  if (range === undefined || path.length === 0) return false;
  edits.push([range[0], range[1], inline(after)]);
  return true;
}

/**
 * Writes `value` into the YAML node at `path`, mapping by mapping, so that the keys that keep their
 * value keep their comments too.
 */
function mergeInto(doc: Document, path: readonly string[], value: unknown): void {
  const node: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!isRecord(value) || !isMap(node)) {
    const current: unknown = path.length === 0 ? doc.toJS() : doc.getIn(path);
    if (!isDeepStrictEqual(current, value)) doc.setIn(path, doc.createNode(value));
    return;
  }
  for (const item of [...node.items]) {
    const key = (item.key as { value?: unknown } | null)?.value ?? item.key;
    if (typeof key === 'string' && !Object.hasOwn(value, key)) doc.deleteIn([...path, key]);
  }
  for (const [key, child] of Object.entries(value)) {
    if (doc.hasIn([...path, key])) mergeInto(doc, [...path, key], child);
    else doc.setIn([...path, key], doc.createNode(child));
  }
}

/**
 * The text of the policy file holding `document`, written over `previous` in the file's own format.
 * A YAML file is edited in place where only values changed, so that everything the edit leaves
 * alone (comments, layout, quoting, folded descriptions) stays as written; an edit that adds or
 * removes keys rewrites the document, comments kept.
 */
export function policyText(file: string, previous: string, document: Record<string, unknown>): string {
  if (extname(file).toLowerCase() === '.json') return `${JSON.stringify(document, null, 2)}\n`;
  const doc = parseDocument(previous);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return new Document(document).toString();
  const edits: Edit[] = [];
  if (editsFor(doc, [], doc.toJS(), document, edits)) {
    let text = previous;
    for (const [start, end, replacement] of [...edits].sort((a, b) => b[0] - a[0]))
      text = text.slice(0, start) + replacement + text.slice(end);
    // Checked: the edited text must say exactly the new document, or the whole document is rewritten.
    if (isDeepStrictEqual(parseDocument(text).toJS(), document)) return text;
  }
  const rewritten = parseDocument(previous);
  mergeInto(rewritten, [], document);
  return rewritten.toString();
}

/** The document of a policy file's text, as plain JSON data. */
export function policyDocument(text: string): Record<string, unknown> {
  const value: unknown = parseDocument(text).toJS({ maxAliasCount: 100 });
  return isRecord(value) ? value : {};
}
