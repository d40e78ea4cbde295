/**
 * The rate control of the guest's native driver: one controller per association (as mac80211 starts
 * a station's rate control when it associates), fed every TX status; a rate command to the card
 * whenever the chain it wants changes. The controller is the driver's: a crash of the driver module,
 * a power-off or a lost association forget it (`GuestState.rate`). What the VM's frames went at is
 * counted in its stats for every algorithm, "fixed" included (the card reports it either way).
 */
import type { Kernel } from "../kernel/Kernel.ts"
import type { RateControlKind } from "../ratecontrol/Controllers.ts"
import { makeController } from "../ratecontrol/Controllers.ts"
import type { SampleRandom } from "../ratecontrol/Minstrel.ts"
import { sameChain } from "../ratecontrol/RateControl.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import type { CardEvent } from "../vocabulary/CardEvent.ts"
import type { GuestState } from "./GuestState.ts"
import type { GuestStats } from "./GuestVm.ts"
import type { GuestWork } from "./GuestWork.ts"

export interface RateOptions {
  readonly rateControl: RateControlKind
  /** The card's PHY: its ladder, and its configured rate (the top the controller may use). */
  readonly phy: PhyConfig
  /** Minstrel's random stream (asked for only when Minstrel runs). */
  readonly rateRandom: () => SampleRandom
}

export class GuestRates {
  private readonly kernel: Kernel
  private readonly o: RateOptions
  private readonly stats: GuestStats
  private readonly work: GuestWork

  constructor(kernel: Kernel, o: RateOptions, stats: GuestStats, work: GuestWork) {
    this.kernel = kernel
    this.o = o
    this.stats = stats
    this.work = work
  }

  /** Associated: a fresh controller, and its first chain to the card. */
  start(s: GuestState): void {
    s.rate = makeController(this.o.rateControl, this.o.phy, this.o.rateRandom, this.kernel.nowNs)
    s.rateChainSent = undefined
    this.send(s)
  }

  /** A TX status: counted, then heard by the controller, which may want another chain. */
  completed(s: GuestState, e: Extract<CardEvent, { _tag: "TxDone" }>): void {
    if (e.attempts === undefined || e.acked === undefined) return
    const { stats } = this
    for (let i = 0; i < e.attempts.length; i++) {
      stats.attemptsByRate[i] = (stats.attemptsByRate[i] ?? 0) + e.attempts[i]!
      stats.framesByRate[i] = (stats.framesByRate[i] ?? 0) + (e.acked[i] ?? 0)
    }
    if (s.rate === undefined || s.driver.state !== "connected") return
    s.rate.report({ attempts: e.attempts, acked: e.acked, frames: e.delivered + e.failed }, this.kernel.nowNs)
    this.send(s)
  }

  /** Writes the controller's chain when it differs from the last one written. */
  private send(s: GuestState): void {
    if (s.rate === undefined) return
    const chain = s.rate.chain()
    if (s.rateChainSent !== undefined && sameChain(chain, s.rateChainSent)) return
    s.rateChainSent = chain
    this.stats.rateCommands++
    // Written plain, as the doorbell is: the device model decodes it at the boundary.
    this.work.writeCommand(s, { _tag: "SetRate", vmac: 0, rateIndex: chain[0]!.rateIndex, chain })
  }
}
