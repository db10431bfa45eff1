/**
 * The editor's side of the gallery through the HTML forms, as a browser sends them: log in, edit
 * with the multipart form (refused values come back with messages and what was typed), replace an
 * image with an upload, delete; a form without its CSRF token, or without a session, changes nothing.
 */
import { encodeJpeg, drawArtwork, type Image } from '@cacheset/demo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from './support/demo.js';

let demo: Demo;
let cookie: string;
let images: Image[];

beforeAll(async () => {
  demo = await startDemo({ images: 4 });
  images = demo.running.site.gallery.newest(10);
  cookie = await demo.login();
});

afterAll(async () => {
  await demo?.stop();
});

const image = (index: number): Image => images[index] as Image;

async function editPage(slug: string): Promise<{ html: string; csrf: string }> {
  const page = await fetch(`${demo.base}/images/${slug}/edit`, { headers: { cookie }, redirect: 'manual' });
  const html = await page.text();
  return { html, csrf: /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '' };
}

function post(slug: string, fields: Record<string, string>, file?: { bytes: Buffer; name: string; type: string }) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file !== undefined) form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
  return fetch(`${demo.base}/images/${slug}/edit`, {
    method: 'POST',
    body: form,
    headers: { cookie },
    redirect: 'manual',
  });
}

describe('editing through the forms', () => {
  it('sends an anonymous visitor to the login page, and never caches the form', async () => {
    const anonymous = await fetch(`${demo.base}/images/${image(0).slug}/edit`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(
      `/login?next=${encodeURIComponent(`/images/${image(0).slug}/edit`)}`,
    );
    const form = await fetch(`${demo.base}/images/${image(0).slug}/edit`, { headers: { cookie } });
    expect(form.status).toBe(200);
    expect(form.headers.get('cache-control')).toBe('max-age=0, must-revalidate, private, no-store');
  });

  it('shows a refused edit again with a message per field and what was typed, and changes nothing', async () => {
    const target = image(0);
    const { csrf } = await editPage(target.slug);
    const answer = await post(
      target.slug,
      { csrf, action: 'save', title: '', description: 'Typed <b>before</b> the error', slug: 'Bad Slug' },
      { bytes: Buffer.from('not an image at all'), name: 'notes.txt', type: 'text/plain' },
    );
    expect(answer.status).toBe(400);
    const html = await answer.text();
    expect(html).toContain('give the image a title.');
    expect(html).toContain('use lower-case letters, digits and single hyphens');
    expect(html).toContain('the file is not a PNG or JPEG image');
    expect(html).toContain('Typed &lt;b&gt;before&lt;/b&gt; the error');
    expect(html).toContain('value="Bad Slug"');
    expect(demo.running.site.gallery.find(target.id)?.title).toBe(target.title);
  });

  it('saves an edit and a replacement image, and redirects to the image page', async () => {
    const target = image(1);
    const { csrf } = await editPage(target.slug);
    const jpeg = encodeJpeg(drawArtwork(77, 640, 480));
    const answer = await post(
      target.slug,
      { csrf, action: 'save', title: 'Replaced by upload', description: 'New.', slug: target.slug },
      { bytes: jpeg.bytes, name: 'new.jpg', type: 'image/jpeg' },
    );
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe(`/images/${target.slug}`);
    const data = await demo.get(`/data/${target.id}`);
    expect(data.headers['content-type']).toBe('image/jpeg');
    expect(data.body.equals(jpeg.bytes)).toBe(true);
    const thumb = await demo.get(`/data/${target.id}/thumb`);
    expect(thumb.body.equals(demo.running.site.gallery.storedFile(target.id, 'thumb')?.bytes ?? Buffer.alloc(0))).toBe(
      true,
    );
    expect((await demo.get(`/images/${target.slug}`)).text).toContain('Replaced by upload');
  });

  it('refuses a form without the session’s CSRF token', async () => {
    const target = image(2);
    const answer = await post(target.slug, { csrf: 'forged', action: 'save', title: 'Forged' });
    expect(answer.status).toBe(403);
    expect(demo.running.site.gallery.find(target.id)?.title).toBe(target.title);
  });

  it('deletes an image from the form, once confirmed', async () => {
    const target = image(3);
    const { csrf } = await editPage(target.slug);
    const unconfirmed = await post(target.slug, { csrf, action: 'delete' });
    expect(unconfirmed.status).toBe(303);
    expect(demo.running.site.gallery.find(target.id)).toBeDefined();
    const confirmed = await post(target.slug, { csrf, action: 'delete', confirm: 'yes' });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe('/');
    expect((await demo.get(`/images/${target.slug}`)).status).toBe(404);
  });

  it('refuses a wrong token at the login form, and logs out', async () => {
    const form = await fetch(`${demo.base}/login`);
    const csrfCookie = (form.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const wrong = await fetch(`${demo.base}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
      body: new URLSearchParams({ token: 'not-the-token', csrf }).toString(),
      redirect: 'manual',
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('That is not the editor token.');
    const page = await (await fetch(`${demo.base}/`, { headers: { cookie } })).text();
    const logoutCsrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const out = await fetch(`${demo.base}/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ csrf: logoutCsrf }).toString(),
      redirect: 'manual',
    });
    expect(out.status).toBe(303);
    const after = await (await fetch(`${demo.base}/`, { headers: { cookie } })).text();
    expect(after).toContain('Log in');
  });
});
