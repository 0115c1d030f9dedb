/**
 * Reads "data.amount" or "prices.0.value" out of parsed JSON. Returns undefined when any step is missing.
 */
export function readJsonPath(root: unknown, path: string): unknown {
  let current: unknown = root
  for (const step of path.split(".")) {
    if (Array.isArray(current) && /^\d+$/.test(step)) {
      current = current[Number(step)]
    } else if (current !== null && typeof current === "object" && Object.prototype.hasOwnProperty.call(current, step)) {
      current = (current as Record<string, unknown>)[step]
    } else {
      return undefined
    }
  }
  return current
}
