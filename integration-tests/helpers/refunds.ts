import { randomBytes } from "node:crypto"
import { startSimulator, type WaasSimulator } from "../../simulator"
import { WaasClient } from "../../src/client"
import { generateWaasKeyPair } from "../../src/protocol"
import type { RawWaasOptions } from "../../src/modules/waas/options"
import { depositSpecOptions, rows, waitFor, type Sql } from "./deposits"

/**
 * The WaaS side of a refund spec: a simulator with a treasury user registered at it (the uid that pays
 * refunds, funded through the company account as the WaaS's payout uid), started before Medusa boots so
 * the options can name the treasury. The store's confirmation URL is set once Medusa listens.
 */
export const TREASURY_FUNDS = "100000"

export function useRefundWaas(opts: { usdtPool: number; withdrawals?: Partial<NonNullable<RawWaasOptions["withdrawals"]>> }) {
  const merchantKeys = generateWaasKeyPair()
  const merchant = { appId: randomBytes(16).toString("hex"), merchantPrivateKey: merchantKeys.privateKey }
  let simulator: WaasSimulator | undefined
  let treasuryUid = 0
  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, clock: "real", merchants: [{ appId: merchant.appId, merchantPublicKey: merchantKeys.publicKey }] })
    const client = new WaasClient({
      host: simulator.url,
      pathPrefix: simulator.pathPrefix,
      appId: merchant.appId,
      merchantPrivateKey: merchant.merchantPrivateKey,
      waasPublicKey: simulator.walletPublicKey,
    })
    treasuryUid = (await client.registerEmail("treasury@refunds.invalid")).uid
    await client.destroy()
    const base = depositSpecOptions(simulator, merchant, { usdtPool: opts.usdtPool, readTimeoutMs: 4_000 })
    process.env.WAAS_PLUGIN_OPTIONS = JSON.stringify({
      ...base,
      withdrawals: {
        payer: { type: "treasury", uid: String(treasuryUid) },
        serviceFees: { USDTERC20: "3" },
        pollIntervalSeconds: 86_400,
        ...opts.withdrawals,
      },
    })
  })
  afterAll(async () => {
    await simulator?.stop()
  })
  const sim = (): WaasSimulator => {
    if (!simulator) throw new Error("the simulator starts in the spec's first beforeAll")
    return simulator
  }
  return { merchantKeys, merchant, sim, treasuryUid: () => treasuryUid }
}

/** waits until every recorded withdraw callback is processed and no processor holds one */
export async function withdrawInboxSettled(db: Sql, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    "the withdraw callbacks to be processed",
    async () => {
      const [r] = await rows<{ open: string }>(
        db,
        `SELECT count(*) AS open FROM waas_callback_inbox
          WHERE side = 'withdraw' AND (processed_count < received_count OR processing_until IS NOT NULL)`,
      )
      return Number(r.open) === 0
    },
    { timeoutMs },
  )
}
