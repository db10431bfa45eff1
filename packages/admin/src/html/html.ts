/** Markup that is already safe: built by `html`, never from raw input. */
export class SafeHtml {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

type Part = SafeHtml | string | number | boolean | null | undefined | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof SafeHtml) return part.text;
  if (Array.isArray(part)) return (part as readonly Part[]).map(render).join('');
  return escapeHtml(String(part));
}

/**
 * A tagged template that escapes every interpolated value unless it is `SafeHtml` (made by `html`
 * itself): the screens show paths, headers and policy values that came from requests and files.
 */
export function html(strings: TemplateStringsArray, ...values: readonly Part[]): SafeHtml {
  let text = strings[0] ?? '';
  for (let i = 0; i < values.length; i += 1) text += render(values[i] as Part) + (strings[i + 1] ?? '');
  return new SafeHtml(text);
}
