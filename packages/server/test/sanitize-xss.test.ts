/**
 * Message sanitization over HTTP: a corpus of XSS vectors goes through send and through edit; every stored
 * result is parsed with htmlparser2 and must contain only allow-listed elements and attributes, safe links
 * with rel="noopener noreferrer", and nothing of a script or style body. Formatting and http links survive.
 */
import { Parser } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from './support/api.js';
import { chatUser, unique } from './support/chat.js';
import { createDialog, person } from './support/fixtures.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
let api: Api;
let dialogId: string;

beforeAll(async () => {
  server = await startServer();
  const u = unique('writer');
  dialogId = (await createDialog(server, { participants: [person(u)] })).id;
  api = await chatUser(server, u);
});
afterAll(async () => {
  await server?.close();
});

// ---------------------------------------------------------------------------------------------------------
// The policy (spec §3.3)
const ALLOWED_TAGS = new Set([
  'p',
  'br',
  'strong',
  'b',
  'em',
  'i',
  'u',
  's',
  'strike',
  'a',
  'ul',
  'ol',
  'li',
  'blockquote',
  'code',
  'pre',
  'span',
]);
const GLOBAL_ATTRS = ['lang', 'title'];
const TAG_ATTRS: Record<string, string[]> = {
  a: ['href', 'target', 'rel'],
  span: ['data-type', 'data-id', 'data-label', 'data-mention', 'class'],
  code: ['class'],
  pre: ['class'],
};
const BASE = new URL('https://parley.invalid/app/');

/** An href is safe when it is absolute http(s), or relative to the page's own origin (never protocol-relative). */
function hrefProblem(href: string): string | undefined {
  let absolute: URL | undefined;
  try {
    absolute = new URL(href);
  } catch {
    absolute = undefined;
  }
  if (absolute) return absolute.protocol === 'http:' || absolute.protocol === 'https:' ? undefined : `scheme ${absolute.protocol}`;
  let resolved: URL;
  try {
    resolved = new URL(href, BASE);
  } catch {
    return undefined; // Not a URL a browser would follow at all.
  }
  if (resolved.protocol !== BASE.protocol || resolved.host !== BASE.host) return `relative href leaves the origin (${resolved.href})`;
  return undefined;
}

interface Parsed {
  problems: string[];
  texts: string[];
}

/** Parses stored HTML and lists every way it breaks the policy. */
function audit(html: string): Parsed {
  const problems: string[] = [];
  const texts: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (!ALLOWED_TAGS.has(name)) problems.push(`element <${name}>`);
        const allowed = [...GLOBAL_ATTRS, ...(TAG_ATTRS[name] ?? [])];
        for (const [attr, value] of Object.entries(attribs)) {
          if (!allowed.includes(attr)) problems.push(`attribute ${attr} on <${name}>`);
          if (attr === 'href') {
            const p = hrefProblem(value);
            if (p) problems.push(`href ${JSON.stringify(value)}: ${p}`);
          }
        }
        if (name === 'a' && attribs.rel !== 'noopener noreferrer') problems.push(`<a> with rel=${JSON.stringify(attribs.rel)}`);
      },
      ontext(text) {
        texts.push(text);
      },
      oncomment() {
        problems.push('comment');
      },
      oncdatastart() {
        problems.push('CDATA');
      },
      onprocessinginstruction(name) {
        problems.push(`processing instruction ${name}`);
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return { problems, texts };
}

/** The bodies of real <script> and <style> elements of an input, as an HTML parser sees them. */
function scriptBodies(html: string): string[] {
  const bodies: string[] = [];
  let depth = 0;
  let current = '';
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'script' || name === 'style') depth += 1;
      },
      ontext(text) {
        if (depth > 0) current += text;
      },
      onclosetag(name) {
        if ((name === 'script' || name === 'style') && depth > 0) {
          depth -= 1;
          if (current.trim()) bodies.push(current.trim());
          current = '';
        }
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  if (current.trim()) bodies.push(current.trim());
  return bodies;
}

