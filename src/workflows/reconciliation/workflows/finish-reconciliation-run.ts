import { createWorkflow, WorkflowData, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { emitReconciliationCompletedStep, finishRunStep, type FinishRunInput } from "../steps/finish-run"

export const finishReconciliationRunWorkflowId = "waas-finish-reconciliation-run"

/** Finishes a run (balanced, breaks or failed, with its totals) and announces it. */
export const finishReconciliationRunWorkflow = createWorkflow(finishReconciliationRunWorkflowId, (input: WorkflowData<FinishRunInput>) => {
  const run = finishRunStep(input)
  emitReconciliationCompletedStep({ run })
  return new WorkflowResponse(run)
})
