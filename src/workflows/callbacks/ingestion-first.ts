import type { MedusaContainer } from "@medusajs/framework/types"
import { WAAS_MODULE } from "../../modules/waas"

/**
 * Ingestion first (issue 11, item 4): the notify route and the processing behind it share one Node thread, and
 * processing (above all Medusa's capture workflow) costs many times what recording a callback does. While
 * notifications are being received, processing steps back: before each run of the processing queue and before each
 * capture, it waits until no notify request is in flight on this instance, for at most `maxWaitMs`, so a burst is
 * acknowledged at recording speed and processed behind it, and processing still moves under a steady stream.
 *
 * Only a pacing hint, never a correctness matter: it holds no lock and no transaction while it waits, and everything
 * it delays is a recorded inbox row or a ledger state the poller would drive anyway.
 */
export class IngestionGauge {
  private inFlight = 0

  constructor(private readonly opts: { maxWaitMs: number; checkEveryMs: number } = { maxWaitMs: 500, checkEveryMs: 5 }) {}

  /** A notify request began: call the returned function when it has answered (it is safe to call twice). */
  arrived(): () => void {
    this.inFlight++
    let done = false
    return () => {
      if (done) return
      done = true
      this.inFlight--
    }
  }

  get busy(): boolean {
    return this.inFlight > 0
  }

  /** Resolves once no notify request is in flight, or after the longest wait. */
  async quiet(): Promise<void> {
    const deadline = Date.now() + this.opts.maxWaitMs
    while (this.busy && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, this.opts.checkEveryMs))
    }
  }
}

/** one gauge per module instance (per application) */
const gauges = new WeakMap<object, IngestionGauge>()

/** The instance's gauge of notify requests in flight. */
export function ingestionGaugeOf(container: MedusaContainer): IngestionGauge {
  const waas = container.resolve<object>(WAAS_MODULE)
  let gauge = gauges.get(waas)
  if (!gauge) {
    gauge = new IngestionGauge()
    gauges.set(waas, gauge)
  }
  return gauge
}
