import { join } from "node:path"
import { storeIntegrationTestRunner } from "../helpers/store-runner"
import { runWhenFree } from "../helpers/when-free"
import type { MedusaContainer } from "@medusajs/framework/types"
import { z } from "@medusajs/framework/zod"
import Decimal from "decimal.js"
import type { Browser, Page } from "playwright-core"
import { WAAS_MODULE } from "../../src/modules/waas"
import type WaasModuleService from "../../src/modules/waas/service"
import { runDepositPoll } from "../../src/workflows/deposits/runners/run-deposit-poll"
import { inboxSettled, SimulatedPayer, type Sql, useDepositWaas } from "../helpers/deposits"
import { findLeaks } from "../helpers/no-secrets"
import { seedStore, type SeededStore } from "../helpers/seed-store"
import { Storefront } from "../helpers/storefront"
import { DESKTOP, launchBrowser, newPage, PHONE, saveScreenshot } from "./support/browser"
import { placeCryptoOrder, storeView, type StoreViewType } from "./support/checkout"
import { decodeQr, decodeQrWhen } from "./support/qr"
import { startStorefrontServer, type StorefrontServer } from "./support/storefront-page"

jest.setTimeout(180_000)

/**
 * The hosted payment page (`GET /waas/pay/:session_id`) in headless Chromium, at a phone and a desktop size at
 * once, while the simulator moves the payment through its states: pay in two parts with confirmations, paid;
 * overpaid; expired, then a late transfer; replaced (canceled). At each state the spec reads what the shopper
 * sees (headline, amount to send, address, QR code decoded from the pixels, countdown, return link) and
 * compares it with the store route's view; screenshots go to .tmp/screenshots/.
 */
const REPO_ROOT = join(__dirname, "..", "..")
const RETURN_URL = "https://shop.example.com/checkout/done?session={session_id}"

const { merchant, merchantKeys, sim } = useDepositWaas({ usdtPool: 4 })

// the page options ride on the deposit spec's options (set by useDepositWaas's beforeAll, which runs first)
beforeAll(() => {
  const options = JSON.parse(process.env.WAAS_PLUGIN_OPTIONS!)
  process.env.WAAS_PLUGIN_OPTIONS = JSON.stringify({ ...options, paymentPage: { returnUrl: RETURN_URL, pollIntervalSeconds: 2 } })
})
// the component tests' stand-in storefront calls the Store API from its own origin: Medusa must allow it
let shop: StorefrontServer
beforeAll(async () => {
  shop = await startStorefrontServer()
  process.env.STORE_CORS = shop.origin
})
afterAll(async () => {
  delete process.env.STORE_CORS
  await shop?.close()
})

type ShopperPage = Page & { problems: string[] }

