/**
 * The process's heap after a full garbage collection, so hour-to-hour figures compare live data, not
 * garbage. Node hides `gc()` unless started with --expose-gc; the flag can also be set at run time.
 */
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"

let gc: (() => void) | undefined

const collector = (): (() => void) => {
  if (gc === undefined) {
    const exposed = (globalThis as { gc?: () => void }).gc
    if (exposed !== undefined) gc = exposed
    else {
      setFlagsFromString("--expose-gc")
      gc = runInNewContext("gc") as () => void
    }
  }
  return gc
}

/** Heap used (bytes) after a full collection. */
export const heapUsedAfterGc = (): number => {
  collector()()
  return process.memoryUsage().heapUsed
}
