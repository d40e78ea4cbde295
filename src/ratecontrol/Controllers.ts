/** The rate control a guest's driver runs, by the scenario's `card.rateControl` name. */
import type { PhyConfig } from "../air/PhyConfig.ts"
import { Arf } from "./Arf.ts"
import { Minstrel } from "./Minstrel.ts"
import type { SampleRandom } from "./Minstrel.ts"
import type { RateController } from "./RateControl.ts"

/** "minstrel": Minstrel on 802.11g, Minstrel-HT (one group) on 802.11n; "fixed": no rate control. */
export type RateControlKind = "fixed" | "minstrel" | "arf" | "aarf"

/** A new controller for one association (undefined for a fixed rate); `random` only Minstrel draws from. */
export const makeController = (kind: RateControlKind, phy: PhyConfig, random: () => SampleRandom, nowNs: number): RateController | undefined => {
  switch (kind) {
    case "fixed":
      return undefined
    case "minstrel":
      return new Minstrel(phy, random(), nowNs)
    case "arf":
      return new Arf(phy, false)
    case "aarf":
      return new Arf(phy, true)
  }
}