// ---------------------------------------------------------------------------------------------------------
// The corpus
const CORPUS: string[] = [
  // script elements
  '<script>alert(1)</script>',
  '<SCRIPT>alert(1)</SCRIPT>',
  '<script src="https://evil.example/x.js"></script>',
  '<script>alert(1)',
  '<scr<script>ipt>alert(1)</script>',
  '<<script>alert(1);//<</script>',
  '<script/xss src=//evil.example/x.js></script>',
  '<script type="text/javascript">alert(1)</script>',
  '<script\n>alert(1)</script\n>',
  '</script><script>alert(1)</script>',
  '<p>hi<script>alert(1)</script></p>',
  "<script>document.write('<img src=x onerror=alert(1)>')</script>",
  '<script>/*</script><img src=x onerror=alert(1)>*/</script>',
  // event handlers
  '<img src=x onerror=alert(1)>',
  '<img src="x" onerror="alert(1)">',
  '<IMG SRC=x OnErRoR=alert(1)>',
  '<img src=x onerror=alert(1)//',
  '<body onload=alert(1)>',
  '<p onclick="alert(1)">click</p>',
  '<a href="https://ok.example" onmouseover="alert(1)">x</a>',
  '<span onfocus=alert(1) autofocus tabindex=0>x</span>',
  '<div onpointerenter=alert(1)>x</div>',
  '<input autofocus onfocus=alert(1)>',
  '<select onfocus=alert(1) autofocus>',
  '<textarea onfocus=alert(1) autofocus>',
  '<keygen autofocus onfocus=alert(1)>',
  '<video><source onerror="alert(1)"></video>',
  '<audio src=x onerror=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<marquee onstart=alert(1)>x</marquee>',
  '<b onmouseover=alert(1)>bold</b>',
  '<strong/onclick=alert(1)>x</strong>',
  '<em\tonclick=alert(1)>x</em>',
  '<i onclick\n=alert(1)>x</i>',
  '<u """ onclick=alert(1)>x</u>',
  '<span title="x" onclick="alert(1)">x</span>',
  '<code class="x" onclick=alert(1)>x</code>',
  '<ul><li onclick=alert(1)>x</li></ul>',
  '<x onclick=alert(1)>custom</x>',
  '<a:b onclick=alert(1)>x</a:b>',
  '<img src=x:alert(alt) onerror=eval(src) alt=0>',
  '<img/src=x/onerror=alert(1)>',
  // javascript: URLs
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JAVASCRIPT:alert(1)">x</a>',
  '<a href=" javascript:alert(1)">x</a>',
  '<a href="java\tscript:alert(1)">x</a>',
  '<a href="java\nscript:alert(1)">x</a>',
  '<a href="java&#x09;script:alert(1)">x</a>',
  '<a href="java&#9;script:alert(1)">x</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
  '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
  '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',
  '<a href="javascript&colon;alert(1)">x</a>',
  '<a href="jav&#x0A;ascript:alert(1)">x</a>',
  '<a href="\u0001javascript:alert(1)">x</a>',
  '<a href="&#14;javascript:alert(1)">x</a>',
  '<a href="java\u0000script:alert(1)">x</a>',
  '<a href="javascript://%0aalert(1)">x</a>',
  '<a href="javascript:alert%281%29">x</a>',
  "<a href='javascript:alert(1)'>x</a>",
  '<a href=javascript:alert(1)>x</a>',
  '<a href="javas<!-- -->cript:alert(1)">x</a>',
  '<a href="&#x20;javascript:alert(1)">x</a>',
  '<a href="javascript&#58;alert(1)">x</a>',
  '<a href="j&#x61;vascript:alert(1)">x</a>',
  '<a href="%6A%61%76%61%73%63%72%69%70%74:alert(1)">x</a>',
  '<a href="javascript:alert(1)" target="_blank">x</a>',
  '<a href="javascript:alert(1)"><b>nested</b></a>',
  '<a/href="javascript:alert(1)">x</a>',
  '<a href="javascript:alert(1)" href="https://ok.example">x</a>',
  '<a href="https://ok.example" href="javascript:alert(1)">x</a>',
  '<a href="\\u006Aavascript:alert(1)">x</a>',
  '<a href="ｊａｖａｓｃｒｉｐｔ:alert(1)">x</a>',
  '<a href="javascript\u2028:alert(1)">x</a>',
  // data:, vbscript: and other schemes
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<a href="data:text/html,<script>alert(1)</script>">x</a>',
  '<a href="DATA:text/html,alert(1)">x</a>',
  '<a href=" data:text/html,alert(1)">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="VBScript:alert(1)">x</a>',
  '<a href="livescript:alert(1)">x</a>',
  '<a href="mocha:alert(1)">x</a>',
  '<a href="file:///etc/passwd">x</a>',
  '<a href="mailto:x@example.com">x</a>',
  '<a href="tel:+100">x</a>',
  '<a href="//evil.example/">x</a>',
  '<a href="/\\evil.example/">x</a>',
  '<a href="\\\\evil.example/">x</a>',
  '<a href=" //evil.example">x</a>',
  '<a href="\t//evil.example">x</a>',
  '<a href="https:evil.example">x</a>',
  // svg, math, iframe, object, embed
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
  '<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
  '<svg><set attributeName="href" to="javascript:alert(1)"/></svg>',
  '<svg><foreignObject><iframe src="javascript:alert(1)"></iframe></foreignObject></svg>',
  '<svg><style>&lt;img src=x onerror=alert(1)&gt;</style></svg>',
  '<math href="javascript:alert(1)">x</math>',
  '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<iframe src="data:text/html,<script>alert(1)</script>">',
  '<object data="javascript:alert(1)">',
  '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
  '<object><param name="src" value="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
  '<applet code="x"></applet>',
  '<frameset><frame src="javascript:alert(1)"></frameset>',
  // style, expression
  '<style>*{background:url("javascript:alert(1)")}</style>',
  '<p style="background:url(javascript:alert(1))">x</p>',
  '<span style="width:expression(alert(1))">x</span>',
  '<div style="behavior:url(x.htc)">x</div>',
  '<link rel="stylesheet" href="javascript:alert(1)">',
  '<style>@import "javascript:alert(1)";</style>',
  '<p style="-moz-binding:url(https://evil.example/xss.xml#x)">x</p>',
  '<pre class="x"><code class="language-js" style="color:red">x</code></pre>',
  // meta refresh, base
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<meta http-equiv="refresh" content="0;url=data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
  '<base href="javascript:alert(1)//">',
  // forms
  '<form action="javascript:alert(1)"><button>x</button></form>',
  '<form><button formaction="javascript:alert(1)">x</button></form>',
  '<input type="image" src=x formaction=javascript:alert(1)>',
  '<isindex action=javascript:alert(1) type=image>',
  '<div id="x" name="y" formaction="javascript:alert(1)">x</div>',
  // nested and malformed tags
  '<<img src=x onerror=alert(1)>>',
  '<img """><script>alert(1)</script>">',
  '<a href="https://ok.example/"<script>alert(1)</script>>x</a>',
  '<p title="</p><script>alert(1)</script>">x</p>',
  '<span title="&quot;><img src=x onerror=alert(1)>">x</span>',
  "<a title='x' href='https://ok.example/' onclick='alert(1)'<b>x</b>",
  '<b><i><u><s><script>alert(1)</script></s></u></i></b>',
  '<table><td><img src=x onerror=alert(1)></td></table>',
  '<blockquote cite="javascript:alert(1)">x</blockquote>',
  // comments, CDATA, declarations
  '<!--<img src=x onerror=alert(1)>-->',
  '<!-- --!><img src=x onerror=alert(1)>-->',
  '<!--[if IE]><script>alert(1)</script><![endif]-->',
  '<![CDATA[<script>alert(1)</script>]]>',
  '<p><![CDATA[x]]><img src=x onerror=alert(1)></p>',
  '<?xml version="1.0"?><script>alert(1)</script>',
  '<!DOCTYPE html><script>alert(1)</script>',
  // entity tricks
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '&#60;img src=x onerror=alert(1)&#62;',
  '<a href="https://ok.example/?a=1&amp;b=<script>">x</a>',
  '<span title="&#x22;&#x3E;&#x3C;script&#x3E;alert(1)">x</span>',
  '<img src=x onerror=\\u0061lert(1)>',
  '<scrİpt>alert(1)</scrİpt>',
  // mutation XSS (parser round-trip differences)
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
  '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  '<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title="</style><img src onerror=alert(1)>"></style></h1>',
  '<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>',
  '<listing>&lt;img src=x onerror=alert(1)&gt;</listing>',
  '<textarea></textarea><img src=x onerror=alert(1)></textarea>',
  '<xmp><img src=x onerror=alert(1)></xmp>',
  '<noembed><img src=x onerror=alert(1)></noembed>',
  '<template><script>alert(1)</script></template>',
  '<title><img src=x onerror=alert(1)></title>',
  '<plaintext><img src=x onerror=alert(1)>',
  '<select><style></select><img src=x onerror=alert(1)></style>',
  '<a href="https://ok.example/" target="_blank" rel="opener" referrerpolicy="unsafe-url" ping="https://evil.example">x</a>',
  '<span data-mention="1" data-foo="x" onclick="alert(1)" class="mention">@x</span>',
  '<p lang="en" title="ok" dir="rtl" id="x">x</p>',
  '<img src="https://ok.example/x.png">',
];

