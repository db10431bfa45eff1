import { cacheRuleset } from '@cacheset/core';
import type { FieldErrors } from '../domain/DemoErrorCodes.js';
import type { Image } from '../domain/Image.js';
import { IMAGE_RULES } from '../domain/imageRules.js';
import { UPLOAD_LIMITS } from '../images/decodeImage.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import { htmlPage, type Rendered } from './Rendered.js';
import type { Stylesheet } from './Stylesheet.js';
import type { Visitor } from './Visitor.js';

/** What the form shows: the image's values, or what the editor typed when the edit was refused. */
export interface EditFormValues {
  readonly title: string;
  readonly description: string;
  readonly slug: string;
  readonly flagged: boolean;
}

export interface EditFormState {
  readonly values: EditFormValues;
  readonly errors?: FieldErrors;
}

function fieldError(errors: FieldErrors | undefined, field: string): SafeHtml | string {
  const message = errors?.[field];
  return message === undefined ? '' : html`<p class="field-error" id="${field}-error">${message}</p>`;
}

const described = (errors: FieldErrors | undefined, field: string): string =>
  errors?.[field] === undefined ? '' : `${field}-error`;

/** `/images/:slug/edit`: the edit form (editors only; never cached). */
@cacheRuleset('gallery.editing')
export class EditImageView {
  constructor(
    readonly context: Image,
    readonly visitor: Visitor,
    readonly stylesheet: Stylesheet,
    readonly state: EditFormState,
  ) {}

  render(): Rendered {
    const image = this.context;
    const { values, errors } = this.state;
    const csrf = this.visitor.csrfToken ?? '';
    const maxMb = Math.round(UPLOAD_LIMITS.maxBytes / 1024 / 1024);
    const main = html`<nav class="crumbs"><a href="/images/${image.slug}">← Back to the image</a></nav>
      <h1>Edit “${image.title}”</h1>
      ${
        errors !== undefined &&
        html`<div class="alert" role="alert">
          <p>The image was not changed. Correct what is marked below and save again.</p>
        </div>`
      }
      <div class="edit-layout">
        <img class="edit-preview" src="/data/${image.id}/thumb" width="480" height="360" alt="" />
        <form class="form" method="post" action="/images/${image.slug}/edit" enctype="multipart/form-data">
          <input type="hidden" name="csrf" value="${csrf}" />
          <input type="hidden" name="action" value="save" />
          <label for="title">Title</label>
          <input
            id="title"
            name="title"
            value="${values.title}"
            maxlength="${IMAGE_RULES.titleMaxLength}"
            required
            aria-describedby="${described(errors, 'title')}"
          />
          ${fieldError(errors, 'title')}
          <label for="description">Description</label>
          <textarea
            id="description"
            name="description"
            rows="6"
            maxlength="${IMAGE_RULES.descriptionMaxLength}"
            aria-describedby="${described(errors, 'description')}"
          >
${values.description}</textarea>
          ${fieldError(errors, 'description')}
          <label for="slug">Address</label>
          <div class="prefixed">
            <span>/images/</span
            ><input
              id="slug"
              name="slug"
              value="${values.slug}"
              maxlength="${IMAGE_RULES.slugMaxLength}"
              aria-describedby="${described(errors, 'slug')}"
            />
          </div>
          <p class="hint">Renaming moves the page; the old address redirects to the new one.</p>
          ${fieldError(errors, 'slug')}
          <label for="file">Replace image</label>
          <input
            id="file"
            name="file"
            type="file"
            accept="image/png,image/jpeg"
            aria-describedby="${described(errors, 'file')}"
          />
          <p class="hint">
            A PNG or JPEG of at most ${maxMb}
            MB${errors === undefined ? '' : '; choose the file again after a refused edit'}.
          </p>
          ${fieldError(errors, 'file')}
          <label class="check"
            ><input type="checkbox" name="flagged" value="on" ${values.flagged ? html`checked` : ''} /> Withdrawn: show
            a placeholder instead of the image</label
          >
          <div class="actions">
            <button class="button" type="submit">Save changes</button> <a href="/images/${image.slug}">Cancel</a>
          </div>
        </form>
      </div>
      <form class="danger" method="post" action="/images/${image.slug}/edit" enctype="multipart/form-data">
        <h2>Delete this image</h2>
        <p>Its page and its data disappear at once, from every cache.</p>
        <input type="hidden" name="csrf" value="${csrf}" />
        <input type="hidden" name="action" value="delete" />
        <label class="check"
          ><input type="checkbox" name="confirm" value="yes" required /> Yes, delete “${image.title}”</label
        >
        <button class="button button-danger" type="submit">Delete</button>
      </form>`;
    return htmlPage(
      layout({ title: `Edit ${image.title}`, visitor: this.visitor, stylesheet: this.stylesheet, main }),
      errors === undefined ? 200 : 400,
    );
  }
}
