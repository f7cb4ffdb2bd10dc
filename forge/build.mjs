// Builds the Forge Custom UI resource: a copy of ../static fit for Forge, plus the bridge bundle.
// @ts-check
import {
  cpSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCE = join(HERE, '..', 'static');
const OUT = join(HERE, 'static');
// The dashboard gadget's resource: Forge opens a resource's index.html, so the gadget's page
// (../static/gadget.html) becomes the index of a copy of its own.
const GADGET_OUT = join(HERE, 'gadget');
const BUNDLE = join(OUT, 'js', 'vendor', 'forge-bridge.js');
const LEFT_OUT = [join(SOURCE, 'js', 'demo')];
const BRIDGE_EXPORTS = ['requestJira', 'invokeRemote', 'view', 'router'];

/**
 * Edits that make a Connect page a Forge page. The page sits at the resource root, so asset
 * paths lose their `static/` prefix; all.js goes (Forge injects its own bridge); the privacy
 * page opens in the frame, since the Forge sandbox allows no new windows.
 * @type {{pattern: RegExp, replacement: string, required?: boolean}[]}
 */
const PAGE_EDITS = [
  { pattern: /^[ \t]*<script[^>]*connect-cdn\.atl-paas\.net\/all\.js[^>]*><\/script>[ \t]*\r?\n/m,
    replacement: '', required: true },
  { pattern: /\b(src|href)="static\//g, replacement: '$1="./' },
  { pattern: /<a href="privacy"[^>]*>/g, replacement: '<a href="privacy.html">' },
];
/** The pages that load all.js under Connect. */
const PAGES_WITH_ALL_JS = ['index.html', 'gadget.html'];
/** What Forge's default content security policy blocks in a page. */
const BLOCKED = [
  ['an inline script', /<script(?![^>]*\bsrc=)[^>]*>/i],
  ['a script from another site', /<script[^>]*\bsrc="(https?:)?\/\//i],
  ['an inline event handler', /<[^>]+\son[a-z]+=/i],
  ['a style attribute', /<[^>]+\sstyle=/i],
  ['a style block', /<style[\s>]/i],
  ['a CSP meta tag', /<meta[^>]+http-equiv="content-security-policy"/i],
];

/** Copy ../static to ./static, without the demo's stand-ins. */
function copyStatic() {
  rmSync(OUT, { recursive: true, force: true });
  cpSync(SOURCE, OUT, {
    recursive: true,
    filter: (path) => !LEFT_OUT.some((out) => path === out || path.startsWith(out + sep)),
  });
}

/**
 * Apply PAGE_EDITS to one copied page and check that Forge's CSP lets it run.
 * @param {string} name file name inside ./static
 */
function editPage(name) {
  const path = join(OUT, name);
  let html = readFileSync(path, 'utf8');
  for (const { pattern, replacement, required } of PAGE_EDITS) {
    if (required && PAGES_WITH_ALL_JS.includes(name) && !pattern.test(html)) {
      throw new Error(`${name}: expected to match ${pattern}`);
    }
    html = html.replace(pattern, replacement);
  }
  const blocked = BLOCKED.find(([, pattern]) => pattern.test(html));
  if (blocked) throw new Error(`${name} has ${blocked[0]}, which Forge blocks`);
  writeFileSync(path, html);
}

/** Bundle the parts of @forge/bridge the client uses as one ES module. */
async function bundleBridge() {
  await build({
    stdin: {
      contents: `export { ${BRIDGE_EXPORTS.join(', ')} } from '@forge/bridge';`,
      resolveDir: HERE,
      sourcefile: 'forge-bridge-entry.js',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    banner: { js: '// @forge/bridge, bundled by forge/build.mjs (Atlassian Developer Terms).' },
    outfile: BUNDLE,
    logLevel: 'warning',
  });
}

/** Copy the built resource to ./gadget, its page being gadget.html; the app's pages go. */
function copyGadget() {
  rmSync(GADGET_OUT, { recursive: true, force: true });
  cpSync(OUT, GADGET_OUT, { recursive: true });
  rmSync(join(GADGET_OUT, 'index.html'));
  renameSync(join(GADGET_OUT, 'gadget.html'), join(GADGET_OUT, 'index.html'));
}

/** @param {string} dir @returns {string[]} */
const filesUnder = (dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' })
  .filter((name) => statSync(join(dir, name)).isFile());

async function main() {
  const started = performance.now();
  copyStatic();
  filesUnder(OUT).filter((name) => name.endsWith('.html')).forEach(editPage);
  await bundleBridge();
  copyGadget();
  const files = filesUnder(OUT).length;
  const kb = (statSync(BUNDLE).size / 1024).toFixed(1);
  const ms = Math.round(performance.now() - started);
  console.log(`Built ${relative(process.cwd(), OUT)} and ${relative(process.cwd(), GADGET_OUT)}: `
    + `${files} files each, bridge ${kb} KB, ${ms} ms`);
}

main().catch((error) => {
  console.error(`build failed: ${error.message}`);
  process.exitCode = 1;
});
