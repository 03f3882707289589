// Bundles the Billing page into target/dist (see web/README.md): the page (sign-in + the element) and the
// embeddable element alone, sharing one chunk, minified ES modules; the HTML files are copied as they are.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const src = 'src/main/web';
const out = 'target/dist';
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await esbuild.build({
  entryPoints: {
    'billing-page': `${src}/page.js`,
    'credits-billing': `${src}/credits-billing.js`,
    'embed-example': `${src}/embed-example.js`,
  },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  legalComments: 'linked',
  chunkNames: 'chunk-[hash]',
  loader: { '.css': 'text' },
  metafile: true,
  logLevel: 'warning',
});
cpSync(`${src}/embed-example.html`, `${out}/embed-example.html`);
// The page's shared chunks are named by their hash: preload them from the HTML so they download alongside the page.
const chunks = Object.keys(result.metafile.outputs).filter((f) => /\/chunk-[^/]*\.js$/.test(f))
  .map((f) => `  <link rel="modulepreload" href="/app/admin/billing/credits/${f.slice(out.length + 1)}">`);
writeFileSync(`${out}/index.html`,
  readFileSync(`${src}/index.html`, 'utf8').replace('  <!-- chunks -->', chunks.join('\n')));
const bytes = Object.entries(result.metafile.outputs).map(([f, o]) => `${f.replace(`${out}/`, '')} ${o.bytes} B`);
console.log(`web: built ${out}: ${bytes.join(', ')}`);
