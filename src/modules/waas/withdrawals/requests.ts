import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { MedusaError } from "@medusajs/framework/utils"
import { ExactDecimal, formatDecimal, parseDecimal } from "../../../protocol"
import { isSettled } from "../deposits/outcome"
import { appendAudit } from "./audit-sql"
import type { Destination } from "./destination"
import { approvalsRequired, cryptoForFiat, fiatForCrypto, splitFee } from "./refund-amounts"
import { lockRefundableDeposit, lockRefundablePayment, uidOfPoolAddress, type RefundablePayment } from "./source-sql"
import type { WithdrawalOptions } from "./withdrawal-options"
import { insertWithdrawal, sumHeld, type NewWithdrawal, type WithdrawalRow } from "./withdrawal-sql"
import type { RateBasis, WithdrawalSource } from "./withdrawal-states"

/** A refund request as the admin API (or the order cancellation) makes it, already parsed. */
export type RefundRequest = {
  reason: string
  /** the admin user asking; null for the plugin itself (an order cancellation) */
  requested_by: string | null
  destination: Destination | null
} & (
  | { source: "payment"; crypto_payment_id: string; fiat_amount: string; rate_basis: "locked" | "current" }
  | { source: "payment"; crypto_payment_id: string; crypto_amount: string }
  | { source: "excess"; crypto_payment_id: string; crypto_amount: string | null }
  | { source: "deposit"; deposit_id: string; crypto_amount: string | null }
)

export interface RequestContext {
  options: WithdrawalOptions
  now: Date
  /** the service fee of the coin: plugin option, else the WaaS's coin data, else null */
  serviceFee: string | null
  /** the coin's decimals and network from the plugin options (a deposit's coin may not be the payment's) */
  coin(symbol: string): { decimals: number; network: string } | null
}

const refuse = (message: string) => new MedusaError(MedusaError.Types.INVALID_DATA, message)
const notFound = (message: string) => new MedusaError(MedusaError.Types.NOT_FOUND, message)

function positiveCrypto(text: string, decimals: number, symbol: string): ExactDecimal {
  let value: ExactDecimal
  try {
    value = parseDecimal(text, { maxDecimals: decimals })
  } catch {
    throw refuse(`the crypto amount "${text}" is not a plain decimal with at most ${decimals} decimals (${symbol})`)
  }
  if (value.isZero()) throw refuse("the refund amount must be positive")
  return value
}

/**
 * Records a refund request, all checks made under the row lock of what it draws on, counting every
 * request in flight (anything not rejected, canceled or failed). A refusal writes nothing. The fiat rate
 * for rate basis "current" is read BEFORE the transaction (a slow rate API must not hold the lock).
 */
export async function recordRefundRequest(trx: Knex.Transaction, req: RefundRequest, c: RequestContext, rate: CurrentRate | null): Promise<WithdrawalRow> {
  const row = req.source === "deposit" ? await fromDeposit(trx, req, c) : await fromPayment(trx, req, c, rate)
  const split = splitFee(parseDecimal(row.refund_amount), c.serviceFee ? parseDecimal(c.serviceFee) : null, c.options.feeBearer)
  if (split.receive_amount !== null && new ExactDecimal(split.receive_amount).lte(0)) {
    throw refuse(`the refund (${row.refund_amount} ${row.symbol}) does not cover the WaaS service fee (${c.serviceFee}): nothing would arrive`)
  }
  const created = await insertWithdrawal(trx, { ...row, ...split, expected_service_fee: c.serviceFee }, c.now)
  await appendAudit(
    trx,
    {
      withdrawal_id: created.id,
      request_id: created.request_id,
      action: "requested",
      source: req.requested_by ? "admin" : "system",
      actor: req.requested_by,
      to_status: "requested",
      detail: {
        source: created.source,
        refund_amount: created.refund_amount,
        amount: created.amount,
        fiat_amount: created.fiat_amount,
        rate_basis: created.rate_basis,
        reason: created.reason,
      },
    },
    c.now,
  )
  return created
}

