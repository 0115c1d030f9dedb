import { z } from "@medusajs/framework/zod"

/**
 * A storefront, reduced to the Store API calls a crypto checkout makes, over plain `fetch` so the
 * HTTP spec and the demo drive Medusa exactly as a shop front-end would (publishable key and all).
 * Responses are parsed down to the fields the callers read; everything else stays in `raw`.
 */
export type StorefrontOptions = { baseUrl: string; publishableKey: string }

export class StoreApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown
  ) {
    super(`${method} ${path} answered ${status}: ${JSON.stringify(body)}`)
    this.name = "StoreApiError"
  }

  /** Medusa's error body is `{ type, message }`; the message is what a shopper would be shown. */
  get medusaMessage(): string | undefined {
    const parsed = z.object({ message: z.string() }).safeParse(this.body)
    return parsed.success ? parsed.data.message : undefined
  }
}

export type StoreResponse<T> = { data: T; raw: unknown }

export class Storefront {
  constructor(private readonly options: StorefrontOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl
  }

  async get<T>(path: string, schema: z.ZodType<T>): Promise<StoreResponse<T>> {
    return this.send("GET", path, undefined, schema)
  }

  async post<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<StoreResponse<T>> {
    return this.send("POST", path, body, schema)
  }

  private async send<T>(
    method: "GET" | "POST",
    path: string,
    body: unknown,
    schema: z.ZodType<T>
  ): Promise<StoreResponse<T>> {
    const response = await fetch(new URL(path, this.options.baseUrl), {
      method,
      headers: {
        "x-publishable-api-key": this.options.publishableKey,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    const raw = parseBody(text)
    if (!response.ok) throw new StoreApiError(method, path, response.status, raw)
    return { data: schema.parse(raw), raw }
  }
}

/** JSON when it is JSON; an error page from a proxy or a crashed server stays readable text. */
function parseBody(text: string): unknown {
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Medusa serialises amounts as JSON numbers in major units; keep them as numbers only to compare. */
const Amount = z.number()

export const StoreCart = z.object({
  id: z.string(),
  total: Amount,
  currency_code: z.string(),
  payment_collection: z.object({ id: z.string() }).nullish(),
})
export type StoreCartType = z.infer<typeof StoreCart>

export const StorePaymentSession = z.object({
  id: z.string(),
  provider_id: z.string(),
  status: z.string(),
  amount: Amount,
  data: z.record(z.string(), z.unknown()),
})

export const StorePaymentCollection = z.object({
  id: z.string(),
  amount: Amount,
  currency_code: z.string(),
  payment_sessions: z.array(StorePaymentSession).optional(),
})
export type StorePaymentCollectionType = z.infer<typeof StorePaymentCollection>

export const StoreOrder = z.object({
  id: z.string(),
  display_id: z.number(),
  total: Amount,
  currency_code: z.string(),
  email: z.string().nullish(),
})
export type StoreOrderType = z.infer<typeof StoreOrder>

export type CheckoutCustomer = {
  email: string
  firstName: string
  lastName: string
  address1: string
  city: string
  postalCode: string
  countryCode: string
}

export const DEMO_CUSTOMER: CheckoutCustomer = {
  email: "shopper@example.com",
  firstName: "Ada",
  lastName: "Shopper",
  address1: "42 Ledger Lane",
  city: "Springfield",
  postalCode: "12345",
  countryCode: "us",
}

export type CartInput = {
  regionId: string
  variantId: string
  quantity?: number
  customer?: CheckoutCustomer
}

export type StepReporter = (step: string, detail?: string) => void

/**
 * Cart → line item → email and addresses → shipping options for the cart → shipping method →
 * payment collection: everything before the shopper picks a payment method.
 */
export async function prepareCart(
  store: Storefront,
  input: CartInput,
  report: StepReporter = () => undefined
): Promise<{ cart: StoreCartType; paymentCollection: StorePaymentCollectionType }> {
  const customer = input.customer ?? DEMO_CUSTOMER
  const CartBody = z.object({ cart: StoreCart })

  const created = await store.post("/store/carts", { region_id: input.regionId }, CartBody)
  const cartId = created.data.cart.id
  report("create cart", cartId)

  await store.post(
    `/store/carts/${cartId}/line-items`,
    { variant_id: input.variantId, quantity: input.quantity ?? 1 },
    CartBody
  )
  report("add line item", `${input.quantity ?? 1} × ${input.variantId}`)

  const address = {
    first_name: customer.firstName,
    last_name: customer.lastName,
    address_1: customer.address1,
    city: customer.city,
    postal_code: customer.postalCode,
    country_code: customer.countryCode,
  }
  await store.post(
    `/store/carts/${cartId}`,
    { email: customer.email, shipping_address: address, billing_address: address },
    CartBody
  )
  report("set email and addresses", customer.email)

  const options = await store.get(
    `/store/shipping-options?cart_id=${encodeURIComponent(cartId)}`,
    z.object({ shipping_options: z.array(z.object({ id: z.string(), name: z.string() })) })
  )
  const option = options.data.shipping_options[0]
  if (!option) throw new Error(`no shipping option is offered for cart ${cartId}`)
  report("list shipping options", options.data.shipping_options.map((o) => o.name).join(", "))

  const withShipping = await store.post(
    `/store/carts/${cartId}/shipping-methods`,
    { option_id: option.id },
    CartBody
  )
  report("add shipping method", option.name)

  const collection = await store.post(
    "/store/payment-collections",
    { cart_id: cartId },
    z.object({ payment_collection: StorePaymentCollection })
  )
  report("create payment collection", collection.data.payment_collection.id)

  return { cart: withShipping.data.cart, paymentCollection: collection.data.payment_collection }
}

/** The shopper picks "pay with crypto" and a coin: the provider claims an address and quotes. */
export async function startCryptoPaymentSession(
  store: Storefront,
  paymentCollectionId: string,
  symbol: string,
  providerId = "pp_waas_waas"
): Promise<StoreResponse<{ payment_collection: StorePaymentCollectionType }>> {
  return store.post(
    `/store/payment-collections/${paymentCollectionId}/payment-sessions`,
    { provider_id: providerId, data: { symbol } },
    z.object({ payment_collection: StorePaymentCollection })
  )
}

export const CompletedCart = z.object({ type: z.literal("order"), order: StoreOrder })

/** Completing the cart; with a deferred provider the order is created before any money moves. */
export async function completeCart(
  store: Storefront,
  cartId: string
): Promise<StoreResponse<z.infer<typeof CompletedCart>>> {
  const completed = await store.post(`/store/carts/${cartId}/complete`, {}, z.unknown())
  const parsed = CompletedCart.safeParse(completed.raw)
  if (!parsed.success) {
    // `{ type: "cart", error }` means Medusa refused to place the order; surface its reason.
    throw new Error(`cart ${cartId} did not complete: ${JSON.stringify(completed.raw)}`)
  }
  return { data: parsed.data, raw: completed.raw }
}

export const StoreCartCompletion = z.object({ cart: z.object({ id: z.string(), completed_at: z.string().nullish() }) })

export type PlacedOrder = StoreResponse<z.infer<typeof CompletedCart>> & { conflicts: number }

/**
 * Completing a cart as a storefront should treat Medusa's 409 (`The request conflicted with another
 * request`, README "Storefront" step 3): Medusa could not take one of its locks in time (the cart's own, held
 * by another completion of it; or an inventory item's, held by the completion of another cart with that item)
 * and rolled the attempt back. The storefront then re-reads the cart and completes it again: completion is
 * idempotent per cart (once an order exists, completing returns it), so it is never placed twice and the
 * shopper is never sent to a new cart or payment session. At most `attempts` completions; `onConflict` sees
 * each 409 with the cart as re-read (a test checks there which lock it was).
 */
export async function placeOrder(
  store: Storefront,
  cartId: string,
  opts: { attempts?: number; onConflict?: (error: StoreApiError, cart: z.infer<typeof StoreCartCompletion>["cart"]) => Promise<void> } = {}
): Promise<PlacedOrder> {
  const attempts = opts.attempts ?? 3
  for (let attempt = 1; ; attempt++) {
    try {
      return { ...(await completeCart(store, cartId)), conflicts: attempt - 1 }
    } catch (e) {
      if (!(e instanceof StoreApiError && e.status === 409) || attempt >= attempts) throw e
      const reread = await store.get(`/store/carts/${cartId}?fields=id,completed_at`, StoreCartCompletion)
      await opts.onConflict?.(e, reread.data.cart)
    }
  }
}
