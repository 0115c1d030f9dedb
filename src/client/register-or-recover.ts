import type { WaasClient } from "./client"

export interface RegisteredUser {
  uid: number
  /** true when registerEmail failed and the uid came from user/info (an earlier attempt registered it) */
  recovered: boolean
}

/**
 * `registerEmail`, falling back to `user/info` by the same email on ANY failure (protocol §2.1): a timeout may
 * hide a registration that went through, and a duplicate email is not a documented error. If the lookup fails
 * too, the original registration error is thrown (it says why registering failed).
 */
export async function registerOrRecover(client: WaasClient, email: string): Promise<RegisteredUser> {
  try {
    const { uid } = await client.registerEmail(email)
    return { uid, recovered: false }
  } catch (registrationError) {
    try {
      const { uid } = await client.userInfo({ email })
      return { uid, recovered: true }
    } catch {
      throw registrationError
    }
  }
}
