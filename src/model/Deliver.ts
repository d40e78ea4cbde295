/**
 * Hands a message to an actor at a given virtual time (a wire's delay), at once if that time has
 * come. CPU work does not use this: a job delivers its message when the core has run it (`cpu/CpuCore.ts`).
 */
import type { Kernel } from "../kernel/Kernel.ts"

export const deliverAt = <M>(kernel: Kernel, atNs: number, target: { readonly tellUnsafe: (m: M) => boolean }, message: M): void => {
  if (atNs <= kernel.nowNs) target.tellUnsafe(message)
  else kernel.setTimer(atNs, () => target.tellUnsafe(message))
}
