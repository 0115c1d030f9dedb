import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { decideBreak } from "../../decide-break"

/** `POST /admin/waas/reconciliation/breaks/:id/acknowledge` `{ note }`: the admin's decision, kept with who and when. */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  await decideBreak(req, res, "acknowledged")
}
