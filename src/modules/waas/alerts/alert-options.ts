import { z } from "zod"

/**
 * The `alerts` plugin option: the thresholds of each alert condition (alerts/README.md). Every field has a
 * default, so a store configures nothing unless it wants other figures. Parsed with the other options
 * (../options.ts), so a mistake names the option, e.g. `alerts.callbacksRefusedMax`.
 */
const whole = (min: number, max: number, fallback: number) => {
  const message = `expected a whole number from ${min} to ${max}`
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message }).default(fallback)
}

export const AlertOptionsSchema = z
  .object({
    /** "pool empty at a checkout": a checkout found no pooled address within this many minutes */
    poolEmptyWindowMinutes: whole(1, 1_440, 15),
    /** the WaaS users registered, as a share of userCap, at which the cap alert is raised */
    userCapRatio: z
      .number({ error: "expected a number from 0.01 to 1" })
      .min(0.01, { error: "expected a number from 0.01 to 1" })
      .max(1, { error: "expected a number from 0.01 to 1" })
      .default(0.9),
    /** callbacks refused: more than this many of one reason ... */
    callbacksRefusedMax: whole(0, 100_000, 10),
    /** ... within this many minutes */
    callbacksRefusedWindowMinutes: whole(1, 1_440, 10),
    /** a callback recorded and still unprocessed after this many minutes */
    callbacksUnprocessedMinutes: whole(1, 1_440, 10),
    /** the deposit or withdrawal poller has not completed a run for this many minutes */
    pollerBehindMinutes: whole(1, 1_440, 10),
    /** a withdrawal (refund) not final after this many hours */
    withdrawalStuckHours: whole(1, 720, 24),
    /** how long a denied second confirmation stays raised (no newer denial for that withdrawal) */
    secondConfirmationDeniedMinutes: whole(1, 10_080, 60),
    /** resolved alerts older than this many days are deleted by the evaluation job */
    retentionDays: whole(1, 3_650, 90),
  })
  .prefault({})

export type AlertOptions = z.infer<typeof AlertOptionsSchema>
