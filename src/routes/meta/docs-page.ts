import { html } from 'hono/html';

type Operation = { summary?: string; description?: string; tags?: string[] };
type Document = { info: { title: string; description?: string }; paths?: Record<string, unknown> };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Human docs rendered from the generated OpenAPI document: no script, no CDN. */
export function docsPage(doc: Document) {
  const rows = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = (item as Record<string, Operation | undefined>)[method];
      return op ? [{ method: method.toUpperCase(), path, op }] : [];
    }),
  );
  const tags = [...new Set(rows.map((r) => r.op.tags?.[0] ?? 'other'))];
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${doc.info.title}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
code{font:14px ui-monospace,monospace}table{border-collapse:collapse;width:100%}
td{padding:.3rem .5rem;border-top:1px solid #ddd;vertical-align:top}.m{font-weight:700;width:4rem}
</style>
</head>
<body>
<h1>${doc.info.title}</h1>
<p>${doc.info.description ?? ''}</p>
<p>Machine-readable: <a href="/openapi.json"><code>/openapi.json</code></a> (OpenAPI 3.1). Errors are <code>application/problem+json</code> with a stable <code>code</code>.</p>
${tags.map(
  (tag) =>
    html`<h2>${tag}</h2><table>${rows
      .filter((r) => (r.op.tags?.[0] ?? 'other') === tag)
      .map(
        (r) =>
          html`<tr><td class="m">${r.method}</td><td><code>${r.path}</code></td><td>${r.op.summary ?? ''}</td></tr>`,
      )}</table>`,
)}
</body>
</html>`;
}
