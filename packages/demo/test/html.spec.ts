import { describe, expect, it } from 'vitest';
import { html } from '../src/views/html.js';

describe('html', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const title = `<script>alert("x")</script> & 'quotes'`;
    expect(html`<a title="${title}">${title}</a>`.text).toBe(
      '<a title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</a>',
    );
  });

  it('inserts nested html as it is, joins arrays, and drops undefined, null and false', () => {
    const items = ['a<b', 'c'].map((item) => html`<li>${item}</li>`);
    // prettier-ignore
    const list = html`<ul>${items}</ul>${undefined}${null}${false}${0}`;
    expect(list.text).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
  });
});
