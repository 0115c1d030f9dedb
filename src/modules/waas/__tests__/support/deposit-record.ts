import type { DepositRecord } from "../../../../protocol"

let nextId = 700_000_000

/**
 * A WaaS deposit record as depositList / syncDepositList return it (protocol §2.12), for module tests that
 * apply deposits without a WaaS: to a payment's address, now, confirmed, for its whole amount unless told.
 */
export function depositRecord(
  payment: { address: string; symbol: string; amount_due: string },
  patch: Partial<DepositRecord> = {},
): DepositRecord {
  const now = Date.now()
  return {
    id: nextId++,
    uid: 10001,
    symbol: payment.symbol,
    amount: payment.amount_due,
    address_from: "",
    address_to: payment.address,
    txid: `0x${String(nextId).padStart(64, "0")}`,
    confirmations: 12,
    status: 1,
    created_at: now,
    updated_at: now,
    ...patch,
  }
}
