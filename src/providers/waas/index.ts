import { ModuleProvider, Modules } from "@medusajs/framework/utils"
import WaasPaymentProvider from "./service"

export default ModuleProvider(Modules.PAYMENT, { services: [WaasPaymentProvider] })

export { WaasPaymentProvider }
