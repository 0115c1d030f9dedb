import type { IPaymentModuleService, PaymentDTO } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MathBN, Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { WAAS_MODULE } from "../../../modules/waas"
import type { MedusaFact } from "../../../modules/waas/reconciliation/compare-medusa-sql"
import type WaasModuleService from "../../../modules/waas/service"
import { loadRun } from "./run-progress"

const WAAS_PROVIDER = "pp_waas_waas"
const BATCH = 200

const amountOf = (v: unknown): string => MathBN.convert(v as never).toFixed()

/**
 * Medusa's side of the day, read through Medusa's payment module and its query graph (never Medusa's tables):
 * the Medusa payment (captured or not, the captured amount) and the refunds of every crypto payment of the day,
 * plus our provider's payments Medusa captured in the window and the refunds Medusa recorded in it (a capture or a
 * refund our ledger knows nothing of). Written in bulk as the run's facts; the compare is SQL over them.
 */
export const gatherMedusaFactsStep = createStep("waas-reconciliation-gather-medusa", async (input: { run_id: string }, { container }) => {
  const waas = container.resolve<WaasModuleService>(WAAS_MODULE)
  const recon = waas.reconciliation()
  const run = await loadRun(recon, input.run_id)
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const window = { $gte: run.window_start, $lt: run.window_end }

  // crypto payments by session: the ledger's list of the day, then what Medusa shows for the window
  const bySession = new Map<string, string>()
  for (let after = ""; ; ) {
    const page = await recon.listDayPayments(run, after, BATCH)
    for (const p of page) bySession.set(p.payment_session_id, p.id)
    if (page.length < BATCH) break
    after = page[page.length - 1].id
  }
  const { data: captured } = await query.graph({
    entity: "payment",
    fields: ["id", "payment_session_id"],
    filters: { provider_id: WAAS_PROVIDER, captured_at: window },
  })
  const { data: refunded } = await query.graph({
    entity: "refund",
    fields: ["id", "payment.id", "payment.payment_session_id", "payment.provider_id"],
    filters: { created_at: window },
  })
  const extra = [
    ...captured.map((p: { payment_session_id: string }) => p.payment_session_id),
    ...refunded
      .filter((r: { payment?: { provider_id?: string } }) => r.payment?.provider_id === WAAS_PROVIDER)
      .map((r: { payment: { payment_session_id: string } }) => r.payment.payment_session_id),
  ].filter((s) => !bySession.has(s))
  for (const p of await recon.paymentsBySession([...new Set(extra)])) bySession.set(p.payment_session_id, p.id)

  const sessions = [...bySession.keys()]
  let written = 0
  for (let i = 0; i < sessions.length; i += BATCH) {
    const found = await payments.listPaymentSessions(
      { id: sessions.slice(i, i + BATCH) },
      { relations: ["payment", "payment.captures", "payment.refunds"], take: BATCH },
    )
    const seen = new Set<string>()
    const facts: MedusaFact[] = []
    for (const s of found) {
      const cryptoPaymentId = bySession.get(s.id)!
      seen.add(s.id)
      facts.push(...factsOf(cryptoPaymentId, s.payment ?? null))
    }
    // a session Medusa no longer has: nothing captured there
    for (const id of sessions.slice(i, i + BATCH)) if (!seen.has(id)) facts.push(...factsOf(bySession.get(id)!, null))
    await recon.recordMedusaFacts(run, facts)
    written += facts.length
  }
  return new StepResponse({ payments: sessions.length, facts: written })
})

function factsOf(cryptoPaymentId: string, p: PaymentDTO | null): MedusaFact[] {
  const captures = p?.captures ?? []
  const capturedAt = p?.captured_at ? new Date(p.captured_at as unknown as string).toISOString() : null
  const capturedAmount = captures.length ? captures.reduce((sum, c) => MathBN.add(sum, c.amount), MathBN.convert(0)) : null
  const payment: MedusaFact = {
    fact: "payment",
    crypto_payment_id: cryptoPaymentId,
    medusa_payment_id: p?.id ?? null,
    refund_id: null,
    amount: capturedAmount === null ? null : amountOf(capturedAmount),
    currency_code: p?.currency_code ?? null,
    recorded_at: capturedAt,
  }
  const refunds: MedusaFact[] = (p?.refunds ?? []).map((r) => ({
    fact: "refund",
    crypto_payment_id: cryptoPaymentId,
    medusa_payment_id: p!.id,
    refund_id: r.id,
    amount: amountOf(r.amount),
    currency_code: p!.currency_code ?? null,
    recorded_at: r.created_at ? new Date(r.created_at as unknown as string).toISOString() : null,
  }))
  return [payment, ...refunds]
}
