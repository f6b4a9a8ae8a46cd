import type { LoginBot } from './bot-origin.service.js';
import { contentSecurityPolicy, escapeHtml, jsonForHtml } from './browser-page.js';
import { renderErrorPage, renderLoginPage, renderSuccessPage } from './login-pages.js';
import { describeWait } from './login-page.service.js';

const bot: LoginBot = {
  id: 'shop',
  origin: 'https://shop.example.com',
  origins: ['https://shop.example.com', 'https://www.shop.example.com'],
  config: { origins: ['https://shop.example.com'], actions: {}, title: '<img src=x onerror=alert(1)>', logoUrl: 'https://cdn.example.net/logo.png' },
};

describe('login pages', () => {
  it('escapes every interpolated value', () => {
    const page = renderLoginPage({ bot, mode: 'iframe', formToken: 'tok', sso: [], username: '"><script>alert(1)</script>', error: '<b>' });
    expect(page.html).not.toMatch(/<script>alert|<img src=x|<b>/);
    expect(page.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page.html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('keeps the token data block from closing its script element', () => {
    const page = renderSuccessPage({ bot, mode: 'popup', subject: '</script><script>alert(1)</script>', token: 'a.b.c', expiresAt: '2030-01-01T00:00:00.000Z' });
    const blocks = page.html.match(/<script[^>]*>/g);
    expect(blocks).toEqual(['<script src="/assets/complete.js" defer>', '<script type="application/json" id="result">']);
    expect(jsonForHtml({ s: '</script>&\u2028' })).toBe('{"s":"\\u003c/script\\u003e\\u0026\\u2028"}');
  });

  it('lets only the bot origins frame a page, and nobody frame an unbranded one', () => {
    expect(renderErrorPage({ status: 400, title: 't', message: 'm', bot }).headers['content-security-policy']).toContain(
      'frame-ancestors https://shop.example.com https://www.shop.example.com',
    );
    expect(renderErrorPage({ status: 400, title: 't', message: 'm' }).headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('allows the logo origin for images and nothing else beyond self', () => {
    expect(contentSecurityPolicy({ frameAncestors: [], imageOrigins: ['https://cdn.example.net'] })).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https://cdn.example.net; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(renderLoginPage({ bot, mode: 'popup', formToken: 't', sso: [] }).headers['content-security-policy']).toContain(
      "img-src 'self' https://cdn.example.net",
    );
  });

  it('never caches a page nor sends a Referer from it', () => {
    const { headers } = renderSuccessPage({ bot, mode: 'iframe', subject: 's', token: 't', expiresAt: 'e' });
    expect(headers).toMatchObject({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  });

  it('escapes HTML special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('says how long to wait in words', () => {
    expect(describeWait(1)).toBe('1 second');
    expect(describeWait(40)).toBe('40 seconds');
    expect(describeWait(60)).toBe('1 minute');
    expect(describeWait(61)).toBe('2 minutes');
    expect(describeWait(900)).toBe('15 minutes');
    expect(describeWait(3 * 3600)).toBe('3 hours');
  });
});
