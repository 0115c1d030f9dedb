import { Module } from "@medusajs/framework/utils"
import validateWaasOptions from "./loaders/validate-options"
import warnUnreviewedRefunds from "./loaders/warn-unreviewed-refunds"
import WaasModuleService from "./service"

export const WAAS_MODULE = "waas"

export default Module(WAAS_MODULE, { service: WaasModuleService, loaders: [validateWaasOptions, warnUnreviewedRefunds] })

export type { WaasModuleService }
