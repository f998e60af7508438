// Takes the README's screenshots of the web UI over a running `rasd serve`
// holding examples/demo (invented reports written for rasd: no third-party
// text). Usage: node tests/browser/screenshots.mjs BASE_URL OUT_DIR
// (tests/browser/screenshots.sh does the whole thing).
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, out] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'rasd-shots-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 1000 },
  locale: 'en-US',
});
const page = context.pages()[0] || await context.newPage();
const api = async (path) => (await page.request.get(base + path)).json();

// The largest story, and the person most of its articles name.
const stories = await api('/api/v1/stories?limit=1');
const story = await api(`/api/v1/stories/${stories.items[0].id}`);
const person = story.entities.find((e) => e.type === 'PER');

const shots = [
  ['front', '#/'],
  ['story', `#/story/${story.id}`],
  ['entity', `#/entity/${person.id}`],
  ['search', `#/search?q=${encodeURIComponent('هالفرسن')}`],
];
for (const [name, hash] of shots) {
  await page.goto(`${base}/${hash}`);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(out, `${name}.png`) });
  console.log(`${out}/${name}.png`);
}
await context.close();
