import { Module } from "@medusajs/framework/utils"
import validateWaasOptions from "./loaders/validate-options"
import WaasModuleService from "./service"

export const WAAS_MODULE = "waas"

export default Module(WAAS_MODULE, { service: WaasModuleService, loaders: [validateWaasOptions] })

export type { WaasModuleService }
