export * from "./workflows/reconcile-day"
export * from "./workflows/finish-reconciliation-run"
export { RECONCILIATION_COMPLETED } from "./steps/finish-run"
export { startReconciliation, runDueReconciliations } from "./runners/run-reconciliation"
