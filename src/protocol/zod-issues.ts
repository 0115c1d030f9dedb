import type { z } from "zod"

/**
 * zod issues as short "path: message" lines for typed errors. zod's default messages name the expected type,
 * not the received value, so nothing from the payload (amounts, addresses, check sums) leaks into logs.
 */
export function formatIssues(error: z.ZodError, max = 20): string[] {
  return error.issues.slice(0, max).map((issue) => {
    const path = issue.path.map((p) => String(p)).join(".")
    return `${path || "(root)"}: ${issue.message}`
  })
}