export type CurrentRate = { rate: string; source: string; at: Date }

type Draft = Omit<NewWithdrawal, "amount" | "receive_amount" | "expected_service_fee">

async function fromPayment(
  trx: Knex.Transaction,
  req: Extract<RefundRequest, { source: "payment" | "excess" }>,
  c: RequestContext,
  current: CurrentRate | null,
): Promise<Draft> {
  const p = await lockRefundablePayment(trx, req.crypto_payment_id)
  if (!p) throw notFound(`crypto payment ${req.crypto_payment_id} does not exist`)
  if (!isSettled(p.status)) {
    throw refuse(`crypto payment ${p.id} is ${p.status}: only a paid or overpaid payment can be refunded`)
  }
  const held = await sumHeld(trx, { source: req.source, crypto_payment_id: p.id })
  let crypto: ExactDecimal
  let fiat: ExactDecimal | null = null
  let basis: RateBasis = "crypto"
  let rate: { rate: string; source: string; at: Date } | null = null

  if (req.source === "excess") {
    const left = parseDecimal(p.amount_excess).minus(held.crypto)
    if (left.lte(0)) throw refuse(`crypto payment ${p.id} has no overpayment left to refund`)
    crypto = req.crypto_amount === null ? left : positiveCrypto(req.crypto_amount, p.decimals, p.symbol)
    if (crypto.gt(left)) throw refuse(`only ${formatDecimal(left)} ${p.symbol} of overpayment is left to refund (asked ${formatDecimal(crypto)})`)
  } else {
    // the part of what arrived that paid for the order; the excess is refunded on its own
    const cryptoLeft = parseDecimal(p.amount_received).minus(p.amount_excess).minus(held.crypto)
    const fiatLeft = parseDecimal(p.fiat_amount).minus(held.fiat)
    if ("fiat_amount" in req) {
      basis = req.rate_basis
      rate = basis === "locked" ? { rate: p.rate, source: p.rate_source, at: p.rate_at } : current
      if (!rate) throw new Error("rate basis current needs the current rate")
      fiat = parseFiat(req.fiat_amount)
      if (fiat.gt(fiatLeft)) {
        throw refuse(`only ${formatDecimal(fiatLeft)} ${p.currency_code.toUpperCase()} of this payment is left to refund (asked ${formatDecimal(fiat)})`)
      }
      crypto = cryptoForFiat(fiat, parseDecimal(rate.rate), p.decimals)
      if (crypto.isZero()) throw refuse(`${formatDecimal(fiat)} ${p.currency_code.toUpperCase()} is less than the smallest unit of ${p.symbol}`)
    } else {
      crypto = positiveCrypto(req.crypto_amount, p.decimals, p.symbol)
      rate = { rate: p.rate, source: p.rate_source, at: p.rate_at }
      // the whole rest of the crypto refunds the whole rest of the fiat; otherwise the locked rate, cents down
      fiat = crypto.equals(cryptoLeft) ? fiatLeft : ExactDecimal.min(fiatForCrypto(crypto, parseDecimal(p.rate)), fiatLeft)
    }
    if (crypto.gt(cryptoLeft)) {
      throw refuse(
        `only ${formatDecimal(cryptoLeft)} ${p.symbol} of this payment is left to refund (asked ${formatDecimal(crypto)}` +
          (basis === "current" ? " at the current rate; the locked rate basis refunds at the payment's quoted rate)" : ")"),
      )
    }
  }
  return {
    source: req.source,
    crypto_payment_id: p.id,
    deposit_id: null,
    order_id: p.order_id,
    payment_session_id: p.payment_session_id,
    symbol: p.symbol,
    network: p.network,
    decimals: p.decimals,
    to_address: req.destination?.address ?? null,
    memo: req.destination?.memo ?? null,
    address_given_by: req.destination ? (req.requested_by ?? "system") : null,
    refund_amount: formatDecimal(crypto),
    fee_bearer: c.options.feeBearer,
    fiat_amount: fiat ? formatDecimal(fiat) : null,
    currency_code: fiat ? p.currency_code : null,
    rate: rate?.rate ?? null,
    rate_basis: basis,
    rate_source: rate?.source ?? null,
    rate_at: rate?.at ?? null,
    from_uid: await payerUid(trx, c, p),
    reason: req.reason,
    requested_by: req.requested_by,
    approvals_required: approvalsRequired(c.options, fiat ? formatDecimal(fiat) : null, fiat ? p.currency_code : null),
  }
}

