/** `npm run docs`: rewrites the generated regions of README.md and the version, tools and prompts of manifest.json. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fillManifest, fillRegions, manifestText, readSurface, regions, type Manifest } from './docs-lib.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const surface = await readSurface();

const readmePath = `${root}README.md`;
const readme = readFileSync(readmePath, 'utf8');
const nextReadme = fillRegions(readme, regions(surface));
const manifestPath = `${root}manifest.json`;
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
const nextManifest = manifestText(fillManifest(manifest, surface));

for (const [path, before, after] of [
  [readmePath, readme, nextReadme],
  [manifestPath, readFileSync(manifestPath, 'utf8'), nextManifest],
] as const) {
  if (before === after) {
    process.stderr.write(`${path}: up to date\n`);
  } else {
    writeFileSync(path, after);
    process.stderr.write(`${path}: rewritten\n`);
  }
}
process.stderr.write(`${surface.tools.length} tools, ${surface.prompts.length} prompts\n`);
