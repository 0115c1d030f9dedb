import type WaasModuleService from "../../../../modules/waas/service"

/**
 * The Address pool tab: per coin the addresses by status and the low watermark, the WaaS user cap used, and the
 * last refill run with what it did per coin (the newest run, and the newest that was not skipped).
 */
export async function poolView(waas: WaasModuleService) {
  const [stats, runs] = await Promise.all([waas.poolStats(), waas.lastRefillRuns()])
  const done = runs.lastCompleted
  return {
    coins: stats.coins.map((c) => ({
      ...c,
      below_watermark: c.enabled && c.available < c.low_watermark,
      last_refill: done ? (done.report.coins.find((r) => r.symbol === c.symbol) ?? null) : null,
    })),
    users: { ...stats.users, used_ratio: stats.users.cap > 0 ? stats.users.count / stats.users.cap : 0 },
    last_refill: runs.last,
    last_completed_refill: done,
  }
}
