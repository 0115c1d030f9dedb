/** `medusa-plugin-waas/workflows`: the plugin's workflows, for stores that compose them into their own. */
export * from "./deposits"
export * from "./withdrawals"
export * from "./reconciliation"
export * from "./alerts"
