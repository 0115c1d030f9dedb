export * from "./workflows/apply-alerts"
export { AlertEvents } from "./steps/announce-alerts"
export { runAlerts } from "./runners/run-alerts"
