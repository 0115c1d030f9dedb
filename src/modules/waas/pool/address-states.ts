import { StateMachine } from "../state-machine"

/* ------------------------------------------------------------------ WaaS user accounts */

export const WAAS_ACCOUNT_STATUSES = ["pending_registration", "registered", "provisioned"] as const
export type WaasAccountStatus = (typeof WAAS_ACCOUNT_STATUSES)[number]

/**
 * The row is written BEFORE registerEmail, so a crash after the WaaS created the user leaves a
 * `pending_registration` row whose email recovers the uid (user/info). `registered` = uid known, address
 * not yet stored; `provisioned` = its one pool address is stored.
 */
export const WaasAccountMachine = new StateMachine<WaasAccountStatus>(
  "waas account",
  {
    pending_registration: ["registered"],
    registered: ["provisioned"],
    provisioned: [],
  },
  ["provisioned"],
)

/* ------------------------------------------------------------------ pool addresses */

export const POOL_ADDRESS_STATUSES = ["available", "assigned", "cooling", "retired"] as const
export type PoolAddressStatus = (typeof POOL_ADDRESS_STATUSES)[number]

/**
 * available → assigned       claimed by a checkout
 * assigned  → available      released with no deposit seen, once the quote's monitoring window is over
 * assigned  → cooling        the payment's monitoring window is over, or it was released after a deposit
 *                            (quarantine), or released early with no deposit (cools until the quote's
 *                            monitoring window would have closed, since the shopper has seen it): a late
 *                            or repeated transfer is never credited to the next shopper
 * assigned  → retired        the same, with addressReuse "never"
 * cooling   → available      quarantine over
 * cooling   → retired        reuse turned off meanwhile
 * cooling   → assigned       ONLY back to the same cart: a payment session re-created for the payment
 *                            collection whose canceled payment this address cools for, inside that
 *                            payment's monitoring window and with no deposit ever seen for it
 *                            (checkout/cart-address.ts, pool-sql.ts handOverAddress; ordinary claims take
 *                            `available` rows only). Safe because the quarantine protects the NEXT shopper
 *                            from a late transfer of this one; here the address goes back to the very
 *                            shopper who saw it, whose late transfer is then this payment's to credit.
 *                            (Handing an `assigned` address from a cart's old payment to its new one is
 *                            not a status change: the holder moves, the row stays assigned.)
 * available → retired        taken out of service (e.g. the coin was dropped)
 */
export const PoolAddressMachine = new StateMachine<PoolAddressStatus>(
  "pool address",
  {
    available: ["assigned", "retired"],
    assigned: ["available", "cooling", "retired"],
    cooling: ["available", "retired", "assigned"],
    retired: [],
  },
  ["retired"],
)
