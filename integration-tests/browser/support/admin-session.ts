import type { Browser, Page } from "playwright-core"
import { DESKTOP, newPage, saveScreenshot } from "./browser"
import type { AdminCredentials } from "./admin-store"

/**
 * An admin signed in to the dashboard through its login form, in a browser context of its own (two admins,
 * a requester and an approver, never share a cookie). Also a bearer token for the same admin, so a spec can
 * read the admin API and assert what the screen shows against it.
 */
export interface AdminSession {
  page: Page & { problems: string[] }
  who: AdminCredentials
  api<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T>
}

/** the dashboard's first load compiles it with Vite in development: allow for that once */
const FIRST_LOAD_MS = 240_000

export async function signIn(browser: Browser, baseUrl: string, who: AdminCredentials): Promise<AdminSession> {
  const page = await newPage(browser, DESKTOP)
  page.setDefaultTimeout(60_000)
  await page.goto(`${baseUrl}/app/login`, { timeout: FIRST_LOAD_MS, waitUntil: "domcontentloaded" })
  await page.locator('input[name="email"]').waitFor({ timeout: FIRST_LOAD_MS })
  await page.fill('input[name="email"]', who.email)
  await page.fill('input[name="password"]', who.password)
  await page.click('button[type="submit"]')
  await page.waitForURL((u) => !u.pathname.startsWith("/app/login"), { timeout: FIRST_LOAD_MS })

  const login = await fetch(`${baseUrl}/auth/user/emailpass`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(who),
  })
  const { token } = (await login.json()) as { token?: string }
  if (!login.ok || !token) throw new Error(`admin API login of ${who.email} failed with ${login.status}`)
  const api = async <T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: init.method ?? "GET",
      headers: { authorization: `Bearer ${token}`, ...(init.body !== undefined ? { "content-type": "application/json" } : {}) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path} answered ${response.status}: ${text.slice(0, 500)}`)
    return JSON.parse(text) as T
  }
  return { page, who, api }
}

/** opens a dashboard path and waits for an element of ours to show */
export async function open(session: AdminSession, baseUrl: string, appPath: string, testId: string): Promise<void> {
  await session.page.goto(`${baseUrl}/app${appPath}`, { waitUntil: "domcontentloaded" })
  await session.page.getByTestId(testId).first().waitFor({ state: "visible", timeout: 120_000 })
}

/**
 * The dashboard scrolls inside its own main column, so a full-page screenshot stops at the viewport: this one
 * grows the viewport to the tallest scrolling content (at most 4000 px) for the shot, then puts it back.
 */
export async function saveTallScreenshot(session: AdminSession, name: string): Promise<string> {
  const page = session.page
  const size = page.viewportSize() ?? { width: 1280, height: 800 }
  const height = await page.evaluate(() => Math.max(...Array.from(document.querySelectorAll("main, main *, body *")).map((e) => e.scrollHeight)))
  await page.setViewportSize({ width: size.width, height: Math.min(4000, Math.max(size.height, height + 80)) })
  try {
    await page.waitForTimeout(300)
    return await saveScreenshot(page, name)
  } finally {
    await page.setViewportSize(size)
  }
}
