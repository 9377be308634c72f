// The floor of the HTTP read path: a bare Hono route that answers GET /v1/requests/:id with
// one SQL query (the request row, joined to the caller's token). Run by bench/read.ts.
import { createHash } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import postgres from 'postgres';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const sql = postgres(url, { max: 10, onnotice: () => {} });

const app = new Hono();
app.get('/v1/requests/:id', async (c) => {
  const token = /^Bearer\s+(\S+)$/.exec(c.req.header('authorization') ?? '')?.[1];
  if (!token) return c.json({ status: 401 }, 401);
  const hash = createHash('sha256').update(token).digest('hex');
  const [row] = await sql`
    select r.* from requests r join tokens t on t.request_id = r.id
    where r.id = ${c.req.param('id')} and t.hash = ${hash} and t.revoked_at is null`;
  return row ? c.json(row) : c.json({ status: 404 }, 404);
});

serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: process.env.HOST }, () => {
  console.log(JSON.stringify({ message: 'listening' }));
});
