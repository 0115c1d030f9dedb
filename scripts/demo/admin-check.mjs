// The demo's last step with --once: the admin as a merchant sees it. Headless Chromium (Debian's, through
// scripts/chromium.mjs; never a downloaded browser) signs in to the dashboard as the demo's admin, opens the paid
// order, and checks that the plugin's order widget renders with the payment's figures as the admin API gives them.
import { createRequire } from "node:module"

const require = createRequire(import.meta.url)

export const adminCheck = {
  name: "admin",
  title: "open the paid order in the admin dashboard (headless Chromium) and check the crypto payment widget",
  async run(ctx) {
    const { ensureChromium, CHROMIUM_ARGS } = await import("../chromium.mjs")
    const { chromium } = require("playwright-core")
    const browser = await chromium.launch({ executablePath: ensureChromium(), headless: true, args: CHROMIUM_ARGS })
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
      page.setDefaultTimeout(60_000)
      // the first load compiles the dashboard with Vite (development mode)
      await page.goto(`${ctx.medusaUrl}/app/login`, { timeout: 240_000, waitUntil: "domcontentloaded" })
      await page.locator('input[name="email"]').waitFor({ timeout: 240_000 })
      await page.fill('input[name="email"]', ctx.admin.email)
      await page.fill('input[name="password"]', ctx.admin.password)
      await page.click('button[type="submit"]')
      await page.waitForURL((u) => !u.pathname.startsWith("/app/login"), { timeout: 120_000 })
      const orderId = ctx.checkout.order.id
      await page.goto(`${ctx.medusaUrl}/app/orders/${orderId}`, { waitUntil: "domcontentloaded" })
      await page.getByTestId("waas-order-summary").waitFor({ timeout: 120_000 })
      const shown = {
        status: await page.getByTestId("waas-payment-status").first().getAttribute("data-status"),
        due: await page.getByTestId("waas-amount-due").first().innerText(),
        received: await page.getByTestId("waas-amount-received").first().innerText(),
        address: await page.getByTestId("waas-payment-address").first().innerText(),
      }
      const p = ctx.checkout.payment
      const expected = { due: `${p.amount_due} ${p.symbol}`, received: `${p.amount_due} ${p.symbol}`, address: p.address }
      for (const [k, v] of Object.entries(expected)) {
        if (shown[k] !== v) throw new Error(`the order widget shows ${k} "${shown[k]}", expected "${v}"`)
      }
      if (!["paid", "overpaid"].includes(shown.status)) throw new Error(`the order widget shows status ${shown.status}, expected paid`)
      const refundRow = page.locator('[data-testid^="waas-refund-"][data-status="completed"]')
      await refundRow.first().waitFor({ timeout: 30_000 })
      const file = `${ctx.workDir}/admin-order.png`
      await page.screenshot({ path: file, fullPage: true })
      return [
        `order widget  status ${shown.status}, due ${shown.due}, received ${shown.received}, the refund completed`,
        `screenshot    ${file}`,
      ]
    } finally {
      await browser.close()
    }
  },
}
