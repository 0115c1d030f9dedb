import type { MedusaContainer } from "@medusajs/framework/types"
import {
  ContainerRegistrationKeys,
  Modules,
  ProductStatus,
} from "@medusajs/framework/utils"
import {
  createApiKeysWorkflow,
  createInventoryLevelsWorkflow,
  createProductsWorkflow,
  createRegionsWorkflow,
  createSalesChannelsWorkflow,
  createShippingOptionsWorkflow,
  createShippingProfilesWorkflow,
  createStockLocationsWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
  updateStoresWorkflow,
} from "@medusajs/medusa/core-flows"
import { z } from "@medusajs/framework/zod"

/**
 * The smallest store a storefront can check out in: one sales channel behind a publishable key,
 * one USD region that offers the WaaS provider, one shipping option, one stocked product.
 * Shared by the HTTP spec and the demo (which runs it through `medusa exec`), so both drive the
 * same store. Amounts are major units, as Medusa stores them.
 */
export type SeedStoreInput = {
  /** Payment providers enabled on the region; the WaaS provider id is `pp_waas_waas`. */
  paymentProviders?: string[]
  currencyCode?: string
  countryCode?: string
  /** Unit price of the product variant, in major units of `currencyCode`. */
  variantPrice?: number
  shippingPrice?: number
}

export type SeededStore = {
  publishableKey: string
  salesChannelId: string
  regionId: string
  currencyCode: string
  countryCode: string
  stockLocationId: string
  shippingProfileId: string
  shippingOptionId: string
  productId: string
  variantId: string
  variantPrice: number
  shippingPrice: number
}

export const WAAS_PROVIDER_ID = "pp_waas_waas"

const SeededVariant = z.object({
  id: z.string(),
  inventory_items: z.array(z.object({ inventory_item_id: z.string() })).min(1),
})

export async function seedStore(
  container: MedusaContainer,
  input: SeedStoreInput = {}
): Promise<SeededStore> {
  const currencyCode = input.currencyCode ?? "usd"
  const countryCode = input.countryCode ?? "us"
  const variantPrice = input.variantPrice ?? 24.99
  const shippingPrice = input.shippingPrice ?? 10
  const paymentProviders = input.paymentProviders ?? [WAAS_PROVIDER_ID]

  const link = container.resolve(ContainerRegistrationKeys.LINK)
  const query = container.resolve(ContainerRegistrationKeys.QUERY)

  const {
    result: [salesChannel],
  } = await createSalesChannelsWorkflow(container).run({
    input: { salesChannelsData: [{ name: "Crypto web shop" }] },
  })

  // The store row exists from the first boot; give it the currency and channel the admin shows.
  const { data: stores } = await query.graph({ entity: "store", fields: ["id"] })
  const store = z.object({ id: z.string() }).parse(stores[0])
  await updateStoresWorkflow(container).run({
    input: {
      selector: { id: store.id },
      update: {
        supported_currencies: [{ currency_code: currencyCode, is_default: true }],
        default_sales_channel_id: salesChannel.id,
      },
    },
  })

  const {
    result: [region],
  } = await createRegionsWorkflow(container).run({
    input: {
      regions: [
        {
          name: "Crypto region",
          currency_code: currencyCode,
          countries: [countryCode],
          payment_providers: paymentProviders,
        },
      ],
    },
  })

  const {
    result: [apiKey],
  } = await createApiKeysWorkflow(container).run({
    input: { api_keys: [{ title: "Storefront", type: "publishable", created_by: "" }] },
  })
  await linkSalesChannelsToApiKeyWorkflow(container).run({
    input: { id: apiKey.id, add: [salesChannel.id] },
  })

  const {
    result: [stockLocation],
  } = await createStockLocationsWorkflow(container).run({
    input: {
      locations: [
        {
          name: "Main warehouse",
          address: { address_1: "1 Main St", city: "Springfield", country_code: countryCode },
        },
      ],
    },
  })
  await linkSalesChannelsToStockLocationWorkflow(container).run({
    input: { id: stockLocation.id, add: [salesChannel.id] },
  })
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: stockLocation.id },
    [Modules.FULFILLMENT]: { fulfillment_provider_id: "manual_manual" },
  })

  const {
    result: [shippingProfile],
  } = await createShippingProfilesWorkflow(container).run({
    input: { data: [{ name: "Crypto shop parcels", type: "default" }] },
  })

  // The fulfillment module has no workflow that creates a set with its zones and returns both;
  // this is the same module call plus link that Medusa's own starter seed uses.
  const fulfillment = container.resolve(Modules.FULFILLMENT)
  const fulfillmentSet = await fulfillment.createFulfillmentSets({
    name: "Main warehouse shipping",
    type: "shipping",
    service_zones: [
      { name: "Domestic", geo_zones: [{ type: "country", country_code: countryCode }] },
    ],
  })
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: stockLocation.id },
    [Modules.FULFILLMENT]: { fulfillment_set_id: fulfillmentSet.id },
  })

  const {
    result: [shippingOption],
  } = await createShippingOptionsWorkflow(container).run({
    input: [
      {
        name: "Standard shipping",
        price_type: "flat",
        provider_id: "manual_manual",
        service_zone_id: fulfillmentSet.service_zones[0].id,
        shipping_profile_id: shippingProfile.id,
        type: { label: "Standard", description: "Ships in 2-3 days.", code: "standard" },
        prices: [
          { currency_code: currencyCode, amount: shippingPrice },
          { region_id: region.id, amount: shippingPrice },
        ],
        rules: [
          { attribute: "enabled_in_store", value: "true", operator: "eq" },
          { attribute: "is_return", value: "false", operator: "eq" },
        ],
      },
    ],
  })

  const {
    result: [product],
  } = await createProductsWorkflow(container).run({
    input: {
      products: [
        {
          title: "Hardware wallet",
          handle: "hardware-wallet",
          status: ProductStatus.PUBLISHED,
          shipping_profile_id: shippingProfile.id,
          options: [{ title: "Colour", values: ["Black"] }],
          variants: [
            {
              title: "Black",
              sku: "HW-BLACK",
              manage_inventory: true,
              options: { Colour: "Black" },
              prices: [{ currency_code: currencyCode, amount: variantPrice }],
            },
          ],
          sales_channels: [{ id: salesChannel.id }],
        },
      ],
    },
  })

  // Query results are untyped without generated types: parse the two fields we read.
  const { data: variants } = await query.graph({
    entity: "product_variant",
    fields: ["id", "inventory_items.inventory_item_id"],
    filters: { product_id: product.id },
  })
  const variant = SeededVariant.parse(variants[0])
  await createInventoryLevelsWorkflow(container).run({
    input: {
      inventory_levels: variant.inventory_items.map(({ inventory_item_id }) => ({
        inventory_item_id,
        location_id: stockLocation.id,
        stocked_quantity: 1_000_000,
      })),
    },
  })

  return {
    publishableKey: apiKey.token,
    salesChannelId: salesChannel.id,
    regionId: region.id,
    currencyCode,
    countryCode,
    stockLocationId: stockLocation.id,
    shippingProfileId: shippingProfile.id,
    shippingOptionId: shippingOption.id,
    productId: product.id,
    variantId: variant.id,
    variantPrice,
    shippingPrice,
  }
}
