/** The id-based queries of the list and sync endpoints, shared by every record type. */
interface Owned {
  id: number
  appId: string
  /** a reconciliation control dropped it from the sync lists, or from every list */
  hidden?: "sync" | "all"
}

/** ids in the order asked; unknown, malformed and other merchants' ids are skipped silently */
export function pickByIds<T extends Owned>(map: Map<number, T>, appId: string, ids: string[]): T[] {
  const out: T[] = []
  for (const raw of ids) {
    if (!/^\d{1,15}$/.test(raw)) continue
    const r = map.get(Number(raw))
    if (r && r.appId === appId && r.hidden !== "all") out.push({ ...r })
  }
  return out
}

/** ascending id order, strictly above maxId, at most `limit` rows */
export function afterId<T extends Owned>(map: Map<number, T>, appId: string, maxId: number, limit: number): T[] {
  const out: T[] = []
  // Maps iterate in insertion order, which is id order since ids are issued increasingly
  for (const r of map.values()) {
    if (r.id > maxId && r.appId === appId && !r.hidden) {
      out.push({ ...r })
      if (out.length >= limit) break
    }
  }
  return out
}
