/** Markup that is already safe: made by the `html` tag, so it is inserted as it is. */
export class SafeHtml {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  toString(): string {
    return this.text;
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

function insert(value: unknown): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(insert).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * The templates' one tool: a tagged template that escapes every interpolated value (text and
 * attribute values alike) unless it is itself `html`; arrays are joined, and `undefined`, `null` and
 * `false` insert nothing, so `${cond && html`...`}` works. Escaping is the default, never a step to
 * remember; that is the whole of what a template engine would add here.
 */
export function html(strings: TemplateStringsArray, ...values: readonly unknown[]): SafeHtml {
  let text = strings[0] ?? '';
  for (let i = 0; i < values.length; i += 1) text += insert(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(text);
}
