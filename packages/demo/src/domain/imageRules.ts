/** The rules an image's fields follow, shared by the edit form, the API and the seed. */
export const IMAGE_RULES = {
  titleMaxLength: 120,
  descriptionMaxLength: 2000,
  slugMaxLength: 80,
} as const;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
// Control characters other than tab and line breaks.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function titleProblem(title: string): string | undefined {
  const trimmed = title.trim();
  if (trimmed === '') return 'give the image a title.';
  if (trimmed.length > IMAGE_RULES.titleMaxLength)
    return `the title has ${trimmed.length} characters; at most ${IMAGE_RULES.titleMaxLength} fit.`;
  if (CONTROL.test(trimmed) || /[\r\n]/.test(trimmed)) return 'the title must be one line of text.';
  return undefined;
}

export function descriptionProblem(description: string): string | undefined {
  if (description.length > IMAGE_RULES.descriptionMaxLength)
    return `the description has ${description.length} characters; at most ${IMAGE_RULES.descriptionMaxLength} fit.`;
  if (CONTROL.test(description)) return 'the description holds control characters; use plain text.';
  return undefined;
}

export function slugProblem(slug: string): string | undefined {
  if (slug === '') return 'give the image a URL name, such as "quiet-harbour".';
  if (slug.length > IMAGE_RULES.slugMaxLength)
    return `the URL name has ${slug.length} characters; at most ${IMAGE_RULES.slugMaxLength} fit.`;
  if (!SLUG.test(slug))
    return 'use lower-case letters, digits and single hyphens between them, such as "quiet-harbour-2".';
  return undefined;
}

/** A URL name made from a title: "Quiet Harbour, Dawn" → "quiet-harbour-dawn". */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug === '' ? 'image' : slug;
}
