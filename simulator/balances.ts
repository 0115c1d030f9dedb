import { ExactDecimal, formatDecimal } from "../src/protocol"
import type { SimBalance, SimCompanyBalance } from "./types"

/** Balances per uid+symbol and per merchant company account (the collection account) + symbol. */
export interface Bucket {
  normal: ExactDecimal
  lock: ExactDecimal
  /** held by a withdraw call that is waiting for its second confirmation; invisible on the wire */
  reserved: ExactDecimal
}

const zero = (): ExactDecimal => new ExactDecimal(0)
const empty = (): Bucket => ({ normal: zero(), lock: zero(), reserved: zero() })

/** `${owner}|${symbol}` keys: symbols never contain "|", app ids might */
function splitKey(key: string): [string, string] {
  const at = key.lastIndexOf("|")
  return [key.slice(0, at), key.slice(at + 1)]
}

function getOrCreate(map: Map<string, Bucket>, key: string): Bucket {
  let b = map.get(key)
  if (!b) {
    b = empty()
    map.set(key, b)
  }
  return b
}

export class Balances {
  private readonly users = new Map<string, Bucket>()
  private readonly companies = new Map<string, Bucket>()

  user(uid: number, symbol: string): Bucket {
    return getOrCreate(this.users, `${uid}|${symbol}`)
  }

  company(appId: string, symbol: string): Bucket {
    return getOrCreate(this.companies, `${appId}|${symbol}`)
  }

  userView(uid: number, symbol: string): SimBalance {
    const b = this.user(uid, symbol)
    return { uid, symbol, normal: formatDecimal(b.normal), lock: formatDecimal(b.lock) }
  }

  companyView(appId: string, symbol: string): SimCompanyBalance {
    const b = this.company(appId, symbol)
    return { appId, symbol, balance: formatDecimal(b.normal), lock: formatDecimal(b.lock) }
  }

  userViews(): SimBalance[] {
    return [...this.users.keys()].map((k) => {
      const [uid, symbol] = splitKey(k)
      return this.userView(Number(uid), symbol)
    })
  }

  companyViews(): SimCompanyBalance[] {
    return [...this.companies.keys()].map((k) => this.companyView(...splitKey(k)))
  }
}
