/**
 * `medusa-plugin-waas/protocol`: the ChainUp Custody WaaS v2 wire protocol, with no Medusa and no I/O.
 * Usable on its own: the envelope, the zod schemas, the status enums, the error codes, decimal parsing.
 */
export * from "./errors"
export * from "./keys"
export * from "./envelope"
export * from "./decimal"
export * from "./codes"
export * from "./status"
export * from "./wire-types"
export * from "./schemas"
export * from "./endpoints"
export * from "./callbacks"
export * from "./zod-issues"
