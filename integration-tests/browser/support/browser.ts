import fs from "node:fs"
import path from "node:path"
import { chromium, type Browser, type Page } from "playwright-core"

/**
 * Headless Chromium for the browser tier: Debian's `chromium` driven by playwright-core (never a
 * downloaded browser). scripts/test.mjs finds or installs it and passes its path as CHROMIUM_PATH;
 * run outside that command, /usr/bin/chromium is assumed (`node scripts/chromium.mjs` installs it).
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
]

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium"
  if (!fs.existsSync(executablePath)) {
    throw new Error(
      `launchBrowser: no Chromium at ${executablePath}; run the tier through \`npm run test:browser\` ` +
        "(it installs Debian's chromium when root) or `node scripts/chromium.mjs`"
    )
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS })
}

export type Viewport = { width: number; height: number }
/** The two sizes every page is checked at: a small phone (iPhone SE) and a laptop. */
export const PHONE: Viewport = { width: 375, height: 667 }
export const DESKTOP: Viewport = { width: 1280, height: 800 }

/**
 * A page in its own context (cookies and storage not shared with other pages). Browser console
 * errors and failed page loads are collected on `page.problems` so a spec can assert there were none.
 */
export async function newPage(browser: Browser, viewport: Viewport): Promise<Page & { problems: string[] }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 })
  const page = (await context.newPage()) as Page & { problems: string[] }
  page.problems = []
  page.on("console", (message) => {
    if (message.type() === "error") page.problems.push(`console: ${message.text()}`)
  })
  page.on("pageerror", (error) => page.problems.push(`pageerror: ${error.message}`))
  page.on("requestfailed", (request) =>
    page.problems.push(`requestfailed: ${request.url()} (${request.failure()?.errorText})`)
  )
  return page
}

export const SCREENSHOT_DIR = path.resolve(__dirname, "..", "..", "..", ".tmp", "screenshots")

/** Saves a full-page PNG as `.tmp/screenshots/<name>.png` (git-ignored; CI keeps it as an artifact). */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`saveScreenshot: name "${name}" must be a plain file name`)
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true })
  const file = path.join(SCREENSHOT_DIR, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}
