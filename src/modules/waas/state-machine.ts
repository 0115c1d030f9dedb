import { IllegalStateTransitionError } from "./errors"

/**
 * Every lifecycle of the module, each written once as a table of allowed transitions. The service calls
 * `assertTransition` before every status write (and its SQL only updates rows still in the expected
 * status), so the table is the single source of truth. Final states have no way out.
 */
export class StateMachine<S extends string> {
  readonly states: readonly S[]
  readonly final: ReadonlySet<S>

  constructor(
    readonly name: string,
    private readonly transitions: { readonly [K in S]: readonly S[] },
    final: readonly S[],
  ) {
    this.states = Object.keys(transitions) as S[]
    this.final = new Set(final)
    for (const f of final) {
      if (transitions[f].length > 0) throw new Error(`${name}: final state "${f}" must have no outgoing transitions`)
    }
  }

  can(from: S, to: S): boolean {
    return this.transitions[from]?.includes(to) ?? false
  }

  assertTransition(from: S, to: S): void {
    if (!this.can(from, to)) throw new IllegalStateTransitionError(this.name, from, to)
  }

  isFinal(state: S): boolean {
    return this.final.has(state)
  }

  /** the states from which `to` may be reached; for "UPDATE … WHERE status IN (…)" */
  sourcesOf(to: S): S[] {
    return this.states.filter((s) => this.can(s, to))
  }
}
