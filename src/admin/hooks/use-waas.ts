import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { errorMessage, getWaas, postWaas, sdk } from "../lib/sdk"
import type { AdminUser, Deposit, HealthView, PaymentRow, PaymentView, PoolView, Withdrawal, WithdrawalGroupId } from "../lib/types"
import { toast } from "@medusajs/ui"

/** Query keys: every screen that shows a thing refetches when an action changes it (no reload). */
export const keys = {
  all: ["waas"] as const,
  orderPayments: (orderId: string) => ["waas", "payments", "order", orderId] as const,
  payments: (query: Record<string, string | number | undefined>) => ["waas", "payments", "list", query] as const,
  withdrawals: (query: Record<string, string | number | undefined>) => ["waas", "withdrawals", query] as const,
  withdrawalGroups: ["waas", "withdrawals", "groups"] as const,
  orphans: (query: Record<string, string | number | undefined>) => ["waas", "orphans", query] as const,
  pool: ["waas", "pool"] as const,
  health: ["waas", "health"] as const,
  me: ["waas", "me"] as const,
}

export function useOrderPayments(orderId: string) {
  return useQuery({
    queryKey: keys.orderPayments(orderId),
    queryFn: () => getWaas<{ crypto_payments: PaymentView[] }>("/payments", { order_id: orderId }),
    // a payment being paid moves on its own (deposits, confirmations): keep the widget current
    refetchInterval: 5_000,
  })
}

export function usePayments(query: Record<string, string | number | undefined>) {
  return useQuery({
    queryKey: keys.payments(query),
    queryFn: () => getWaas<{ crypto_payments: PaymentRow[]; count: number }>("/payments", query),
    placeholderData: (previous) => previous,
  })
}

export function useWithdrawals(query: Record<string, string | number | undefined>, refetchInterval?: number) {
  return useQuery({
    queryKey: keys.withdrawals(query),
    queryFn: () => getWaas<{ withdrawals: Withdrawal[]; count: number; limit: number; offset: number }>("/withdrawals", query),
    placeholderData: (previous) => previous,
    refetchInterval,
  })
}

/** the Refunds tab's groups and how many refunds stand in each */
export function useWithdrawalGroups() {
  return useQuery({
    queryKey: keys.withdrawalGroups,
    queryFn: () => getWaas<{ groups: Array<{ id: WithdrawalGroupId; statuses: string[]; count: number }> }>("/withdrawals/groups"),
    refetchInterval: 5_000,
  })
}

export function useOrphans(query: Record<string, string | number | undefined>) {
  return useQuery({
    queryKey: keys.orphans(query),
    queryFn: () => getWaas<{ deposits: Deposit[]; count: number }>("/orphans", query),
    placeholderData: (previous) => previous,
  })
}

export function usePool() {
  return useQuery({ queryKey: keys.pool, queryFn: () => getWaas<PoolView>("/pool") })
}

export function useHealth() {
  return useQuery({ queryKey: keys.health, queryFn: () => getWaas<HealthView>("/health"), refetchInterval: 30_000 })
}

/** the logged-in admin (Medusa's own route): the requester of a refund is not offered its approval */
export function useCurrentUser() {
  return useQuery({
    queryKey: keys.me,
    queryFn: async (): Promise<AdminUser> => (await sdk.admin.user.me()).user,
    staleTime: Infinity,
  })
}

/** admin user ids → emails, so a refund shows who asked and who approved by name (Medusa's user list) */
export function useUserEmails() {
  return useQuery({
    queryKey: ["waas", "users"],
    queryFn: async (): Promise<Map<string, string>> => {
      const { users } = await sdk.admin.user.list({ limit: 200, fields: "id,email" })
      return new Map(users.map((u) => [u.id, u.email]))
    },
    staleTime: 300_000,
  })
}

/** A POST to the plugin's admin API: a toast with the API's message either way, and every waas query refetched. */
export function useWaasAction<TBody extends Record<string, unknown>, TResult>(
  path: (body: TBody) => string,
  success: (result: TResult) => string,
  payload: (body: TBody) => Record<string, unknown> = (b) => b,
) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: TBody) => postWaas<TResult>(path(body), payload(body)),
    onSuccess: async (result) => {
      toast.success(success(result))
      await client.invalidateQueries({ queryKey: keys.all })
    },
    onError: (e) => {
      toast.error(errorMessage(e))
    },
  })
}
