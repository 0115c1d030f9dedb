import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { WAAS_MODULE } from "../../../../modules/waas"
import type WaasModuleService from "../../../../modules/waas/service"
import type { RefundRequestInput } from "../../../../modules/waas/withdrawals/withdrawals"
import { WITHDRAWAL_GROUPS } from "../../../../modules/waas/withdrawals/withdrawal-states"
import { submitWithdrawal } from "../../../../workflows/withdrawals/runners/run-withdrawal-submission"
import { parseOr400 } from "../validators"
import { AdminCreateWithdrawal, AdminWithdrawalList } from "./validators"
import { adminWithdrawalView, announce } from "./withdrawal-view"

/**
 * `GET /admin/waas/withdrawals?status=|group=&order_id=&limit=&offset=`: refunds, newest first, a page at a time
 * with how many match in all (`count`). `group` is one of the Refunds tab's (waiting, in_flight, failed, completed,
 * closed); the counts of every group are GET …/withdrawals/groups.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const q = parseOr400(AdminWithdrawalList, req.query)
  const waas = req.scope.resolve<WaasModuleService>(WAAS_MODULE)
  const status = q.group ? [...WITHDRAWAL_GROUPS[q.group]] : q.status ? [q.status] : undefined
  const { rows, count } = await waas.withdrawals().page({ status, order_id: q.order_id }, q.limit, q.offset)
  res.json({ withdrawals: rows.map(adminWithdrawalView), count, limit: q.limit, offset: q.offset })
}

/**
 * `POST /admin/waas/withdrawals`: a refund request (see validators.ts for the three sources). It waits for
 * approval by another admin; every refusal is a 400 naming what to fix, and writes nothing.
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const body = parseOr400(AdminCreateWithdrawal, req.body)
  const waas = req.scope.resolve<WaasModuleService>(WAAS_MODULE)
  const actor = req.auth_context?.actor_id ?? null
  const destination = body.destination ? { address: body.destination.address, memo: body.destination.memo ?? null } : null
  const common = { reason: body.reason, requested_by: actor, destination }
  let input: RefundRequestInput
  if (body.source === "deposit") {
    input = { ...common, source: "deposit", deposit_id: body.deposit_id, crypto_amount: body.crypto_amount ?? null }
  } else if (body.source === "excess") {
    input = { ...common, source: "excess", order_id: body.order_id, crypto_payment_id: body.crypto_payment_id, crypto_amount: body.crypto_amount ?? null }
  } else if (body.fiat_amount) {
    input = { ...common, source: "payment", order_id: body.order_id, crypto_payment_id: body.crypto_payment_id, fiat_amount: body.fiat_amount, rate_basis: body.rate_basis }
  } else {
    input = { ...common, source: "payment", order_id: body.order_id, crypto_payment_id: body.crypto_payment_id, crypto_amount: body.crypto_amount! }
  }
  const change = await waas.withdrawals().request(input)
  await announce(req.scope, change)
  // withdrawals.approvals = 0 and a destination given: nothing else to wait for
  if (change.withdrawal.status === "approved") await submitWithdrawal(req.scope, change.withdrawal.id)
  res.status(201).json({ withdrawal: adminWithdrawalView(await waas.withdrawals().retrieve(change.withdrawal.id)) })
}
