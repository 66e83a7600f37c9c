import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** Debian's Chromium; CI installs it (.ci/run). Override with BERTH_CHROMIUM. */
export const CHROMIUM = process.env.BERTH_CHROMIUM ?? '/usr/bin/chromium';

/** Headless Chromium as root in a container needs the sandbox off. */
export async function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

export interface ConsoleKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region?: string;
}

/** Fills the console's sign-in form and submits it. */
export async function submitKey(page: Page, key: ConsoleKey): Promise<void> {
  await page.waitForSelector('input[name=accessKeyId]');
  const fields = {
    accessKeyId: key.accessKeyId,
    secretAccessKey: key.secretAccessKey,
    region: key.region ?? 'us-east-1',
  };
  for (const [name, value] of Object.entries(fields)) {
    // Expressions as strings: they run in the page, and this program is typed without the DOM.
    await page.evaluate(`document.querySelector('input[name=${name}]').value = ''`);
    await page.type(`input[name=${name}]`, value);
  }
  await page.click('button[type=submit]');
}

/** The text of every element matching the selector, once at least `count` are on the page. */
export async function textsOf(page: Page, selector: string, count = 1, timeout = 30_000): Promise<string[]> {
  const all = `Array.from(document.querySelectorAll(${JSON.stringify(selector)}))`;
  await page.waitForFunction(`${all}.length >= ${count}`, { timeout });
  return page.evaluate(`${all}.map((node) => node.textContent ?? '')`) as Promise<string[]>;
}
