import { StateMachine } from "../state-machine"

export const ALERT_STATUSES = ["open", "resolved"] as const
export type AlertStatus = (typeof ALERT_STATUSES)[number]

/** An alert is raised open and resolved once its condition clears; a resolved alert stays resolved (a new one opens). */
export const AlertMachine = new StateMachine<AlertStatus>("alert", { open: ["resolved"], resolved: [] }, ["resolved"])
