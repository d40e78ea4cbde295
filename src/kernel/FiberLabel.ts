/**
 * The name a fiber answers to in kernel diagnostics (the actor runtime sets it to the actor's
 * name), so that a runaway loop is reported by who is looping, not by a fiber number.
 */
import * as Context from "effect/Context"

export const FiberLabel = Context.Reference<string>("vwifi/kernel/FiberLabel", {
  defaultValue: () => "(unnamed fiber)"
})
