/**
 * Hands a message to an actor once the CPU has run the work that produces it: the sender does not
 * block (the core is FIFO, so outputs leave in the order their work was queued).
 */
import type { Kernel } from "../kernel/Kernel.ts"

export const deliverAt = <M>(kernel: Kernel, atNs: number, target: { readonly tellUnsafe: (m: M) => boolean }, message: M): void => {
  if (atNs <= kernel.nowNs) target.tellUnsafe(message)
  else kernel.setTimer(atNs, () => target.tellUnsafe(message))
}
