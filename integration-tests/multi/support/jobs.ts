import fs from "node:fs"
import path from "node:path"
import type { Cluster } from "./cluster"
import { waitFor } from "./shop"

/**
 * `medusa exec run-jobs.ts` in two processes, released at the same moment once both have booted (`beforeGo`
 * runs just before the release); their reports
 */
export async function jobsInTwoProcesses(cluster: Cluster, kind: "refill" | "poll", beforeGo?: () => Promise<void>): Promise<unknown[]> {
  const outs = ["a", "b"].map((k) => path.join(cluster.workDir, `${kind}-${k}.json`))
  const go = path.join(cluster.workDir, `${kind}.go`)
  const runs = outs.map((out, i) =>
    cluster.exec(`${kind}-${i}`, "./integration-tests/multi/support/run-jobs.ts", { MULTI_JOBS: kind, MULTI_JOBS_RUNS: "2", MULTI_JOBS_OUT: out, MULTI_JOBS_GO: go }),
  )
  const failed = Promise.race(runs).then(() => new Promise<never>(() => undefined))
  await Promise.race([waitFor("both job processes to boot", async () => outs.every((o) => fs.existsSync(`${o}.ready`)), 300_000, 100), failed])
  await beforeGo?.()
  fs.writeFileSync(go, "")
  await Promise.all(runs)
  return outs.flatMap((out) => JSON.parse(fs.readFileSync(out, "utf8")) as unknown[])
}
