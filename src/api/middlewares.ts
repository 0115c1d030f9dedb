import { defineMiddlewares } from "@medusajs/framework/http"
import { storeWaasMiddlewares } from "./store/waas/middlewares"

/**
 * The root file only gathers the per-folder `middlewares.ts` arrays (the loyalty plugin's layout),
 * so each route folder owns its validation and nobody edits someone else's entries.
 */
export default defineMiddlewares({
  routes: [...storeWaasMiddlewares],
})
