// Fails the Workers build when a Node-only module reaches the bundle, and prints its size.
// Reads the esbuild metafile that `wrangler deploy --dry-run --metafile` writes.
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const outdir = process.argv[2] ?? 'dist/worker';
const meta = JSON.parse(readFileSync(`${outdir}/bundle-meta.json`, 'utf8')) as {
  inputs: Record<string, unknown>;
  outputs: Record<string, { imports?: { path: string }[] }>;
};

// The embedded database, the Node HTTP server and the filesystem have no place on Workers.
const forbiddenInputs = [
  /@electric-sql\/pglite/,
  /@hono\/node-server/,
  /src\/db\/(client|pglite|migrate)\.ts$/,
  /src\/node\.ts$/,
  /nodemailer/,
];
const forbiddenImports =
  /^(node:)?(fs|fs\/promises|child_process|http|https|net|tls|dns|worker_threads)$/;

const problems = [
  ...Object.keys(meta.inputs).filter((input) => forbiddenInputs.some((re) => re.test(input))),
  ...Object.values(meta.outputs)
    .flatMap((o) => o.imports ?? [])
    .map((i) => i.path)
    .filter((path) => forbiddenImports.test(path)),
];

const bundle = `${outdir}/worker.js`;
const bytes = statSync(bundle).size;
const gzip = gzipSync(readFileSync(bundle)).length;
console.log(
  `worker bundle: ${(bytes / 1024).toFixed(0)} KiB, ${(gzip / 1024).toFixed(0)} KiB gzipped`,
);
if (problems.length > 0) {
  console.error(
    `Node-only modules in the worker bundle:\n  ${[...new Set(problems)].join('\n  ')}`,
  );
  process.exit(1);
}
