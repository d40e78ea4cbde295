/**
 * Supervision policy, as plain data and a pure decision: restart a crashed actor after a backoff,
 * unless it has already been restarted `maxRestarts` times within the last `windowNs`, in which
 * case the failure escalates to its parent.
 */
import * as Schedule from "effect/Schedule"

export interface SupervisionPolicy {
  /** Restarts allowed within `windowNs` before the next crash escalates. */
  readonly maxRestarts: number
  /** Length of the sliding window, in virtual nanoseconds. */
  readonly windowNs: number
  /** Delay before each restart, in virtual time; when the schedule ends, the next crash escalates. */
  readonly backoff: Schedule.Schedule<unknown>
}

/** Default: exponential backoff from 1 ms, at most 5 restarts per simulated second. */
export const defaultSupervision: SupervisionPolicy = {
  maxRestarts: 5,
  windowNs: 1e9,
  backoff: Schedule.exponential("1 millis")
}

/** What to do about a crash. */
export type Decision = "restart" | "escalate"

/**
 * Decides on a crash at `nowNs`, given the times of earlier restarts; returns the decision and
 * the restart times to keep (those still inside the window, plus this one if it restarts).
 */
export const decide = (
  restartTimesNs: ReadonlyArray<number>,
  nowNs: number,
  policy: Pick<SupervisionPolicy, "maxRestarts" | "windowNs">
): { readonly decision: Decision; readonly restartTimesNs: ReadonlyArray<number> } => {
  const recent = restartTimesNs.filter((t) => nowNs - t < policy.windowNs)
  if (recent.length >= policy.maxRestarts) return { decision: "escalate", restartTimesNs: recent }
  return { decision: "restart", restartTimesNs: [...recent, nowNs] }
}
