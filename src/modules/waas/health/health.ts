import type { Context } from "@medusajs/framework/types"
import type { ModuleDeps } from "../module-context"
import { redactOptions } from "../options-redaction"
import { countRefusals, cursorStates, inboxBacklog, insertRefusal, RefusalInput } from "./health-sql"
import { checkWaas } from "./waas-check"

/** the pollers whose cursors the Health tab shows (their cursor's updated_at is their last finished run) */
const POLLERS = [
  { name: "deposits", job: "waas-poll-deposits" },
  { name: "withdrawals", job: "waas-poll-withdrawals" },
] as const

/**
 * The plugin's health, for the admin's Health tab: whether the WaaS answers now, the callbacks (the last one
 * received, those refused in the last 24 h by reason, those recorded but not processed), the pollers' last
 * runs and lag, and the options in force with every secret redacted. Everything but the live check is a read.
 */
export class Health {
  constructor(private readonly deps: ModuleDeps) {}

  /** a callback the plugin refused, for the counts; what and why only, never its body */
  async recordRefusal(refusal: RefusalInput, sharedContext: Context = {}): Promise<void> {
    await this.deps.db.read((db) => insertRefusal(db, refusal), sharedContext)
  }

  checkWaas() {
    return checkWaas(this.deps.client(), this.deps.now)
  }

  async report(sharedContext: Context = {}) {
    const { options } = this.deps
    const [waas, stored] = await Promise.all([
      this.checkWaas(),
      this.deps.db.read(
        async (db) => ({
          refused: await countRefusals(db, 24),
          inbox: await inboxBacklog(db),
          cursors: await cursorStates(db, POLLERS.map((p) => p.name)),
        }),
        sharedContext,
      ),
    ])
    const interval = { deposits: options.depositPollIntervalSeconds, withdrawals: options.withdrawals.pollIntervalSeconds }
    const lastReceived = stored.inbox.map((s) => s.last_received_at).filter((d): d is Date => d !== null)
    return {
      waas,
      callbacks: {
        last_received_at: lastReceived.length ? new Date(Math.max(...lastReceived.map((d) => d.getTime()))) : null,
        by_side: stored.inbox,
        unprocessed: stored.inbox.reduce((n, s) => n + s.unprocessed, 0),
        refused_24h: stored.refused,
        refused_24h_total: stored.refused.reduce((n, r) => n + r.count, 0),
      },
      pollers: stored.cursors.map((c) => {
        const poller = POLLERS.find((p) => p.name === c.name)!
        const every = interval[poller.name]
        return { ...c, job: poller.job, interval_seconds: every, overdue: c.lag_seconds === null || c.lag_seconds > 2 * every + 60 }
      }),
      options: redactOptions(options),
    }
  }
}

export type HealthReport = Awaited<ReturnType<Health["report"]>>
