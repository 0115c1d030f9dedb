import type { Logger } from "@medusajs/framework/types"
import type { DepositApplication, DepositSource } from "./application"
import { isTransientFailure } from "./failure-kind"
import { UnapplicableDepositError } from "./outcome"
import { waasIdOf, type PulledDeposit } from "./pulled-deposit"

/** What became of one deposit of a page. */
export type PageEntry =
  | { waas_deposit_id: string; kind: "applied"; application: DepositApplication; parked: boolean }
  /** a transient failure (database or WaaS out of reach, a lock, a race): nothing of it committed, retry it */
  | { waas_deposit_id: string; kind: "failed"; error: unknown }
  /** not tried: the page stopped at an earlier failure (stopAtFailure) */
  | { waas_deposit_id: string; kind: "not_tried" }

export interface PageLedger {
  applyPulledRecord(pulled: Extract<PulledDeposit, { kind: "record" }>, source: DepositSource): Promise<DepositApplication>
  parkDeposit(pulled: PulledDeposit, source: DepositSource, reason: string): Promise<DepositApplication>
}

/**
 * The ledger part of a page of pulled deposits (issue 11, item 2), in WaaS id order, each deposit in its own
 * transaction exactly as a single application (apply-deposit.ts: deposit row, then payment row, locked; the credit
 * an insert the unique index makes a no-op on any repeat). A record that cannot be applied (it does not validate,
 * its status is undocumented, a rule throws on it) is parked for review in a transaction of its own; a transient
 * failure is reported and, with `stopAtFailure` (the sync, whose cursor must stay before it), ends the page.
 * Nothing here talks to Medusa: the caller captures what settled, after the whole page is on the books.
 */
export async function applyDepositPage(
  ledger: PageLedger,
  logger: Logger,
  pulled: readonly PulledDeposit[],
  source: DepositSource,
  opts: { stopAtFailure: boolean },
): Promise<PageEntry[]> {
  const ordered = [...pulled].sort((a, b) => compareIds(waasIdOf(a), waasIdOf(b)))
  const entries: PageEntry[] = []
  let stopped = false
  for (const p of ordered) {
    const id = waasIdOf(p)
    if (stopped) {
      entries.push({ waas_deposit_id: id, kind: "not_tried" })
      continue
    }
    const entry = await applyOne(ledger, logger, p, source)
    entries.push(entry)
    if (entry.kind === "failed" && opts.stopAtFailure) stopped = true
  }
  return entries
}

async function applyOne(ledger: PageLedger, logger: Logger, pulled: PulledDeposit, source: DepositSource): Promise<PageEntry> {
  const id = waasIdOf(pulled)
  const park = async (reason: string): Promise<PageEntry> => {
    logger.warn(`medusa-plugin-waas: deposit ${id} parked for review: ${reason}`)
    try {
      const application = await ledger.parkDeposit(pulled, source, reason)
      return { waas_deposit_id: id, kind: "applied", application, parked: application.after === "needs_review" }
    } catch (e) {
      return { waas_deposit_id: id, kind: "failed", error: e }
    }
  }
  if (pulled.kind === "unreadable") {
    return park(`the WaaS's record of this deposit does not match the protocol (${pulled.problems.join("; ")})`)
  }
  try {
    const application = await ledger.applyPulledRecord(pulled, source)
    return { waas_deposit_id: id, kind: "applied", application, parked: application.after === "needs_review" }
  } catch (e) {
    if (isTransientFailure(e)) return { waas_deposit_id: id, kind: "failed", error: e }
    const why = e instanceof Error ? e.message : String(e)
    return park(e instanceof UnapplicableDepositError ? why : `applying the WaaS's record failed: ${why}`)
  }
}

/** WaaS ids are decimal integers of unspecified width (pulled-deposit.ts reads only those) */
function compareIds(a: string, b: string): number {
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return a < b ? -1 : a > b ? 1 : 0
  const x = BigInt(a)
  const y = BigInt(b)
  return x < y ? -1 : x > y ? 1 : 0
}
