import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { WAAS_MODULE } from "../../../../modules/waas"
import type WaasModuleService from "../../../../modules/waas/service"
import { parseOr400 } from "../validators"
import { AdminDestination } from "../withdrawals/validators"

const Body = AdminDestination.extend({ symbol: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "symbol must be a coin symbol such as USDTERC20") }).strict()

/**
 * `POST /admin/waas/destination-check` `{ symbol, address, memo? }`: the checks a refund's destination gets (the
 * network's encoding, the WaaS's address_regex and tag rules), without a request; for the refund drawer as the
 * admin types. `{ valid: true, address, memo }` or `{ valid: false, message }`; writes nothing.
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const body = parseOr400(Body, req.body)
  const waas = req.scope.resolve<WaasModuleService>(WAAS_MODULE)
  try {
    const checked = await waas.withdrawals().checkDestination(body.symbol, { address: body.address, memo: body.memo ?? null })
    res.json({ valid: true, address: checked.address, memo: checked.memo })
  } catch (e) {
    if (!(e instanceof MedusaError) || e.type !== MedusaError.Types.INVALID_DATA) throw e
    res.json({ valid: false, message: e.message })
  }
}
