import jsQR from "jsqr"
import type { Locator } from "playwright-core"
import { PNG } from "pngjs"

/**
 * Reads a QR code the way a phone camera would: from pixels. The element is screenshotted
 * (scaled up so each module covers several pixels) and decoded with jsQR; returns the text or throws.
 */
export async function decodeQr(element: Locator): Promise<string> {
  const png = PNG.sync.read(await element.screenshot({ scale: "device", animations: "disabled" }))
  const code = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)
  if (!code) throw new Error(`decodeQr: no QR code found in a ${png.width}x${png.height} screenshot of the element`)
  return code.data
}