describe('XSS corpus', () => {
  it('has at least 100 distinct vectors', () => {
    expect(new Set(CORPUS).size).toBe(CORPUS.length);
    expect(CORPUS.length).toBeGreaterThanOrEqual(100);
  });

  CORPUS.forEach((vector, i) => {
    it(`#${i}: ${JSON.stringify(vector).slice(0, 90)}`, async () => {
      if (vector.includes('\u0000')) {
        // PostgreSQL text cannot hold NUL: the request is refused before anything is stored.
        expect((await api.post(`/api/v1/dialogs/${dialogId}/messages`, { content: vector })).body.error.code).toBe('INVALID_INPUT');
        return;
      }
      const sent = await api.post(`/api/v1/dialogs/${dialogId}/messages`, { content: vector });
      expect(sent.status, sent.text).toBe(200);
      const stored = sent.body.data.content as string;
      const id = sent.body.data.id as string;
      expect((await api.get(`/api/v1/dialogs/${dialogId}/messages/${id}`)).body.data.content).toBe(stored);

      // Through edit: the same result, and the result is stable when sanitized again.
      const path = `/api/v1/dialogs/${dialogId}/messages/${id}`;
      const edited = await api.put(path, { content: vector });
      expect(edited.status, edited.text).toBe(200);
      expect(edited.body.data.content).toBe(stored);
      const again = await api.put(path, { content: stored });
      expect(again.body.data.content, 'sanitizing the output again changes it').toBe(stored);

      const { problems, texts } = audit(stored);
      expect(problems, `stored: ${stored}`).toEqual([]);
      const text = texts.join('');
      for (const body of scriptBodies(vector)) expect(text, `script/style body survived in: ${stored}`).not.toContain(body);
    });
  });
});