async function fromDeposit(trx: Knex.Transaction, req: Extract<RefundRequest, { source: "deposit" }>, c: RequestContext): Promise<Draft> {
  const d = await lockRefundableDeposit(trx, req.deposit_id)
  if (!d) throw notFound(`deposit ${req.deposit_id} does not exist`)
  if (d.status !== "refund_pending") {
    throw refuse(`deposit ${d.id} is ${d.status}: mark a held or orphaned deposit for refund first`)
  }
  const coin = c.coin(d.symbol)
  if (!coin) throw refuse(`deposit ${d.id} is in ${d.symbol}, which this store does not configure: add the coin to the options to refund it`)
  const held = await sumHeld(trx, { source: "deposit", deposit_id: d.id })
  const left = parseDecimal(d.amount).minus(held.crypto)
  if (left.lte(0)) throw refuse(`deposit ${d.id} has nothing left to refund`)
  const crypto = req.crypto_amount === null ? left : positiveCrypto(req.crypto_amount, coin.decimals, d.symbol)
  if (crypto.gt(left)) throw refuse(`only ${formatDecimal(left)} ${d.symbol} of deposit ${d.id} is left to refund (asked ${formatDecimal(crypto)})`)
  const uid =
    c.options.payer.type === "treasury" ? c.options.payer.uid : await uidOfPoolAddress(trx, { address: d.address_to, symbol: d.symbol })
  if (!uid) throw refuse(`no WaaS user is known for address ${d.address_to}: configure withdrawals.payer as a treasury uid`)
  return {
    source: "deposit",
    crypto_payment_id: d.crypto_payment_id,
    deposit_id: d.id,
    order_id: null,
    payment_session_id: null,
    symbol: d.symbol,
    network: coin.network,
    decimals: coin.decimals,
    to_address: req.destination?.address ?? null,
    memo: req.destination?.memo ?? null,
    address_given_by: req.destination ? (req.requested_by ?? "system") : null,
    refund_amount: formatDecimal(crypto),
    fee_bearer: c.options.feeBearer,
    fiat_amount: null,
    currency_code: null,
    rate: null,
    rate_basis: "crypto",
    rate_source: null,
    rate_at: null,
    from_uid: uid,
    reason: req.reason,
    requested_by: req.requested_by,
    approvals_required: c.options.approvals,
  }
}

function parseFiat(text: string): ExactDecimal {
  let value: ExactDecimal
  try {
    value = parseDecimal(text, { maxDecimals: 8 })
  } catch {
    throw refuse(`the fiat amount "${text}" is not a plain decimal such as "12.50"`)
  }
  if (value.isZero()) throw refuse("the refund amount must be positive")
  return value
}

async function payerUid(trx: Knex.Transaction, c: RequestContext, p: RefundablePayment): Promise<string> {
  if (c.options.payer.type === "treasury") return c.options.payer.uid
  const uid = await uidOfPoolAddress(trx, { id: p.pool_address_id })
  if (!uid) throw refuse(`no WaaS user is known for payment ${p.id}'s address: configure withdrawals.payer as a treasury uid`)
  return uid
}

export type { WithdrawalSource }
