/** The admin API as an admin of the store uses it: a login, then JSON calls with the bearer token. */
export async function adminLogin(baseUrl: string, who: { email: string; password: string }): Promise<Record<string, string>> {
  const response = await fetch(`${baseUrl}/auth/user/emailpass`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(who) })
  const body = (await response.json()) as { token?: string }
  if (!response.ok || !body.token) throw new Error(`admin login of ${who.email} failed with ${response.status}`)
  return { authorization: `Bearer ${body.token}` }
}

export async function adminJson<T>(baseUrl: string, headers: Record<string, string>, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined && { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const answer = await response.json()
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`)
  return answer as T
}