describe('what survives', () => {
  const cases: Array<[string, string, string]> = [
    [
      'formatting',
      '<p><strong>bold</strong> <b>b</b> <em>em</em> <i>i</i> <u>u</u> <s>s</s> <strike>k</strike></p>',
      '<p><strong>bold</strong> <b>b</b> <em>em</em> <i>i</i> <u>u</u> <s>s</s> <strike>k</strike></p>',
    ],
    [
      'lists and quotes',
      '<ul><li>one</li></ul><ol><li>two</li></ol><blockquote>q</blockquote>',
      '<ul><li>one</li></ul><ol><li>two</li></ol><blockquote>q</blockquote>',
    ],
    [
      'code blocks',
      '<pre class="language-ts"><code class="language-ts">const a = 1;</code></pre>',
      '<pre class="language-ts"><code class="language-ts">const a = 1;</code></pre>',
    ],
    [
      'an https link, with target',
      '<a href="https://example.com/a?b=1&c=2" target="_blank">link</a>',
      '<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">link</a>',
    ],
    ['an http link', '<a href="http://example.com/">http</a>', '<a href="http://example.com/" rel="noopener noreferrer">http</a>'],
    [
      'relative links',
      '<a href="/docs#x">d</a><a href="#top">t</a><a href="page.html">p</a>',
      '<a href="/docs#x" rel="noopener noreferrer">d</a><a href="#top" rel="noopener noreferrer">t</a><a href="page.html" rel="noopener noreferrer">p</a>',
    ],
    ['a link without href still gets rel', '<a>plain</a>', '<a rel="noopener noreferrer">plain</a>'],
    [
      'a user rel is replaced',
      '<a href="https://x.example/" rel="opener">x</a>',
      '<a href="https://x.example/" rel="noopener noreferrer">x</a>',
    ],
    ['a javascript link keeps its text', '<a href="javascript:alert(1)">click</a>', '<a rel="noopener noreferrer">click</a>'],
    [
      'a mention',
      '<span data-type="mention" data-id="u1" data-label="Bob" data-mention="true" class="mention">@Bob</span>',
      '<span data-type="mention" data-id="u1" data-label="Bob" data-mention="true" class="mention">@Bob</span>',
    ],
    ['lang and title everywhere', '<p lang="en" title="t">x</p>', '<p lang="en" title="t">x</p>'],
    ['plain text is entity-encoded', 'a & b < c', 'a &amp; b &lt; c'],
    ['plain text with > and non-ASCII', 'x > y, Привет 👋', 'x &gt; y, Привет 👋'],
    ['disallowed elements are unwrapped, their text kept', '<div>kept <custom>text</custom></div>', 'kept text'],
  ];
  for (const [name, input, output] of cases) {
    it(name, async () => {
      const res = await api.post(`/api/v1/dialogs/${dialogId}/messages`, { content: input });
      expect(res.status).toBe(200);
      expect(res.body.data.content).toBe(output);
      expect(audit(output).problems).toEqual([]);
    });
  }

  it('line breaks survive as <br>', async () => {
    const res = await api.post(`/api/v1/dialogs/${dialogId}/messages`, { content: 'one<br>two' });
    expect(res.body.data.content).toMatch(/^one<br ?\/?>two$/);
  });
});
