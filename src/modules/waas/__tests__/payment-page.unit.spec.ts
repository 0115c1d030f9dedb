import { parseWaasOptions, WaasOptionsError } from "../options"
import { buildPageModel, pageStateOf } from "../checkout/payment-page/page-model"
import { PAYMENT_PAGE_STRINGS } from "../checkout/payment-page/page-strings"
import { buildPublicView, type PublicViewSource } from "../checkout/public-view"
import { testOptions } from "./support/fixtures"

const USDT = {
  symbol: "USDTERC20",
  displayName: "Tether USD (ERC-20)",
  network: "ethereum",
  decimals: 6,
  chainId: 1,
  contractAddress: "0xdAC17F958D2ee523a2206206994597C13D831ec7",
}
const ADDRESS = "0x52908400098527886e0f7030069857d2e4169ee7"

function payment(patch: Partial<PublicViewSource> = {}): PublicViewSource {
  return {
    payment_session_id: "payses_01PAGE",
    status: "awaiting_payment",
    symbol: "USDTERC20",
    network: "ethereum",
    address: ADDRESS,
    memo: null,
    amount_due: "35.000501",
    amount_received: "0",
    amount_pending: "0",
    decimals: 6,
    expires_at: "2026-11-23T20:01:07.636Z",
    ...patch,
  }
}

const options = (paymentPage?: unknown) => parseWaasOptions({ ...testOptions(), coins: [USDT], defaultCoin: "USDTERC20", ...(paymentPage === undefined ? {} : { paymentPage }) })
const coin = () => options().coins[0]
const NOW = new Date("2026-11-23T19:50:00.000Z")

describe("the public view's remaining_payment_uri (what to scan now)", () => {
  it("is the whole amount before anything arrived, the remainder once underpaid, and null while a transfer confirms or once settled", () => {
    const full = `ethereum:${USDT.contractAddress}@1/transfer?address=${ADDRESS}&uint256=35000501`
    expect(buildPublicView(payment(), coin())).toMatchObject({ payment_uri: full, remaining_payment_uri: full })
    expect(buildPublicView(payment({ status: "underpaid", amount_received: "20" }), coin())).toMatchObject({
      payment_uri: full,
      amount_remaining: "15.000501",
      remaining_payment_uri: `ethereum:${USDT.contractAddress}@1/transfer?address=${ADDRESS}&uint256=15000501`,
    })
    expect(buildPublicView(payment({ amount_pending: "35.000501" }), coin()).remaining_payment_uri).toBeNull()
    for (const status of ["paid", "overpaid", "expired", "late_held", "canceled"] as const) {
      expect({ status, uri: buildPublicView(payment({ status, amount_received: status === "paid" ? "35.000501" : "0" }), coin()).remaining_payment_uri }).toEqual({ status, uri: null })
    }
  })
})

describe("the hosted page's model", () => {
  const model = (p: Partial<PublicViewSource>, page?: unknown) =>
    buildPageModel(buildPublicView(payment(p), coin()), "Tether USD (ERC-20)", options(page).paymentPage, NOW)

  it("maps every payment status (and a transfer confirming) onto a page state", () => {
    const cases: Array<[Partial<PublicViewSource>, string]> = [
      [{}, "awaiting"],
      [{ amount_pending: "1" }, "detected"],
      [{ status: "underpaid", amount_received: "1" }, "underpaid"],
      [{ status: "underpaid", amount_received: "1", amount_pending: "34.000501" }, "detected"],
      [{ status: "paid", amount_received: "35.000501" }, "paid"],
      [{ status: "overpaid", amount_received: "40" }, "overpaid"],
      [{ status: "expired" }, "expired"],
      [{ status: "expired", amount_pending: "35.000501" }, "detected"],
      [{ status: "late_held" }, "late"],
      [{ status: "reversed", amount_received: "0" }, "reversed"],
      [{ status: "canceled" }, "canceled"],
    ]
    for (const [p, state] of cases) expect({ p, state: pageStateOf(buildPublicView(payment(p), coin())) }).toEqual({ p, state })
  })

  it("says what to send, and links back to the store only when the visit is over", () => {
    const awaiting = model({}, { returnUrl: "https://shop.example.com/done?s={session_id}" })
    expect(awaiting).toMatchObject({
      state: "awaiting",
      headline: PAYMENT_PAGE_STRINGS.headline_awaiting,
      amount_to_send: "35.000501",
      coin_name: "Tether USD (ERC-20)",
      return_url: null,
      live: true,
      server_time: NOW.toISOString(),
    })
    const underpaid = model({ status: "underpaid", amount_received: "30" })
    expect(underpaid).toMatchObject({ amount_to_send: "5.000501", pay_uri: expect.stringContaining("uint256=5000501") })
    const paid = model({ status: "paid", amount_received: "35.000501" }, { returnUrl: "https://shop.example.com/done?s={session_id}" })
    expect(paid).toMatchObject({ state: "paid", amount_to_send: "0", pay_uri: null, return_url: "https://shop.example.com/done?s=payses_01PAGE", live: false })
    expect(model({ status: "expired" }, { returnUrl: "https://shop.example.com/" })).toMatchObject({ return_url: "https://shop.example.com/", live: true })
    expect(model({ status: "canceled" })).toMatchObject({ live: false, return_url: null })
  })

  it("takes a store's translations for any of its strings, and keeps the rest English", () => {
    const m = model({}, { strings: { headline_awaiting: "Envoyez votre paiement" } })
    expect(m.headline).toBe("Envoyez votre paiement")
    expect(m.detail).toBe(PAYMENT_PAGE_STRINGS.detail_awaiting)
  })
})

describe("the paymentPage option", () => {
  const errorOf = (paymentPage: unknown) => {
    try {
      options(paymentPage)
    } catch (e) {
      if (e instanceof WaasOptionsError) return e.message
      throw e
    }
    throw new Error("expected the option to be rejected")
  }

  it("defaults to an enabled page under /waas/pay, polled every 5 s, without a return link", () => {
    expect(options().paymentPage).toEqual({ enabled: true, path: "/waas/pay", pollIntervalSeconds: 5, strings: {} })
  })

  it("refuses a path Medusa guards, a trailing slash, a non-http return URL, an unknown string key", () => {
    expect(errorOf({ path: "/store/pay" })).toMatch(/^medusa-plugin-waas: invalid option "paymentPage.path": expected a path outside \/store/)
    expect(errorOf({ path: "/pay/" })).toMatch(/"paymentPage.path": expected a lower-case path/)
    expect(errorOf({ returnUrl: "javascript:alert(1)" })).toMatch(/"paymentPage.returnUrl": expected an http\(s\) URL/)
    expect(errorOf({ strings: { headline_awaitin: "x" } })).toMatch(/"paymentPage.strings/)
    expect(errorOf({ enabled: "yes" })).toMatch(/"paymentPage.enabled": expected true or false/)
    expect(errorOf({ colour: "red" })).toMatch(/"paymentPage"/)
  })
})
