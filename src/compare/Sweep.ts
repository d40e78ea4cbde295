/**
 * The rate sweep: the seed warns that CPU cost grows with throughput (802.11g ≈ 50 Mb/s to 802.11n
 * ≈ 500 Mb/s). Each group sends saturated UDP from one VM at PHY rates from 802.11g 54 Mb/s to
 * 802.11n HT40 with 3 streams; where the one core saturates, goodput stops following the PHY rate.
 */
import { Effect } from "effect"
import { dataRateMbps } from "../air/RateTable.ts"
import { describePhy } from "../air/PhyConfig.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import { runScenario } from "../run/RunScenario.ts"
import type { Scenario } from "../scenario/Scenario.ts"
import { DEFAULT_SEEDS } from "./Seeds.ts"
import { estimate } from "./Statistics.ts"
import { groups } from "./Study.ts"
import type { Group } from "./Study.ts"

/** From 802.11g to 802.11n HT40, 3 streams, short GI. */
export const sweepRates: ReadonlyArray<PhyConfig> = [
  { standard: "802.11g", rateMbps: 54 },
  { standard: "802.11n", mcs: 7, channelWidthMhz: 20, guardInterval: "long" },
  { standard: "802.11n", mcs: 15, channelWidthMhz: 20, guardInterval: "short" },
  { standard: "802.11n", mcs: 15, channelWidthMhz: 40, guardInterval: "short" },
  { standard: "802.11n", mcs: 23, channelWidthMhz: 40, guardInterval: "short" }
]

/** The groups the sweep compares (the fully optimized one stands for the optimizations). */
export const sweepGroups: ReadonlyArray<Group> = groups.filter((g) => ["native", "passthrough", "virtual-wifi", "virtual-wifi-optimized"].includes(g.id))

export interface SweepPoint {
  readonly group: string
  readonly label: string
  readonly phy: string
  readonly phyRateMbps: number
  /** Means over the seeds, and the half-widths of their 95% confidence intervals (null with one seed). */
  readonly goodputMbps: number
  readonly goodputCi95Mbps: number | null
  readonly cpuUtilization: number
  readonly cpuUtilizationCi95: number | null
}

export interface SweepOptions {
  /** The first seed; each point runs with `seeds` consecutive seeds from it (default `DEFAULT_SEEDS`). */
  readonly seed: number
  readonly seeds?: number | undefined
  readonly durationNs?: number | undefined
  readonly onRun?: ((index: number, total: number, label: string) => void) | undefined
}

export const sweepScenario = (base: Scenario, group: Group, phy: PhyConfig): Scenario => {
  const vm = base.vms[0]
  if (vm === undefined) throw new RangeError("the sweep needs a scenario with at least one VM")
  return {
    ...base,
    mode: group.mode,
    switches: group.switches,
    card: { ...base.card, phy },
    // A strong fixed signal (a placed AP loses its place), so that loss does not cap the high rates: the sweep is about the CPU.
    aps: base.aps.map(({ position: _placed, ...ap }) => ({ ...ap, signalDbm: Math.max(ap.signalDbm ?? -40, -40) })),
    vms: [{ ...vm, traffic: [{ kind: "udp-tx", offeredMbps: "saturate", payloadBytes: 1470 }] }]
  }
}

export const sweep = (base: Scenario, options: SweepOptions): Effect.Effect<ReadonlyArray<SweepPoint>> =>
  Effect.gen(function*() {
    const points: Array<SweepPoint> = []
    const seeds = Array.from({ length: options.seeds ?? DEFAULT_SEEDS }, (_, i) => options.seed + i)
    const total = sweepGroups.length * sweepRates.length * seeds.length
    let index = 0
    for (const group of sweepGroups) {
      for (const phy of sweepRates) {
        const goodput: Array<number> = []
        const cpu: Array<number> = []
        for (const seed of seeds) {
          options.onRun?.(index++, total, `${group.label}, ${describePhy(phy)}, seed ${seed}`)
          const r = yield* runScenario(sweepScenario(base, group, phy), { seed, durationNs: options.durationNs })
          goodput.push(r.vms[0]?.uplinkMbps ?? 0)
          cpu.push(r.cpu.utilization)
        }
        const g = estimate(goodput)
        const c = estimate(cpu)
        points.push({
          group: group.id,
          label: group.label,
          phy: describePhy(phy),
          phyRateMbps: dataRateMbps(phy),
          goodputMbps: g.mean,
          goodputCi95Mbps: g.ci95,
          cpuUtilization: c.mean,
          cpuUtilizationCi95: c.ci95
        })
      }
    }
    return points
  })
