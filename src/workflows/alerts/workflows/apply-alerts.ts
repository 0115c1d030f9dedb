import { createWorkflow, WorkflowData, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { announceAlertsStep } from "../steps/announce-alerts"
import { applyAlertVerdictStep, type AlertSource } from "../steps/apply-alert-verdict"

export const applyWaasAlertsWorkflowId = "waas-apply-alerts"

/** One source's alert verdict: recorded in the module, then each raise and resolve announced once. */
export const applyWaasAlertsWorkflow = createWorkflow(applyWaasAlertsWorkflowId, (input: WorkflowData<AlertSource>) => {
  const changes = applyAlertVerdictStep(input)
  announceAlertsStep(changes)
  return new WorkflowResponse(changes)
})
