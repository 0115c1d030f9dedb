import type WaasModuleService from "../../service"

/** seeded uids live far above the simulator's, so both can share a table */
let nextUid = 900_000_000

/**
 * Puts `count` available addresses of `symbol` into the pool the way the refill does (one provisioned
 * account per address), without a WaaS. Addresses are unique per call via `tag`.
 */
export async function seedPool(service: WaasModuleService, symbol: string, count: number, tag = "s"): Promise<string[]> {
  const accounts = await service.createWaasAccounts(
    Array.from({ length: count }, (_, i) => ({
      email: `seed-${symbol.toLowerCase()}-${tag}-${i}@waas-pool.invalid`,
      symbol,
      uid: String(nextUid++),
      status: "provisioned" as const,
    })),
  )
  const addresses = await service.createPoolAddresses(
    accounts.map((a, i) => ({
      symbol,
      address: fakeAddress(symbol, `${symbol}:${tag}`, i),
      uid: a.uid!,
      account_id: a.id,
      status: "available" as const,
    })),
  )
  return addresses.map((a) => a.address)
}

function fakeAddress(symbol: string, tag: string, i: number): string {
  const n = `${hash(tag)}${String(i).padStart(6, "0")}`
  if (symbol === "BTC") return `bc1q${n.padStart(38, "0")}`
  return `0x${n.padStart(40, "0")}`
}

function hash(tag: string): number {
  return [...tag].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 9973, 7)
}
