import { Module } from "@medusajs/framework/utils"
import { WAAS_MODULE_NAME } from "./joiner-config"
import validateWaasOptions from "./loaders/validate-options"
import warnUnreviewedRefunds from "./loaders/warn-unreviewed-refunds"
import WaasModuleService from "./service"

export const WAAS_MODULE = WAAS_MODULE_NAME

export default Module(WAAS_MODULE, { service: WaasModuleService, loaders: [validateWaasOptions, warnUnreviewedRefunds] })

export type { WaasModuleService }
