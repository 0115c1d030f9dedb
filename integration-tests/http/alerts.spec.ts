import { randomBytes } from "node:crypto"
import { join } from "node:path"
import { storeIntegrationTestRunner } from "../helpers/store-runner"
import type { Event, IEventBusModuleService, MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import evaluateAlertsJob from "../../src/jobs/evaluate-alerts"
import { generateWaasKeyPair } from "../../src/protocol"
import { AlertEvents } from "../../src/workflows/alerts"
import { adminLogin, createAdminUser, waitFor } from "../helpers/deposits"
import { waasPluginOptions } from "../helpers/plugin-options"

jest.setTimeout(180_000)

/**
 * Alerts through a whole Medusa: refused callbacks posted to the notify route and a reconciliation event raise
 * alerts; each raise and resolve is an event (`waas.alert.raised` / `waas.alert.resolved`) and an admin
 * notification on the `feed` channel (the admin's bell reads GET /admin/notifications); GET /admin/waas/alerts
 * lists open and recent ones. Nothing here talks to a WaaS (port 9 answers nothing).
 */
const REPO_ROOT = join(__dirname, "..", "..")
const ADMIN = { email: "ops@example.com", password: randomBytes(12).toString("base64url") }
const keys = generateWaasKeyPair()
const options = waasPluginOptions({ url: "http://localhost:9", pathPrefix: "/api/v2", walletPublicKey: keys.publicKey }, { appId: "alerts-spec", merchantPrivateKey: keys.privateKey })
process.env.WAAS_PLUGIN_OPTIONS = JSON.stringify({
  ...options,
  // no pool to keep: the scheduled refill (every 5 minutes by the clock) wants nothing, so it cannot raise
  // "pool low" for every coin (the WaaS here is unreachable) in the middle of a test that counts alerts
  coins: options.coins.map((c) => ({ ...c, poolLowWatermark: 0 })),
  alerts: { callbacksRefusedMax: 2 },
})

type AlertView = { key: string; condition: string; status: string; message: string; figures: Record<string, unknown>; resolved_at: string | null }

storeIntegrationTestRunner({
  cwd: REPO_ROOT,
  testSuite: ({ api, getContainer }) => {
    const events: Array<{ name: string; data: Record<string, unknown> }> = []
    let headers: Record<string, string>
    const container = (): MedusaContainer => getContainer()
    const baseUrl = (): string => String(api.defaults.baseURL)

    beforeAll(async () => {
      await createAdminUser(container(), ADMIN.email, ADMIN.password)
      const eventBus = container().resolve<IEventBusModuleService>(Modules.EVENT_BUS)
      for (const name of Object.values(AlertEvents)) {
        eventBus.subscribe(name, async (event: Event) => {
          events.push({ name: event.name, data: event.data as Record<string, unknown> })
        }, { subscriberId: `alerts-spec-${name}` })
      }
    })

    beforeEach(async () => {
      events.length = 0
      headers ??= await adminLogin(baseUrl(), ADMIN.email, ADMIN.password)
    })

    async function get<T>(path: string, h: Record<string, string> = headers): Promise<{ status: number; body: T }> {
      const response = await fetch(new URL(path, baseUrl()), { headers: h })
      return { status: response.status, body: (await response.json()) as T }
    }

    const feed = async () =>
      (await get<{ notifications: Array<{ channel: string; data: { title: string; description: string } }> }>("/admin/notifications?limit=50")).body.notifications.filter(
        (n) => n.channel === "feed",
      )

    it("refused callbacks past the threshold: one alert, one event and one feed notification, listed by the admin API", async () => {
      for (let i = 0; i < 3; i++) {
        const refused = await fetch(new URL("/hooks/waas/notify", baseUrl()), {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ app_id: "alerts-spec", data: "bm90IGEgY2lwaGVydGV4dA" }).toString(),
        })
        expect(refused.status).toBeGreaterThanOrEqual(400)
        expect(await refused.text()).toBe("FAILURE")
      }
      // the route counts refusals after answering
      await waitFor("three refusals counted", async () => {
        const db = container().resolve("__pg_connection__") as { raw(q: string): Promise<{ rows: Array<{ n: string }> }> }
        return Number((await db.raw(`SELECT count(*) AS n FROM waas_callback_refusal`)).rows[0].n) === 3
      })
      await evaluateAlertsJob(container())
      await evaluateAlertsJob(container())

      const listed = await get<{ alerts: AlertView[]; count: number }>("/admin/waas/alerts?status=open")
      expect(listed.status).toBe(200)
      expect(listed.body.alerts).toEqual([
        expect.objectContaining({ key: "callbacks_refused:undecryptable", condition: "callbacks_refused", status: "open", figures: expect.objectContaining({ refused: 3, max: 2 }) }),
      ])
      await waitFor("the raised event", async () => events.length > 0)
      expect(events).toEqual([{ name: "waas.alert.raised", data: expect.objectContaining({ key: "callbacks_refused:undecryptable", figures: expect.objectContaining({ refused: 3 }) }) }])
      const notes = await feed()
      expect(notes).toEqual([
        expect.objectContaining({ data: { title: "WaaS alert: callbacks refused", description: expect.stringContaining("3 WaaS callbacks refused as undecryptable") } }),
      ])
    })

    it("a reconciliation with breaks raises an alert for its day; a balanced run of the day resolves it, each announced once", async () => {
      const eventBus = container().resolve<IEventBusModuleService>(Modules.EVENT_BUS)
      await eventBus.emit({ name: "waas.reconciliation.completed", data: { day: "2026-11-30", status: "breaks", breaks: { missing_here: 1, amount_mismatch: 2 } } })
      const open = await waitFor("the reconciliation alert", async () => {
        const { body } = await get<{ alerts: AlertView[] }>("/admin/waas/alerts")
        return body.alerts.find((a) => a.key === "reconciliation_breaks:2026-11-30" && a.status === "open")
      })
      expect(open.figures).toEqual({ day: "2026-11-30", status: "breaks", breaks: 3, breaks_missing_here: 1, breaks_amount_mismatch: 2 })
      await eventBus.emit({ name: "waas.reconciliation.completed", data: { day: "2026-11-30", status: "balanced", breaks: {} } })
      const resolved = await waitFor("the alert resolved", async () => {
        const { body } = await get<{ alerts: AlertView[] }>("/admin/waas/alerts?status=resolved")
        return body.alerts.find((a) => a.key === "reconciliation_breaks:2026-11-30")
      })
      expect(resolved.resolved_at).not.toBeNull()
      await waitFor("both events", async () => events.length >= 2)
      expect(events.map((e) => [e.name, e.data.key])).toEqual([
        ["waas.alert.raised", "reconciliation_breaks:2026-11-30"],
        ["waas.alert.resolved", "reconciliation_breaks:2026-11-30"],
      ])
      const titles = (await feed()).map((n) => n.data.title)
      expect(titles.filter((t) => t === "WaaS alert: reconciliation breaks")).toHaveLength(1)
      expect(titles.filter((t) => t === "WaaS alert resolved: reconciliation breaks")).toHaveLength(1)

      // an event that does not read as a reconciliation outcome changes nothing
      await eventBus.emit({ name: "waas.reconciliation.completed", data: { day: "yesterday", status: "fine" } })
      const { body } = await get<{ count: number }>("/admin/waas/alerts")
      expect(body.count).toBe(1)
    })

    it("the alerts API needs an admin and validates its query", async () => {
      expect((await get("/admin/waas/alerts", {})).status).toBe(401)
      expect((await get("/admin/waas/alerts?status=bogus")).status).toBe(400)
      expect((await get("/admin/waas/alerts?limit=0")).status).toBe(400)
    })
  },
})
