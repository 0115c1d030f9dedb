import type { InternalClock } from "./clock"
import type { FaultRegistry } from "./faults"
import type { Notifier } from "./notifier"
import type { SimState } from "./state"
import { dropRecord, editRecord } from "./record-controls"
import type { ConfirmationCall, SimControl } from "./types"

/**
 * The in-process control surface. The HTTP control API (control-api.ts) calls exactly these methods, so tests
 * that drive the simulator in-process and tools that drive it over HTTP exercise the same code.
 */
export interface ControlDeps {
  state: SimState
  clock: InternalClock
  faults: FaultRegistry
  notifier: Notifier
  confirmations: ConfirmationCall[]
  autoConfirmDeposits: boolean
  blockTimeMs: number
}

export function createControl(d: ControlDeps): SimControl {
  /** one confirmation per block until the deposit leaves status 0 (final, KYT, or failed by hand) */
  const autoConfirm = (id: number): void => {
    d.clock.schedule(d.blockTimeMs, `auto-confirm deposit ${id}`, () => {
      if (!d.state.deposits.isAwaitingConfirmations(id)) return
      d.state.deposits.confirm(id, 1)
      if (d.state.deposits.isAwaitingConfirmations(id)) autoConfirm(id)
    })
  }

  return {
    addMerchant: (m) => d.state.directory.addMerchant(m),
    fund: (target, symbol, amount, appId) => d.state.fund(target, symbol, amount, appId),
    chainDeposit: (input) => {
      const dep = d.state.deposits.chainDeposit(input)
      if (d.autoConfirmDeposits) autoConfirm(dep.id)
      return dep
    },
    confirmDeposit: (id, n) => d.state.deposits.confirm(id, n),
    releaseKyt: (id, result) => d.state.deposits.releaseKyt(id, result),
    failDeposit: (id) => d.state.deposits.fail(id),
    reverseDeposit: (id) => d.state.deposits.reverse(id),
    quietDeposit: (input) => {
      const dep = d.state.deposits.chainDeposit({ ...input, silent: true })
      return d.state.deposits.confirm(dep.id, dep.requiredConfirmations)
    },
    editRecord: (kind, id, set) => editRecord(d.state, d.clock.now(), kind, id, set),
    dropRecord: (kind, id, scope) => dropRecord(d.state, kind, id, scope),
    setWithdrawalOutcome: (ref, status, opts) => d.state.withdrawals.setOutcome(ref, status, opts),
    advanceClock: async (ms) => {
      await d.clock.advance(ms)
      return { now: d.clock.now() }
    },
    now: () => d.clock.now(),
    setFaults: (patch) => d.faults.set(patch),
    clearFaults: () => d.faults.clear(),
    getFaults: () => d.faults.get(),
    flushNotifications: (order) => d.notifier.flush(order ?? d.faults.reorderMode() ?? "fifo"),
    getState: () => d.state.snapshot(),
    deliveries: () => d.notifier.deliveries(),
    notifications: () => d.notifier.notifications(),
    confirmations: () => d.confirmations.map((c) => ({ ...c })),
    redeliver: (id) => d.notifier.redeliver(id),
  }
}
