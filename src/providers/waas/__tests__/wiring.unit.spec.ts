import { MISSING_DEPENDENCY, MISSING_MODULE, wiringProblem } from "../wiring"

// configManager.config after defineConfig: modules keyed by service name, plugins as resolved entries
const provider = { providers: [{ resolve: "medusa-plugin-waas/providers/waas", id: "waas" }] }

describe("the boot-time wiring check of the payment provider", () => {
  it("accepts the README's config (the plugin, and the payment module depending on waas)", () => {
    expect(
      wiringProblem({
        plugins: [{ resolve: "@medusajs/draft-order" }, { resolve: "medusa-plugin-waas" }],
        modules: { payment: { resolve: "@medusajs/medusa/payment", dependencies: ["waas"], ...provider } },
      }),
    ).toBeNull()
    // the module registered by path (this repo's test config) instead of through the plugin
    expect(wiringProblem({ modules: { waas: { resolve: "./src/modules/waas" }, payment: { resolve: "@medusajs/medusa/payment", dependencies: ["waas"] } } })).toBeNull()
  })

  it('names the fix when dependencies: ["waas"] is missing', () => {
    const problem = wiringProblem({ plugins: ["medusa-plugin-waas"], modules: { payment: { resolve: "@medusajs/medusa/payment", ...provider } } })
    expect(problem).toBe(MISSING_DEPENDENCY)
    expect(problem).toContain('add dependencies: ["waas"] to the payment module entry')
    expect(wiringProblem({ plugins: ["medusa-plugin-waas"], modules: { payment: { dependencies: ["cache"] } } })).toBe(MISSING_DEPENDENCY)
  })

  it("names the fix when the provider is registered without the plugin or its module", () => {
    expect(wiringProblem({ modules: { payment: { dependencies: ["waas"] } } })).toBe(MISSING_MODULE)
    expect(wiringProblem({ modules: { waas: { resolve: "./x", disable: true }, payment: { dependencies: ["waas"] } } })).toBe(MISSING_MODULE)
    expect(MISSING_MODULE).toContain('plugins: [{ resolve: "medusa-plugin-waas"')
  })
})
