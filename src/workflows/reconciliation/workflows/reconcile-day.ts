import { createWorkflow, WorkflowData, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { compareDayStep } from "../steps/compare-day"
import { fillWaasMirrorStep } from "../steps/fill-waas-mirror"
import { gatherMedusaFactsStep } from "../steps/gather-medusa-facts"

export const reconcileDayWorkflowId = "waas-reconcile-day"

/**
 * One run's work, up to its breaks: fill the WaaS mirror for the day → read Medusa's side → compare in SQL.
 * The run row exists already (the runner creates it under the reconciliation lock); healing and finishing
 * follow in the runner (runners/run-reconciliation.ts), since healing runs the deposit and capture workflows.
 */
export const reconcileDayWorkflow = createWorkflow(reconcileDayWorkflowId, (input: WorkflowData<{ run_id: string }>) => {
  const fill = fillWaasMirrorStep(input)
  const medusa = gatherMedusaFactsStep(input)
  const compare = compareDayStep(input)
  return new WorkflowResponse({ fill, medusa, compare })
})
