import { describe, expect, it } from 'vitest';
import { html } from './html.ts';

describe('html template', () => {
  it('escapes every interpolated value, in text and in quoted attributes', () => {
    const name = `<script>alert("x")</script> & 'y'`;
    expect(html`<p title="${name}">${name}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;</p>',
    );
  });

  it('keeps nested templates, joins arrays and drops null, undefined and false', () => {
    const rows = ['a<', 'b'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${rows}${null}${undefined}${false}${0}</ul>`.text).toBe(
      '<ul><li>a&lt;</li><li>b</li>0</ul>',
    );
  });
});
