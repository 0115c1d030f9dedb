import { existsSync, writeFileSync } from "node:fs"
import type { ExecArgs } from "@medusajs/framework/types"
import { z } from "@medusajs/framework/zod"
import pollDepositsJob from "../../../src/jobs/poll-deposits"
import refillAddressPoolJob from "../../../src/jobs/refill-address-pool"
import { runDepositPoll } from "../../../src/workflows/deposits/runners/run-deposit-poll"

/**
 * Run through `medusa exec` by the multi tier, in several processes at once, beside the worker's own schedule:
 * the plugin's refill job, or the deposit poller forced past its interval, `MULTI_JOBS_RUNS` times
 * concurrently in this process. The reports go to MULTI_JOBS_OUT (exec's stdout carries Medusa's log).
 */
const Env = z.object({
  MULTI_JOBS_OUT: z.string().min(1),
  MULTI_JOBS: z.enum(["refill", "poll"]),
  MULTI_JOBS_RUNS: z.coerce.number().int().min(1).max(10),
  /** booted, this process writes `<out>.ready` and waits for this file, so that several processes start together */
  MULTI_JOBS_GO: z.string().min(1),
})

async function startSignal(ready: string, go: string): Promise<void> {
  writeFileSync(ready, "")
  const deadline = Date.now() + 300_000
  while (!existsSync(go)) {
    if (Date.now() > deadline) throw new Error(`no start signal (${go}) within 5 minutes`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

export default async function runJobs({ container }: ExecArgs): Promise<void> {
  const env = Env.parse(process.env)
  const run = (): Promise<unknown> => (env.MULTI_JOBS === "refill" ? refillAddressPoolJob(container) : runDepositPoll(container, { force: true }))
  await startSignal(`${env.MULTI_JOBS_OUT}.ready`, env.MULTI_JOBS_GO)
  const reports: unknown[] = await Promise.all(Array.from({ length: env.MULTI_JOBS_RUNS }, run))
  // and the scheduled handler itself once more, as the worker's tick calls it
  if (env.MULTI_JOBS === "poll") reports.push(await pollDepositsJob(container))
  writeFileSync(env.MULTI_JOBS_OUT, JSON.stringify(reports))
}
