import { Button, Prompt, Textarea } from "@medusajs/ui"
import { useState } from "react"

/** A button that asks for a reason or note before it acts (reject, resolve, acknowledge…). */
export function ReasonPrompt({
  label,
  title,
  description,
  confirm,
  onConfirm,
  variant = "secondary",
  testId,
  optional = false,
}: {
  label: string
  title: string
  description: string
  confirm: string
  onConfirm: (reason: string) => void
  variant?: "secondary" | "danger" | "primary" | "transparent"
  testId?: string
  optional?: boolean
}) {
  const [open, setOpen] = useState(false)
  const [reason, setReason] = useState("")
  return (
    <Prompt open={open} onOpenChange={setOpen}>
      <Prompt.Trigger asChild>
        <Button size="small" variant={variant} data-testid={testId}>
          {label}
        </Button>
      </Prompt.Trigger>
      <Prompt.Content>
        <Prompt.Header>
          <Prompt.Title>{title}</Prompt.Title>
          <Prompt.Description>{description}</Prompt.Description>
        </Prompt.Header>
        <div className="px-6 pb-4">
          <Textarea value={reason} onChange={(e) => setReason(e.target.value)} data-testid={testId ? `${testId}-reason` : undefined} />
        </div>
        <Prompt.Footer>
          <Prompt.Cancel>Cancel</Prompt.Cancel>
          <Prompt.Action
            disabled={!optional && reason.trim().length === 0}
            data-testid={testId ? `${testId}-confirm` : undefined}
            onClick={() => {
              onConfirm(reason.trim())
              setReason("")
            }}
          >
            {confirm}
          </Prompt.Action>
        </Prompt.Footer>
      </Prompt.Content>
    </Prompt>
  )
}
