import { extname } from 'node:path';
import { isMap, parseDocument, type Document } from 'yaml';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Writes `value` into the YAML node at `path`, mapping by mapping, so that the keys that keep their
 * value keep their comments too (a policy file explains itself in comments; an edit in the control
 * panel should not wipe them).
 */
function mergeInto(doc: Document, path: readonly string[], value: unknown): void {
  const node: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!isRecord(value) || !isMap(node)) {
    const current: unknown = path.length === 0 ? doc.toJS() : doc.getIn(path);
    if (JSON.stringify(current) !== JSON.stringify(value)) doc.setIn(path, doc.createNode(value));
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

/** The text of the policy file holding `document`, written over `previous` in the file's own format. */
export function policyText(file: string, previous: string, document: Record<string, unknown>): string {
  if (extname(file).toLowerCase() === '.json') return `${JSON.stringify(document, null, 2)}\n`;
  const doc = parseDocument(previous);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return parseDocument(JSON.stringify(document)).toString();
  mergeInto(doc, [], document);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** The document of a policy file's text, as plain JSON data. */
export function policyDocument(text: string): Record<string, unknown> {
  const value: unknown = parseDocument(text).toJS({ maxAliasCount: 100 });
  return isRecord(value) ? value : {};
}
