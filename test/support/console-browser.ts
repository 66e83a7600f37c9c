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

/** A fresh browser context (no cache, no sessionStorage from another test) on the console, signed in. */
export async function openSignedIn(browser: Browser, endpoint: string, key: ConsoleKey): Promise<Page> {
  const page = await (await browser.createBrowserContext()).newPage();
  await page.setViewport({ width: 1280, height: 800, deviceScaleFactor: 1 });
  await page.goto(`${endpoint}/console/`, { waitUntil: 'domcontentloaded' });
  await submitKey(page, key);
  await page.waitForSelector('header.top');
  return page;
}

/** Goes to a console page by its hash: no reload, as a click on a link would. */
export async function visit(page: Page, hash: string): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
}

/**
 * Waits until the page's text (all of `selector`'s, the whole body by
 * default) satisfies `test`, a function source run in the page over that
 * text; returns the text.
 */
export async function waitForText(page: Page, test: string, selector = 'main', timeout = 60_000): Promise<string> {
  const text = `Array.from(document.querySelectorAll(${JSON.stringify(selector)})).map((n) => n.textContent ?? '').join('\\n')`;
  await page.waitForFunction(`(${test})(${text})`, { timeout, polling: 250 });
  return page.evaluate(text) as Promise<string>;
}

/** The value shown beside a name in a page's facts (`dl.facts`), or undefined. */
export async function factOf(page: Page, name: string): Promise<string | undefined> {
  return page.evaluate(`(() => {
    const row = Array.from(document.querySelectorAll('dl.facts > div'))
      .find((div) => div.querySelector('dt')?.textContent === ${JSON.stringify(name)});
    return row?.querySelector('dd')?.textContent ?? undefined;
  })()`) as Promise<string | undefined>;
}

/** Waits until the facts show `value` beside `name` (live refresh brings it, or the test times out). */
export async function waitForFact(page: Page, name: string, value: string, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    `Array.from(document.querySelectorAll('dl.facts > div')).some((div) =>
      div.querySelector('dt')?.textContent === ${JSON.stringify(name)} &&
      div.querySelector('dd')?.textContent === ${JSON.stringify(value)})`,
    { timeout, polling: 250 },
  );
}
