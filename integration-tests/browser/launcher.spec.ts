import fs from "node:fs"
import type { Browser } from "playwright-core"
import { PNG } from "pngjs"
import QRCode from "qrcode"
import { DESKTOP, PHONE, launchBrowser, newPage, saveScreenshot } from "./support/browser"
import { decodeQr } from "./support/qr"

// The browser tier's own plumbing, without Medusa: Debian's Chromium starts headless, renders at the
// two viewport sizes, screenshots land in .tmp/screenshots, and a server-made SVG QR code decodes.
jest.setTimeout(60_000)

describe("browser tier", () => {
  let browser: Browser
  beforeAll(async () => {
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
  })

  it.each([
    ["phone", PHONE],
    ["desktop", DESKTOP],
  ])("renders a page at %s size, screenshots it and decodes an SVG QR code from its pixels", async (label, viewport) => {
    const uri = "ethereum:0x52908400098527886E0F7030069857D2E4169EE7@1?value=1.5e18"
    const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 4 })
    const page = await newPage(browser, viewport)
    await page.setContent(`<!doctype html><meta name="viewport" content="width=device-width">
      <h1>Launcher check</h1><div id="qr" style="width:240px">${svg}</div>`)

    expect(await page.evaluate(() => window.innerWidth)).toBe(viewport.width)
    expect(await page.textContent("h1")).toBe("Launcher check")
    expect(await decodeQr(page.locator("#qr"))).toBe(uri)

    const file = await saveScreenshot(page, `launcher-${label}`)
    const png = PNG.sync.read(fs.readFileSync(file))
    expect(png.width).toBe(viewport.width)
    expect(page.problems).toEqual([])
    await page.context().close()
  })
})
