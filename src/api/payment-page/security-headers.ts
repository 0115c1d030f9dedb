import { createHash } from "node:crypto"
import type { MedusaResponse } from "@medusajs/framework/http"
import { PAGE_SCRIPT } from "./page-script"
import { PAGE_STYLE } from "./page-style"

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`

/**
 * A strict policy: nothing loads but the page's own inline script and stylesheet (by hash, never
 * 'unsafe-inline'), the page talks only to its own origin (the status poll), and no one may frame it
 * (a framed payment page invites click-jacking of the address). The QR code is inline SVG, so no images.
 */
export const PAYMENT_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(PAGE_SCRIPT)}`,
  `style-src ${sha256(PAGE_STYLE)}`,
  "connect-src 'self'",
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ")

export function setPageHeaders(res: MedusaResponse, contentType: string): void {
  res.setHeader("Content-Type", contentType)
  res.setHeader("Content-Security-Policy", PAYMENT_PAGE_CSP)
  res.setHeader("X-Content-Type-Options", "nosniff")
  res.setHeader("X-Frame-Options", "DENY")
  res.setHeader("Referrer-Policy", "no-referrer")
  // the state changes by the second and the page names an address: never from a cache
  res.setHeader("Cache-Control", "no-store")
}
