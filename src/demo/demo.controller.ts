import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config.js';

/** Dev mode only: a page that plays the site hosting the chat widget. */
@ApiExcludeController()
@Controller('demo')
export class DemoController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', "default-src 'self'; frame-ancestors 'self'")
  page(): string {
    const base = this.config.publicUrl;
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>chatwarden demo</title></head>
<body>
<main>
<h1>chatwarden dev mode</h1>
<p>This instance runs with a memory store and a demo bot <code>demo</code>. The dev API key was printed in the terminal.</p>
<h2>1. Issue a token for a user (a site with its own login)</h2>
<pre>curl -s -X POST ${base}/v1/tokens -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \\
  -d '{"bot":"demo","subject":"alice","roles":["customer"]}'</pre>
<h2>2. Verify it from a webhook handler</h2>
<pre>curl -s -X POST ${base}/v1/verify/token -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \\
  -d '{"token":"&lt;token&gt;","bot":"demo","action":"orders.lookup"}'</pre>
<p>API reference: <a href="/docs">/docs</a>.</p>
</main>
</body></html>`;
  }
}
