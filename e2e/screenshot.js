// Takes the README's screenshot: the Program Manager's view of the Illinois demo.
//   node e2e/screenshot.js [out.png]   (after `cargo build -p cybernav`)
import path from 'node:path';

import { REPO_ROOT, launchBrowser, newContext, startServer, totp } from './lib/harness.js';

const out = process.argv[2] || path.join(REPO_ROOT, 'docs', 'screenshot.png');
const server = await startServer();
const browser = await launchBrowser();
try {
  const context = await newContext(browser, { viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Email address').fill(server.login('program_manager').email);
  await page.getByLabel('Password', { exact: true }).fill(server.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/account/mfa/setup');
  const secret = (await page.locator('#totp-secret').textContent()).trim();
  await page.getByLabel('Authentication code').fill(totp(secret));
  await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
  await page.getByRole('link', { name: 'Continue' }).click();
  await page.goto(`${server.url}/election-authorities?q=county`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.stop();
}
