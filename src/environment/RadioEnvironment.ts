/**
 * The radio environment the air consults for every exchange: the mean signal of a link (transmit power
 * minus path loss minus shadowing) at the moment, and its fading then.
 *
 * Its nodes are the host (node 0: the laptop; every VM on its card shares its position) and the APs.
 * A node either has a position, or a fixed signal level: a link that involves a fixed-signal AP has
 * that AP's level both ways (the seed's lab, and every scenario written before positions existed).
 * Links are reciprocal: the same loss both ways; only transmit powers differ.
 */
import type { Prng } from "../kernel/Prng.ts"
import type { FadingKind } from "./Fading.ts"
import { dopplerHz, ENVIRONMENT_SPEED_MPS, FadingLink } from "./Fading.ts"
import { channelCenterMhz } from "./Frequency.ts"
import type { Point } from "./Geometry.ts"
import { distanceM } from "./Geometry.ts"
import type { Walk } from "./Mobility.ts"
import type { DualSlope } from "./PathLoss.ts"
import { pathLossDb } from "./PathLoss.ts"
import { ShadowingField } from "./Shadowing.ts"

/** One node: a position and a transmit power, or a fixed signal level. */
export type EnvironmentNode =
  | { readonly kind: "placed"; readonly position: Point; readonly txPowerDbm: number }
  | { readonly kind: "fixed"; readonly signalDbm: number }

export interface EnvironmentConfig {
  readonly pathLoss: DualSlope
  /** σ of the log-normal shadowing within the breakpoint distance and beyond it, in dB. */
  readonly shadowingWithinDb: number
  readonly shadowingBeyondDb: number
  readonly shadowingDecorrelationM: number
  readonly fading: FadingKind
  /** Ricean K-factor, linear (used when `fading` is "ricean"). */
  readonly riceanK: number
  /** Receiver noise floor over 20 MHz, in dBm. */
  readonly noiseFloorDbm: number
}

/** Index of the host among the nodes. */
export const HOST_NODE = 0

export class RadioEnvironment {
  readonly noiseFloorDbm: number
  private readonly config: EnvironmentConfig
  private readonly nodes: ReadonlyArray<EnvironmentNode>
  private readonly walk: Walk
  private readonly stream: (name: string) => Prng
  private readonly fields = new Map<number, ShadowingField>()
  private readonly fadingLinks = new Map<number, FadingLink>()
  private fadingDraw: (() => number) | undefined

  /**
   * `nodes[0]` is the host (its position is the walk's); `stream` gives each link's shadowing, and the
   * fading, a random stream of its own, made the first time it is needed (a scenario without
   * positions or fading draws nothing).
   */
  constructor(config: EnvironmentConfig, nodes: ReadonlyArray<EnvironmentNode>, walk: Walk, stream: (name: string) => Prng) {
    this.config = config
    this.noiseFloorDbm = config.noiseFloorDbm
    this.nodes = nodes
    this.walk = walk
    this.stream = stream
  }

  get fades(): boolean {
    return this.config.fading !== "none"
  }

  /** Where node `i` is at `atNs` (undefined for a fixed-signal node). */
  positionOf(i: number, atNs: number): Point | undefined {
    const n = this.nodes[i]
    if (n === undefined || n.kind === "fixed") return undefined
    return i === HOST_NODE ? this.walk.positionAt(atNs) : n.position
  }

  /** The mean signal node `rx` receives from node `tx` on `channel` at `atNs`, in dBm (no fading). */
  meanSignalDbm(tx: number, rx: number, channel: number, atNs: number): number {
    const a = this.nodes[tx]!
    const b = this.nodes[rx]!
    if (a.kind === "fixed") return a.signalDbm
    if (b.kind === "fixed") return b.signalDbm
    const at = this.positionOf(tx, atNs)!
    const to = this.positionOf(rx, atNs)!
    const d = distanceM(at, to)
    const c = this.config
    const sigma = d <= c.pathLoss.breakpointM ? c.shadowingWithinDb : c.shadowingBeyondDb
    // The link's field is read where its lower-numbered end is: the host for its links (the only node
    // that moves), a fixed point for a link between two APs. Either way the link's two directions agree.
    const end = tx < rx ? at : to
    const shadowDb = sigma === 0 ? 0 : sigma * this.field(tx, rx).at(end.x, end.y)
    return a.txPowerDbm - pathLossDb(d, channelCenterMhz(channel), c.pathLoss) - shadowDb
  }

  /**
   * How much stronger node `from`'s transmissions arrive at `to` than `to`'s at `from`, in dB: their
   * transmit powers' difference, path loss and shadowing being the same both ways (reciprocal links);
   * 0 where either end has a fixed signal level.
   */
  powerDifferenceDb(from: number, to: number): number {
    const a = this.nodes[from]!
    const b = this.nodes[to]!
    return a.kind === "placed" && b.kind === "placed" ? a.txPowerDbm - b.txPowerDbm : 0
  }

  /**
   * The fading of the link between nodes `tx` and `rx` on `channel` at `atNs`, in dB (0 without
   * fading): the same both ways (reciprocal), its own process per link and channel (channels 5 MHz
   * apart and more fade independently: an indoor channel's coherence bandwidth is a few MHz), moving
   * at the host's speed while it walks faster than the environment (`Fading.ts`).
   */
  fadeDb(tx: number, rx: number, channel: number, atNs: number): number {
    const c = this.config
    if (c.fading === "none") return 0
    const key = (Math.min(tx, rx) * 65_536 + Math.max(tx, rx)) * 256 + channel
    let link = this.fadingLinks.get(key)
    if (link === undefined) this.fadingLinks.set(key, link = new FadingLink())
    const speedMps = tx === HOST_NODE || rx === HOST_NODE ? Math.max(ENVIRONMENT_SPEED_MPS, this.walk.speedAt(atNs)) : ENVIRONMENT_SPEED_MPS
    const draw = (this.fadingDraw ??= ((p) => () => p.nextDoubleUnsafe())(this.stream("fading")))
    return link.gainDb(atNs, dopplerHz(speedMps, channelCenterMhz(channel)), c.fading === "rayleigh" ? 0 : c.riceanK, draw)
  }

  private field(a: number, b: number): ShadowingField {
    const key = Math.min(a, b) * 65_536 + Math.max(a, b)
    let f = this.fields.get(key)
    if (f === undefined) {
      const p = this.stream(`shadowing/${Math.min(a, b)}-${Math.max(a, b)}`)
      f = new ShadowingField(this.config.shadowingDecorrelationM, () => p.nextDoubleUnsafe())
      this.fields.set(key, f)
    }
    return f
  }
}
