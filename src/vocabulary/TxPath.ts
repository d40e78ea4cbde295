/**
 * Where a frame's time goes on the TX path, from the guest's send to its acknowledgement on the air
 * (the seed's "VM additional latency on TX path"): each stage stamps the frame as it passes, when a
 * run asks for it (`BuildOptions.txPath`); otherwise frames carry no stamps and cost nothing.
 */
import type { Frame } from "./Frame.ts"

/**
 * The stages, in path order, with what each covers. A register write reaches the card's side at the
 * instant the guest makes it and the guest's work travels with it as CPU work (`cpu/Job.ts`), so the
 * guest's stack, the VM exit and the device model's checks form one stage, ended when the device model
 * hands the batch to its I/O thread; the translation there is in the next stage, with the driver.
 */
export const txPathStages = [
  { id: "virtualization", label: "to the device model: guest stack, VM exit, checks", covers: "from the application's send to the device model's hand-off to its I/O thread (virtual-wifi's slow path; 0 where there is none)" },
  { id: "hostDriver", label: "on to the card: stack, driver, translation", covers: "the rest of the software path, to the vMAC: after a device model, the I/O thread's address translation and the augmented driver's ioctl; where there is none, the whole send path (natively the host's stack and driver; on an assigned card the guest's; on the fast path the guest's stack, the doorbell's trap and the host's translation)" },
  { id: "cardQueue", label: "card: vMAC ring and radio", covers: "waiting in the vMAC's TX ring for the one radio" },
  { id: "contention", label: "air: queue and contention", covers: "from the radio's queue to the exchange that carried it (backoff, other stations, retries)" },
  { id: "transmission", label: "air: transmission and Ack", covers: "the exchange that succeeded: the PPDU, SIFS and the Ack or BlockAck" }
] as const

export type TxPathStage = (typeof txPathStages)[number]["id"]

/** The times a frame passed each stage's end, ns (NaN: it skipped the stage, e.g. no device model natively). */
export class TxPathStamps {
  driverNs = NaN
  vmacNs = NaN
  airQueuedNs = NaN
  /** The start of the exchange that carried it last (the one that succeeded). */
  airStartNs = NaN
}

/** Sums of each stage's time over the frames that completed the path. */
export class TxPathCollector {
  frames = 0
  readonly sumNs: Record<TxPathStage, number> = { virtualization: 0, hostDriver: 0, cardQueue: 0, contention: 0, transmission: 0 }

  /** `f` was acknowledged at `nowNs`: its stages are added up (a skipped stage counts 0). */
  done(f: Frame, nowNs: number): void {
    const s = f.txPath
    if (s === undefined) return
    this.frames++
    const sum = this.sumNs
    const toDriverNs = Number.isNaN(s.driverNs) ? f.createdNs : s.driverNs
    sum.virtualization += toDriverNs - f.createdNs
    sum.hostDriver += s.vmacNs - toDriverNs
    sum.cardQueue += s.airQueuedNs - s.vmacNs
    sum.contention += s.airStartNs - s.airQueuedNs
    sum.transmission += nowNs - s.airStartNs
  }

  /** Mean time per stage, µs (null before any frame completed). */
  meansUs(): Record<TxPathStage, number> | null {
    if (this.frames === 0) return null
    const out = {} as Record<TxPathStage, number>
    for (const { id } of txPathStages) out[id] = this.sumNs[id] / this.frames / 1e3
    return out
  }
}
