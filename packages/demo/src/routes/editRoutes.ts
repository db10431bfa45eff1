import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fieldErrorsOf, invalidInput } from '../domain/DemoErrorCodes.js';
import { Image } from '../domain/Image.js';
import type { Site } from '../server/Site.js';
import { sameSecret } from '../server/EditorAuth.js';
import { EditImageView, type EditFormValues } from '../views/EditImageView.js';
import { ErrorPageView } from '../views/ErrorPageView.js';
import { notFound, renderView } from './renderView.js';
import { readEditForm } from './readEditForm.js';

type SlugRequest = FastifyRequest<{ Params: { slug: string } }>;

const valuesOf = (image: Image): EditFormValues => ({
  title: image.title,
  description: image.description,
  slug: image.slug,
  flagged: image.flagged,
});

/**
 * `/images/:slug/edit`: the edit form and what it posts. Only the editor gets here; the form goes
 * through the same domain methods as the API (`gallery.edit`, `gallery.remove`), and a refused edit
 * shows the form again with what was typed and a message per field.
 */
export function editRoutes(app: FastifyInstance, site: Site): void {
  const editing = { config: { cacheRuleset: 'gallery.editing' } };

  /** The image, or an answer already sent (log in first, a redirect after a rename, a 404). */
  function imageFor(request: SlugRequest, reply: FastifyReply): Image | FastifyReply {
    const { slug } = request.params;
    if (!site.auth.visitor(request.raw).editor)
      return reply.redirect(`/login?next=${encodeURIComponent(`/images/${slug}/edit`)}`, 303);
    const image = site.gallery.findBySlug(slug);
    if (image !== undefined) return image;
    const moved = site.gallery.movedFrom(slug);
    if (moved !== undefined) return reply.redirect(`/images/${moved.slug}/edit`, 301);
    return renderView(site, request, reply, notFound(site, request, `No image lives at /images/${slug}.`));
  }

  app.get<{ Params: { slug: string } }>('/images/:slug/edit', editing, (request, reply) => {
    const image = imageFor(request, reply);
    if (!(image instanceof Image)) return image;
    const view = new EditImageView(image, site.auth.visitor(request.raw), site.stylesheet, { values: valuesOf(image) });
    return renderView(site, request, reply, view);
  });

  app.post<{ Params: { slug: string } }>('/images/:slug/edit', editing, async (request, reply) => {
    const image = imageFor(request, reply);
    if (!(image instanceof Image)) return image;
    const visitor = site.auth.visitor(request.raw);
    const form = await readEditForm(request);
    const { fields } = form;
    if (!sameSecret(fields.csrf ?? '', visitor.csrfToken ?? '')) {
      const view = new ErrorPageView(
        403,
        'Form expired',
        'This form was not sent from your current session. Open the edit page again and save from there.',
        visitor,
        site.stylesheet,
      );
      return renderView(site, request, reply, view);
    }
    if (fields.action === 'delete') {
      if (fields.confirm !== 'yes') return reply.redirect(`/images/${image.slug}/edit`, 303);
      site.gallery.remove(image.id);
      return reply.redirect('/', 303);
    }
    const values: EditFormValues = {
      title: fields.title ?? image.title,
      description: (fields.description ?? image.description).replace(/\r\n/g, '\n'),
      slug: (fields.slug ?? image.slug).trim(),
      flagged: fields.flagged === 'on',
    };
    try {
      if (Object.keys(form.errors).length > 0) throw invalidInput(form.errors);
      const saved = site.gallery.edit(image.id, { ...values, ...(form.file === undefined ? {} : { file: form.file }) });
      return reply.redirect(`/images/${saved.slug}`, 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (errors === undefined) throw error;
      const view = new EditImageView(image, visitor, site.stylesheet, { values, errors });
      return renderView(site, request, reply, view);
    }
  });
}
