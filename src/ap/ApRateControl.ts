/**
 * An AP's rate control for what it sends to its stations: one controller per associated station, as
 * mac80211 in an AP starts a rate-control state for each station when it associates
 * (`rate_control_rate_init`, net/mac80211/rate.c) and feeds it every TX status of frames to it. The
 * chain a controller wants is the retry chain the AP's radio sends that station's data by
 * (`Station.chains`). Its algorithm is the scenario's (the AP's `rateControl`, by default the card's);
 * "fixed" keeps none, and the AP sends at its PHY's rate with the standard's retry limit.
 *
 * A thin owner of state: the algorithms are `ratecontrol/`'s, the same the guests' drivers run.
 */
import type { PhyConfig } from "../air/PhyConfig.ts"
import { makeChain } from "../air/RetryChain.ts"
import type { Station } from "../air/Station.ts"
import type { RateControlKind } from "../ratecontrol/Controllers.ts"
import { makeController } from "../ratecontrol/Controllers.ts"
import type { SampleRandom } from "../ratecontrol/Minstrel.ts"
import type { RateController } from "../ratecontrol/RateControl.ts"
import { sameChain } from "../ratecontrol/RateControl.ts"
import type { ChainEntry } from "../vocabulary/CardCommand.ts"
import type { RateCounts } from "../vocabulary/RateCounts.ts"

interface PeerRate {
  readonly controller: RateController
  /** The chain the radio holds for the peer now (what the controller last wanted). */
  entries: ReadonlyArray<ChainEntry>
}

export interface ApRateOptions {
  readonly kind: RateControlKind
  /** The AP's PHY: its ladder, and its configured rate, the highest a controller uses. */
  readonly phy: PhyConfig
  /** Minstrel's random stream (asked for only when Minstrel runs). */
  readonly random: () => SampleRandom
}

export class ApRates {
  private readonly peers = new Map<number, PeerRate>()
  private readonly station: Station
  private readonly o: ApRateOptions

  constructor(station: Station, o: ApRateOptions) {
    this.station = station
    this.o = o
  }

  /** Station `mac` associated: a fresh controller, and its first chain on the radio. */
  associated(mac: number, nowNs: number): void {
    const controller = makeController(this.o.kind, this.o.phy, this.o.random, nowNs)
    if (controller === undefined) return
    const entries = controller.chain()
    this.peers.set(mac, { controller, entries })
    this.station.chains.set(mac, makeChain(this.o.phy, entries))
  }

  /** Station `mac` is gone: its controller and chain with it. */
  forget(mac: number): void {
    if (!this.peers.delete(mac)) return
    this.station.chains.delete(mac)
  }

  /** Every station is forgotten (the AP restarted). */
  clear(): void {
    for (const mac of this.peers.keys()) this.station.chains.delete(mac)
    this.peers.clear()
  }

  /** A TX status of `frames` data frames to `mac`, their attempts and acknowledgements by rate: heard, and the chain changed if the controller wants another. */
  report(mac: number, counts: RateCounts, frames: number, nowNs: number): void {
    const peer = this.peers.get(mac)
    if (peer === undefined) return
    peer.controller.report({ attempts: counts.attempts, acked: counts.acked, frames }, nowNs)
    const entries = peer.controller.chain()
    if (sameChain(entries, peer.entries)) return
    peer.entries = entries
    this.station.chains.set(mac, makeChain(this.o.phy, entries))
  }
}
