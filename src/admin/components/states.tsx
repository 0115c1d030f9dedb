import { Skeleton, Text } from "@medusajs/ui"

/** Loading skeleton rows for a section (the shape of what will appear). */
export function SectionSkeleton({ rows = 3 }: { rows?: number }) {
  return (
    <div className="flex flex-col gap-y-2 px-6 py-4" data-testid="waas-skeleton">
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className="h-5 w-full" />
      ))}
    </div>
  )
}

/** An empty state that says what will appear here. */
export function EmptyState({ title, description }: { title: string; description: string }) {
  return (
    <div className="flex flex-col items-center gap-y-1 px-6 py-8 text-center" data-testid="waas-empty">
      <Text size="small" weight="plus">
        {title}
      </Text>
      <Text size="small" className="text-ui-fg-subtle">
        {description}
      </Text>
    </div>
  )
}

/** A failed load: the API's message in place (the toast has it too when an action failed). */
export function ErrorState({ message }: { message: string }) {
  return (
    <div className="px-6 py-4" data-testid="waas-error">
      <Text size="small" className="text-ui-fg-error">
        {message}
      </Text>
    </div>
  )
}
