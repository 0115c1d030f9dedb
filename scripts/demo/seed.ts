import { writeFileSync } from "node:fs"
import type { ExecArgs } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createUserAccountWorkflow } from "@medusajs/medusa/core-flows"
import { z } from "@medusajs/framework/zod"
import { seedStore } from "../../integration-tests/helpers/seed-store"
import refillAddressPoolJob from "../../src/jobs/refill-address-pool"
import { WAAS_MODULE } from "../../src/modules/waas"
import type WaasModuleService from "../../src/modules/waas/service"

/**
 * Run by the demo through `medusa exec` (the app's container, no HTTP server): the same store the
 * HTTP spec seeds, an admin user for the dashboard, and a filled address pool. What the demo needs
 * next goes to the JSON file named by DEMO_SEED_OUT, because exec's stdout carries Medusa's log.
 */
const Env = z.object({
  DEMO_SEED_OUT: z.string().min(1),
  DEMO_ADMIN_EMAIL: z.string().email(),
  DEMO_ADMIN_PASSWORD: z.string().min(12),
  /** a second admin: refunds need an approver other than their requester */
  DEMO_APPROVER_EMAIL: z.string().email().optional(),
  DEMO_APPROVER_PASSWORD: z.string().min(12).optional(),
})

export default async function seedDemo({ container }: ExecArgs): Promise<void> {
  const env = Env.parse(process.env)

  const store = await seedStore(container)

  // What `medusa user` does: an emailpass identity, then the user bound to it.
  const auth = container.resolve(Modules.AUTH)
  const admins = [{ email: env.DEMO_ADMIN_EMAIL, password: env.DEMO_ADMIN_PASSWORD }]
  if (env.DEMO_APPROVER_EMAIL && env.DEMO_APPROVER_PASSWORD) admins.push({ email: env.DEMO_APPROVER_EMAIL, password: env.DEMO_APPROVER_PASSWORD })
  for (const admin of admins) {
    const { authIdentity, error } = await auth.register("emailpass", { body: admin })
    if (error || !authIdentity) throw new Error(`could not register the admin identity ${admin.email}: ${error ?? "no identity"}`)
    await createUserAccountWorkflow(container).run({
      input: { authIdentityId: authIdentity.id, userData: { email: admin.email } },
    })
  }

  // the scheduled job would fill the pool within 5 minutes; the demo runs it now instead of waiting
  const refill = await refillAddressPoolJob(container)
  const pool = await container.resolve<WaasModuleService>(WAAS_MODULE).poolStats()

  writeFileSync(env.DEMO_SEED_OUT, JSON.stringify({ store, refill, pool }, null, 2))
}
