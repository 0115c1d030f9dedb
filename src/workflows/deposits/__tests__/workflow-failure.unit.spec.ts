import { workflowFailureText } from "../runners/workflow-failure"

describe("workflowFailureText", () => {
  it("names the failed steps' errors, not the response error Medusa appends after a failed run", () => {
    // the shape run({ throwOnError: false }) returns when a nested workflow's step failed: the step error
    // (serialized), then the bare TypeError of the response transform that read the step that never ran
    const errors = [
      { action: "waas-process-deposit-as-step", handlerType: "invoke", error: { message: "WaaS /billing/depositList: HTTP 503", name: "WaasTransportError" } },
      new TypeError("Cannot read properties of undefined (reading 'more')"),
    ]
    expect(workflowFailureText(errors)).toBe("WaaS /billing/depositList: HTTP 503")
  })

  it("joins distinct step errors once each, and falls back to a bare error when no step failed", () => {
    const step = (message: string) => ({ action: "a", handlerType: "invoke", error: new Error(message) })
    expect(workflowFailureText([step("one"), step("two"), step("one")])).toBe("one; two")
    expect(workflowFailureText([new Error("resolving the result failed")])).toBe("resolving the result failed")
    expect(workflowFailureText([{ action: "a", handlerType: "invoke", error: undefined }])).toBe("the workflow failed without an error message")
  })
})
