// Checks manifest.yml offline with @forge/manifest: schema, cross-references, resources.
// Usage: node validate.mjs [manifest.yml]   (exits 1 when the manifest has errors)
// @ts-check
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import manifest from '@forge/manifest';

const HERE = dirname(fileURLToPath(import.meta.url));
const EXAMPLE_BASE_URL = 'https://reports.example.com';

/** @param {string} file */
async function main(file) {
  // Forge's CLI reads manifest variables from the environment; an example will do offline.
  process.env.JQLR_BASE_URL ??= EXAMPLE_BASE_URL;
  const { success, errors = [] } = await manifest.validate(false, file);
  const name = relative(process.cwd(), file);
  for (const { level, line, column, message } of errors) {
    console.error(`${name}:${line ?? '?'}:${column ?? '?'}: ${level ?? 'error'}: ${message}`);
  }
  if (success) {
    console.log(`${name} is valid (JQLR_BASE_URL=${process.env.JQLR_BASE_URL}).`);
    return 0;
  }
  if (!existsSync(join(dirname(file), 'static', 'index.html'))) {
    console.error('The Custom UI resource is missing: run `npm run build` first.');
  }
  return 1;
}

process.exitCode = await main(resolve(process.argv[2] ?? join(HERE, 'manifest.yml')));