storeIntegrationTestRunner({
  cwd: REPO_ROOT,
  testSuite: ({ api, getContainer, dbConnection }) => {
    let seeded: SeededStore
    let browser: Browser
    const container = (): MedusaContainer => getContainer()
    const waas = (): WaasModuleService => container().resolve<WaasModuleService>(WAAS_MODULE)
    const db = (): Sql => dbConnection as Sql
    const baseUrl = (): string => String(api.defaults.baseURL)
    const storefront = () => new Storefront({ baseUrl: baseUrl(), publishableKey: seeded.publishableKey })
    const payer = () => new SimulatedPayer(sim())
    const pages: ShopperPage[] = []

    beforeAll(async () => {
      seeded = await seedStore(container())
      await waas().refillPool()
      await waas().depositPoll().markRun()
      sim().control.addMerchant({ appId: merchant.appId, merchantPublicKey: merchantKeys.publicKey, notifyUrl: `${baseUrl()}/hooks/waas/notify` })
      browser = await launchBrowser()
    })
    afterAll(async () => {
      await browser?.close()
    })
    beforeEach(async () => {
      const newest = Math.max(0, ...sim().control.getState().deposits.map((d) => d.id))
      await db().raw(`UPDATE waas_sync_cursor SET max_id = ? WHERE name = 'deposits'`, [String(newest)])
    })
    afterEach(async () => {
      // whatever a test left open must not have logged an error, failed a request or left the origin
      for (const page of pages.splice(0)) {
        expect(page.problems).toEqual([])
        await page.context().close()
      }
      await inboxSettled(db())
    })

    /** the same session open on a phone and on a desktop; every request either page makes is recorded */
    async function openBoth(sessionId: string) {
      const opened: Array<{ label: string; page: ShopperPage; requests: string[] }> = []
      for (const [label, viewport] of [["phone", PHONE], ["desktop", DESKTOP]] as const) {
        const page = await newPage(browser, viewport)
        pages.push(page)
        const requests: string[] = []
        page.on("request", (r) => requests.push(r.url()))
        const response = await page.goto(`${baseUrl()}/waas/pay/${sessionId}`)
        expect(response?.status()).toBe(200)
        opened.push({ label, page, requests })
      }
      return opened
    }

    const text = (page: Page, selector: string) => page.locator(selector).first().innerText()
    const visible = (page: Page, selector: string) => page.locator(selector).first().isVisible()

    async function waitForState(page: Page, state: string) {
      await page.waitForFunction((s) => document.body.dataset.state === s, state, { timeout: 30_000, polling: 100 })
    }

    /** what every state shows the same way: coin, network, figures, and the store route's numbers */
    async function expectFigures(page: Page, view: StoreViewType) {
      expect(await text(page, ".coin")).toBe("Tether USD (ERC-20) · ethereum")
      expect(await text(page, '.figures [data-field="amount_due"]')).toBe(view.amount_due)
      expect(await text(page, '.figures [data-field="amount_received"]')).toBe(view.amount_received)
      expect(await text(page, '.figures [data-field="amount_pending"]')).toBe(view.amount_pending)
    }

    /** the pay panel: amount, address, QR code decoded back to what the store route says to scan */
    async function expectPayPanel(page: Page, view: StoreViewType, amount: string) {
      expect(await visible(page, ".pay")).toBe(true)
      expect(await text(page, '.pay [data-field="amount_to_send"]')).toBe(amount)
      expect(await text(page, '.address [data-field="address"]')).toBe(view.address)
      expect(view.remaining_payment_uri).not.toBeNull()
      expect(await decodeQr(page.locator("#waas-qr"))).toBe(view.remaining_payment_uri)
    }

    it("walks through awaiting → detected → underpaid (the rest, with its own QR) → detected → paid, at phone and desktop size", async () => {
      const store = storefront()
      const { sessionId, view } = await placeCryptoOrder(store, seeded)
      const both = await openBoth(sessionId)

      // awaiting: the whole amount, the address, a QR of the payment URI, the countdown
      for (const { label, page, requests } of both) {
        await waitForState(page, "awaiting")
        expect(await text(page, "h1")).toBe("Send your payment")
        await expectPayPanel(page, view, view.amount_due)
        expect(view.remaining_payment_uri).toBe(view.payment_uri)
        await page.waitForFunction(() => /^\d+:\d\d(:\d\d)?$/.test(document.getElementById("waas-countdown")!.textContent ?? ""))
        const left = await text(page, "#waas-countdown")
        // quotes in this spec live 7 days: the countdown reads hours
        expect(left).toMatch(/^1[0-9]{2}:[0-5]\d:[0-5]\d$/)
        expect(await visible(page, "#waas-return")).toBe(false)
        expect(await visible(page, '[data-if="memo"]')).toBe(false)
        await expectFigures(page, view)
        await saveScreenshot(page, `pay-page-${label}-1-awaiting`)
        // nothing but the page and its own status route, on the store's origin
        expect(requests.every((u) => u.startsWith(`${baseUrl()}/waas/pay/${sessionId}`))).toBe(true)
      }

      // a first transfer is seen on chain (not final): the page says wait and hides the pay panel
      const due = new Decimal(view.amount_due)
      const first = due.times(0.4).toDecimalPlaces(6).toFixed()
      const firstId = payer().sendUnconfirmed(view.address, first)
      await runWhenFree(() => runDepositPoll(container(), { force: true }))
      const detected = await storeView(store, sessionId)
      expect(detected).toMatchObject({ status: "awaiting_payment", payment_detected: true, amount_pending: first, remaining_payment_uri: null })
      for (const { label, page } of both) {
        await waitForState(page, "detected")
        expect(await text(page, "h1")).toBe("Payment detected, waiting for confirmations")
        expect(await visible(page, ".pay")).toBe(false)
        expect(await visible(page, ".countdown")).toBe(false)
        await expectFigures(page, detected)
        await saveScreenshot(page, `pay-page-${label}-2-detected`)
      }

      // it confirms: underpaid, the remainder to send, and a QR code for exactly that remainder
      sim().control.confirmDeposit(firstId, 12)
      await payer().acknowledged(firstId)
      await inboxSettled(db())
      const underpaid = await storeView(store, sessionId)
      const rest = due.minus(first).toFixed()
      expect(underpaid).toMatchObject({ status: "underpaid", amount_received: first, amount_remaining: rest })
      expect(underpaid.remaining_payment_uri).not.toBe(underpaid.payment_uri)
      expect(underpaid.remaining_payment_uri).toContain(`uint256=${new Decimal(rest).times(1e6).toFixed(0)}`)
      for (const { label, page } of both) {
        await waitForState(page, "underpaid")
        expect(await text(page, "h1")).toBe("Partly paid: send the rest")
        await expectPayPanel(page, underpaid, rest)
        await expectFigures(page, underpaid)
        await saveScreenshot(page, `pay-page-${label}-3-underpaid`)
      }

      // the rest arrives, first unconfirmed, then final: paid, with the link back to the store
      const secondId = payer().sendUnconfirmed(view.address, rest)
      await runWhenFree(() => runDepositPoll(container(), { force: true }))
      for (const { page } of both) await waitForState(page, "detected")
      sim().control.confirmDeposit(secondId, 12)
      await payer().acknowledged(secondId)
      await inboxSettled(db())
      const paid = await storeView(store, sessionId)
      expect(paid).toMatchObject({ status: "paid", amount_received: view.amount_due, amount_remaining: "0", remaining_payment_uri: null })
      for (const { label, page } of both) {
        await waitForState(page, "paid")
        expect(await text(page, "h1")).toBe("Paid, thank you")
        expect(await visible(page, ".pay")).toBe(false)
        expect(await visible(page, ".address")).toBe(false)
        expect(await page.locator("#waas-return").getAttribute("href")).toBe(RETURN_URL.replace("{session_id}", sessionId))
        expect(await text(page, "#waas-return")).toBe("Back to the store")
        await expectFigures(page, paid)
        await saveScreenshot(page, `pay-page-${label}-4-paid`)
      }
    })

    it("overpaid: paid, with the excess to be refunded named", async () => {
      const { sessionId, view } = await placeCryptoOrder(storefront(), seeded)
      const both = await openBoth(sessionId)
      const id = payer().send(view.address, new Decimal(view.amount_due).plus("1.5").toFixed())
      await payer().acknowledged(id)
      await inboxSettled(db())
      const overpaid = await storeView(storefront(), sessionId)
      expect(overpaid.status).toBe("overpaid")
      for (const { label, page } of both) {
        await waitForState(page, "overpaid")
        expect(await text(page, "h1")).toBe("Paid, thank you")
        expect(await text(page, ".detail")).toBe("More than the amount due arrived; the store will refund the excess.")
        expect(await visible(page, "#waas-return")).toBe(true)
        await expectFigures(page, overpaid)
        await saveScreenshot(page, `pay-page-${label}-5-overpaid`)
      }
    })

    it("expired (back to the store), then a late transfer is held for the store", async () => {
      const { sessionId, view } = await placeCryptoOrder(storefront(), seeded)
      const both = await openBoth(sessionId)
      for (const { page } of both) await waitForState(page, "awaiting")

      // the quote ran out ten minutes ago by the WaaS's clock; the expiry job moves it on
      const expires = new Date(sim().clock.now() - 10 * 60_000)
      await db().raw(`UPDATE waas_crypto_payment SET expires_at = ?, monitor_until = ? WHERE payment_session_id = ?`, [
        expires,
        new Date(expires.getTime() + 60 * 60_000),
        sessionId,
      ])
      await waas().expireStalePayments()
      const expired = await storeView(storefront(), sessionId)
      expect(expired.status).toBe("expired")
      for (const { label, page } of both) {
        await waitForState(page, "expired")
        expect(await text(page, "h1")).toBe("This quote has expired")
        expect(await visible(page, ".pay")).toBe(false)
        expect(await visible(page, ".address")).toBe(false)
        expect(await page.locator("#waas-return").getAttribute("href")).toBe(RETURN_URL.replace("{session_id}", sessionId))
        await saveScreenshot(page, `pay-page-${label}-6-expired`)
      }

      const id = payer().send(view.address, view.amount_due)
      await payer().acknowledged(id)
      await inboxSettled(db())
      const late = await storeView(storefront(), sessionId)
      expect(late.status).toBe("late_held")
      for (const { label, page } of both) {
        await waitForState(page, "late")
        expect(await text(page, "h1")).toBe("Your payment arrived after the quote expired")
        expect(await visible(page, ".pay")).toBe(false)
        expect(await visible(page, "#waas-return")).toBe(false)
        await expectFigures(page, late)
        await saveScreenshot(page, `pay-page-${label}-7-late`)
      }
    })

    it("a replaced session's page says canceled; the new session's page shows the same address with a fresh QR", async () => {
      const store = storefront()
      const { sessionId, view, paymentCollectionId } = await placeCryptoOrder(store, seeded)
      const [phone] = await openBoth(sessionId)
      await waitForState(phone.page, "awaiting")
      // the shopper starts the payment again on the same collection (e.g. back from the payment step)
      await store.post(
        `/store/payment-collections/${paymentCollectionId}/payment-sessions`,
        { provider_id: "pp_waas_waas", data: { symbol: "USDTERC20" } },
        z.unknown(),
      )
      const next = (await waas().listCryptoPayments({ address: view.address, status: ["awaiting_payment"] }))[0]
      expect(next).toBeDefined()
      expect(next.payment_session_id).not.toBe(sessionId)
      await waitForState(phone.page, "canceled")
      expect(await text(phone.page, "h1")).toBe("This payment was canceled")
      expect(await visible(phone.page, ".pay")).toBe(false)
      await saveScreenshot(phone.page, "pay-page-phone-8-canceled")
      const [fresh] = await openBoth(next.payment_session_id)
      const freshView = await storeView(store, next.payment_session_id)
      expect(await decodeQr(fresh.page.locator("#waas-qr"))).toBe(freshView.payment_uri)
    })

    it("sends a strict CSP, shows nothing private, answers 404 for an unknown session, and keeps working without JavaScript", async () => {
      const { sessionId, view } = await placeCryptoOrder(storefront(), seeded)
      const response = await fetch(`${baseUrl()}/waas/pay/${sessionId}`)
      expect(response.status).toBe(200)
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8")
      const csp = response.headers.get("content-security-policy") ?? ""
      expect(csp).toContain("default-src 'none'")
      expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/)
      expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/)
      expect(csp).toContain("connect-src 'self'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).not.toContain("unsafe")
      expect(response.headers.get("cache-control")).toBe("no-store")
      expect(response.headers.get("x-frame-options")).toBe("DENY")
      const html = await response.text()
      const status = await (await fetch(`${baseUrl()}/waas/pay/${sessionId}/status`)).text()

      const [payment] = await waas().listCryptoPayments({ payment_session_id: sessionId })
      const accounts = await waas().listWaasAccounts({})
      const privateValues = {
        merchantPrivateKey: merchant.merchantPrivateKey,
        appId: merchant.appId,
        uids: accounts.flatMap((a) => (a.uid ? [String(a.uid)] : [])),
        accountEmails: accounts.map((a) => a.email),
        syntheticEmailDomain: waas().getOptions().syntheticEmailDomain,
      }
      for (const body of [html, status]) {
        expect(findLeaks(body, privateValues)).toEqual([])
        // nor the session's binding, nor anything of the order or the shopper
        for (const value of [payment.session_binding!, payment.order_id!, "shopper@example.com", "Ledger Lane"]) {
          expect(body.includes(value) ? value : null).toBeNull()
        }
      }

      const unknown = await fetch(`${baseUrl()}/waas/pay/payses_01UNKNOWN000000000000000000`)
      expect(unknown.status).toBe(404)
      expect(await unknown.text()).toContain("Payment not found")
      expect((await fetch(`${baseUrl()}/waas/pay/payses_01UNKNOWN000000000000000000/status`)).status).toBe(404)
      expect((await fetch(`${baseUrl()}/waas/pay/${sessionId}/other`)).status).toBe(404)

      // without JavaScript the first response already says what to send and where, with the QR code
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE })
      const page = await context.newPage()
      await page.goto(`${baseUrl()}/waas/pay/${sessionId}`)
      expect(await text(page, "h1")).toBe("Send your payment")
      expect(await text(page, '.pay [data-field="amount_to_send"]')).toBe(view.amount_due)
      expect(await decodeQr(page.locator("#waas-qr"))).toBe(view.payment_uri)
      await saveScreenshot(page, "pay-page-phone-0-no-javascript")
      await context.close()
    })

    /** the React component on a stand-in storefront page, at both sizes, polling the store route */
    async function openComponents(sessionId: string) {
      const opened: Array<{ label: string; page: ShopperPage }> = []
      for (const [label, viewport] of [["phone", PHONE], ["desktop", DESKTOP]] as const) {
        const page = await newPage(browser, viewport)
        pages.push(page)
        await page.goto(shop.url({ session: sessionId, backend: baseUrl(), key: seeded.publishableKey }))
        opened.push({ label, page })
      }
      return opened
    }

    async function expectComponentFigures(page: Page, view: StoreViewType) {
      expect(await text(page, '.waas-pay__figures [data-field="amount_due"]')).toBe(view.amount_due)
      expect(await text(page, '.waas-pay__figures [data-field="amount_received"]')).toBe(view.amount_received)
      expect(await text(page, '.waas-pay__figures [data-field="amount_pending"]')).toBe(view.amount_pending)
    }

    it("the storefront component shows the same view through the same states: awaiting → detected → underpaid → paid", async () => {
      const store = storefront()
      const { sessionId, view } = await placeCryptoOrder(store, seeded)
      const both = await openComponents(sessionId)
      const waitFor = (page: Page, state: string) =>
        page.waitForFunction((s) => document.querySelector(".waas-pay")?.getAttribute("data-state") === s, state, { timeout: 30_000, polling: 100 })

      for (const { label, page } of both) {
        await waitFor(page, "awaiting")
        expect(await text(page, ".waas-pay h2")).toBe("Send your payment")
        expect(await text(page, '.waas-pay [data-field="amount_to_send"]')).toBe(view.amount_due)
        expect(await text(page, '.waas-pay [data-field="address"]')).toBe(view.address)
        await page.waitForSelector(".waas-pay__qr svg")
        expect(await decodeQr(page.locator(".waas-pay__qr"))).toBe(view.payment_uri)
        expect(await text(page, '[data-field="countdown"]')).toMatch(/^1[0-9]{2}:[0-5]\d:[0-5]\d$/)
        await expectComponentFigures(page, view)
        await saveScreenshot(page, `component-${label}-1-awaiting`)
      }

      const due = new Decimal(view.amount_due)
      const first = due.times(0.25).toDecimalPlaces(6).toFixed()
      const firstId = payer().sendUnconfirmed(view.address, first)
      await runWhenFree(() => runDepositPoll(container(), { force: true }))
      const detected = await storeView(store, sessionId)
      for (const { label, page } of both) {
        await waitFor(page, "detected")
        expect(await text(page, ".waas-pay h2")).toBe("Payment detected, waiting for confirmations")
        expect(await page.locator(".waas-pay__pay").count()).toBe(0)
        await expectComponentFigures(page, detected)
        await saveScreenshot(page, `component-${label}-2-detected`)
      }

      sim().control.confirmDeposit(firstId, 12)
      await payer().acknowledged(firstId)
      await inboxSettled(db())
      const underpaid = await storeView(store, sessionId)
      expect(underpaid.status).toBe("underpaid")
      for (const { label, page } of both) {
        await waitFor(page, "underpaid")
        expect(await text(page, ".waas-pay h2")).toBe("Partly paid: send the rest")
        expect(await text(page, '.waas-pay [data-field="amount_to_send"]')).toBe(underpaid.amount_remaining)
        await page.waitForFunction(() => document.querySelector(".waas-pay__qr svg") !== null)
        // the component regenerates the QR code after the view arrives: read it once it shows the new URI
        expect(await decodeQrWhen(page.locator(".waas-pay__qr"), (t) => t === underpaid.remaining_payment_uri)).toBe(underpaid.remaining_payment_uri)
        await expectComponentFigures(page, underpaid)
        await saveScreenshot(page, `component-${label}-3-underpaid`)
      }

      const secondId = payer().send(view.address, underpaid.amount_remaining)
      await payer().acknowledged(secondId)
      await inboxSettled(db())
      const paid = await storeView(store, sessionId)
      expect(paid.status).toBe("paid")
      for (const { label, page } of both) {
        await waitFor(page, "paid")
        expect(await text(page, ".waas-pay h2")).toBe("Paid, thank you")
        expect(await page.locator(".waas-pay__pay").count()).toBe(0)
        expect(await page.locator(".waas-pay__return").getAttribute("href")).toBe("https://shop.example.com/thanks")
        await page.waitForFunction(() => document.body.dataset.paidCalls === "1")
        await expectComponentFigures(page, paid)
        await saveScreenshot(page, `component-${label}-4-paid`)
      }
    })

    it("the storefront component shows expired, then late, like the hosted page", async () => {
      const { sessionId, view } = await placeCryptoOrder(storefront(), seeded)
      const both = await openComponents(sessionId)
      const waitFor = (page: Page, state: string) =>
        page.waitForFunction((s) => document.querySelector(".waas-pay")?.getAttribute("data-state") === s, state, { timeout: 30_000, polling: 100 })
      for (const { page } of both) await waitFor(page, "awaiting")
      const expires = new Date(sim().clock.now() - 10 * 60_000)
      await db().raw(`UPDATE waas_crypto_payment SET expires_at = ?, monitor_until = ? WHERE payment_session_id = ?`, [
        expires,
        new Date(expires.getTime() + 60 * 60_000),
        sessionId,
      ])
      await waas().expireStalePayments()
      for (const { label, page } of both) {
        await waitFor(page, "expired")
        expect(await text(page, ".waas-pay h2")).toBe("This quote has expired")
        expect(await page.locator(".waas-pay__pay").count()).toBe(0)
        expect(await text(page, ".waas-pay__return")).toBe("Back to the store")
        await saveScreenshot(page, `component-${label}-5-expired`)
      }
      const id = payer().send(view.address, view.amount_due)
      await payer().acknowledged(id)
      await inboxSettled(db())
      for (const { label, page } of both) {
        await waitFor(page, "late")
        expect(await text(page, ".waas-pay h2")).toBe("Your payment arrived after the quote expired")
        expect(await page.locator(".waas-pay__return").count()).toBe(0)
        await saveScreenshot(page, `component-${label}-6-late`)
      }
    })
  },
})
