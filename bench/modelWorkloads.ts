/**
 * The model benchmark: whole Virtual WiFi scenarios with every per-packet step simulated (guest
 * stack, doorbell trap, boundary checks, translation, driver, NIC, DCF contention, airtime, loss,
 * AP, endpoint, interrupts back to the guest, CPU accounting). Reports delivered frames and
 * simulated seconds per wall-second.
 */
import * as Effect from "effect/Effect"
import { runScenario } from "../src/run/RunScenario.ts"
import { decodeScenario } from "../src/scenario/ScenarioLoad.ts"
import type { PcapSink } from "../src/pcap/AirCapture.ts"
import { formatModelMemory } from "./modelMemory.ts"
import type { ModelMemory } from "./modelMemory.ts"

export interface ModelWorkload {
  readonly name: string
  readonly scenario: unknown
  readonly simulatedSeconds: number
}

const saturatedVm = (name: string) => ({ name, ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-tx" }] })

export const modelWorkloads = (quick: boolean): ReadonlyArray<ModelWorkload> => [
  {
    name: "(a) 1 VM, 802.11g 54 Mb/s, saturated UDP uplink, virtual-wifi",
    scenario: { mode: "virtual-wifi", vms: [saturatedVm("vm1")] },
    simulatedSeconds: quick ? 2 : 10
  },
  {
    name: "(b) 4 VMs, 802.11n HT40 MCS 15 short GI, saturated UDP each, virtual-wifi",
    scenario: {
      mode: "virtual-wifi",
      card: { vmacs: 4, phy: { standard: "802.11n", mcs: 15, channelWidthMhz: 40, guardInterval: "short" } },
      vms: ["vm1", "vm2", "vm3", "vm4"].map(saturatedVm)
    },
    simulatedSeconds: quick ? 2 : 10
  },
  {
    name: "(c) 16 VMs on one card, 802.11g 54 Mb/s, saturated UDP each, virtual-wifi",
    scenario: {
      mode: "virtual-wifi",
      card: { vmacs: 16 },
      vms: Array.from({ length: 16 }, (_, i) => saturatedVm(`vm${i + 1}`))
    },
    simulatedSeconds: quick ? 2 : 10
  }
]

export interface ModelFigures {
  readonly name: string
  readonly simulatedSeconds: number
  readonly wallSeconds: number
  readonly framesDelivered: number
  readonly framesPerWallSecond: number
  readonly simulatedSecondsPerWallSecond: number
  readonly goodputMbps: number
  readonly cpuUtilization: number
  readonly targetFramesPerWallSecond: number
  readonly targetMet: boolean
  /**
   * Wall time per delivered frame relative to (a)'s, from runs of the two alternating (`pairedCostVsA`);
   * without it, from the workloads' own medians, measured minutes apart.
   */
  readonly costVsA?: number | undefined
  /** The simulated seconds of each run behind `costVsA`. */
  readonly costRunSeconds?: number | undefined
  /** Runs before the measured ones (`warmUp`). */
  readonly warmUpRuns?: number | undefined
}

/** At least this many delivered frames per wall-second, in-process (issue 14; the model issue's was 100,000). */
export const MODEL_TARGET = 200_000

/** (c), sixteen VMs on one card: its wall time per delivered frame at most this many times (a)'s (issue 14). */
export const MANY_VMS_COST_TARGET = 1.2

/** Runs `w` once (with a capture of the air into `pcap`, when given). */
export const runModelWorkload = async (w: ModelWorkload, pcap?: PcapSink): Promise<ModelFigures> => {
  const scenario = await Effect.runPromise(decodeScenario(w.scenario))
  const r = await Effect.runPromise(runScenario(scenario, { seed: 1, durationNs: w.simulatedSeconds * 1e9, pcap }))
  const framesPerWallSecond = r.frames.delivered / r.wallSeconds
  return {
    name: w.name,
    simulatedSeconds: r.simulatedSeconds,
    wallSeconds: r.wallSeconds,
    framesDelivered: r.frames.delivered,
    framesPerWallSecond,
    simulatedSecondsPerWallSecond: r.simulatedSeconds / r.wallSeconds,
    goodputMbps: r.vms.reduce((sum, vm) => sum + vm.uplinkMbps, 0),
    cpuUtilization: r.cpu.utilization,
    targetFramesPerWallSecond: MODEL_TARGET,
    targetMet: framesPerWallSecond >= MODEL_TARGET
  }
}

/** Two warm-up runs in a row within this fraction of each other: the JIT has settled. */
export const WARM_UP_AGREEMENT = 0.05
/** Warm-up runs at most, whether or not they agree. */
export const MAX_WARM_UP_RUNS = 6

/**
 * Runs `w` until two runs in a row deliver frames per wall-second within `WARM_UP_AGREEMENT` of each
 * other (at most `MAX_WARM_UP_RUNS`), and says how many it took. One run was not enough: with the
 * CLI's flags (no Maglev, so hot functions wait for TurboFan) three 10 s runs of (a) in a row gave
 * 70k, 113k and 185k frames/wall-s, as 370 then 140 TurboFan compilations (0.6 and 0.3 s of a
 * compiler thread) arrived; a median of runs 2–4 then measured the JIT, not the model.
 */
export const warmUp = async (w: ModelWorkload): Promise<number> => {
  let previous = (await runModelWorkload(w)).framesPerWallSecond
  for (let runs = 1; ; runs++) {
    if (runs >= MAX_WARM_UP_RUNS) return runs
    const rate = (await runModelWorkload(w)).framesPerWallSecond
    if (Math.abs(rate - previous) <= WARM_UP_AGREEMENT * Math.max(rate, previous)) return runs + 1
    previous = rate
  }
}

/** Wall time per delivered frame of `f`, relative to that of the first workload, (a). */
const costRelativeToA = (figures: ReadonlyArray<ModelFigures>, f: ModelFigures): number =>
  f.costVsA ?? figures[0]!.framesPerWallSecond / f.framesPerWallSecond

/** Alternating pairs `pairedCostVsA` runs. */
export const COST_PAIRS = 7

/**
 * Simulated seconds of each run behind (c)'s cost ratio (`--quick`: the quick runs' length). Long
 * enough that what (c) does once, fill its sixteen 256-frame TX rings at the start, is not counted as
 * a cost per frame: in 10 s (c) creates 16.3% more frames than it delivers ((a) 1.0%), in 100 s 1.6%.
 */
export const costRunSeconds = (quick: boolean): number => (quick ? 2 : 100)

/**
 * `w`'s wall time per delivered frame over (a)'s, as the median of `COST_PAIRS` pairs of runs, one
 * of each, alternating which goes first: a drift of the machine's speed (this 2-core machine's moves
 * single runs by 20–40%) then touches both sides of each ratio alike, where the workloads' own
 * medians are minutes apart. Both have had their warm-up runs.
 */
export const pairedCostVsA = async (a: ModelWorkload, w: ModelWorkload): Promise<number> => {
  const ratios: Array<number> = []
  for (let i = 0; i < COST_PAIRS; i++) {
    const aFirst = i % 2 === 0 ? await runModelWorkload(a) : undefined
    const other = await runModelWorkload(w)
    const ofA = aFirst ?? await runModelWorkload(a)
    ratios.push(ofA.framesPerWallSecond / other.framesPerWallSecond)
  }
  return ratios.sort((p, q) => p - q)[Math.floor(ratios.length / 2)]!
}

/** How (c)'s cost ratio was measured, and what the medians above give. */
const pairsText = (figures: ReadonlyArray<ModelFigures>, f: ModelFigures): string =>
  f.costVsA === undefined
    ? ""
    : ` (median of ${COST_PAIRS} alternating pairs of ${f.costRunSeconds ?? f.simulatedSeconds} s runs; ` +
      `the ${f.simulatedSeconds} s medians give ${(figures[0]!.framesPerWallSecond / f.framesPerWallSecond).toFixed(2)}×, with its rings' fill)`

/** The model table; each workload's peak RSS (`memory`, measured for some) under its figures. */
export const formatModelTable = (figures: ReadonlyArray<ModelFigures>, memory: ReadonlyArray<ModelMemory> = []): string =>
  [
    "",
    `model: every per-packet step simulated (warm-up runs until two in a row agree within ${WARM_UP_AGREEMENT * 100}%, at most ${MAX_WARM_UP_RUNS}; then the median of 3 runs each)`,
    ...figures.flatMap((f) => [
      `  ${f.name}`,
      `    ${f.framesDelivered.toLocaleString("en-US")} frames delivered in ${f.simulatedSeconds} simulated s, ` +
        `${f.wallSeconds.toFixed(2)} wall s: ${Math.round(f.framesPerWallSecond).toLocaleString("en-US")} frames/wall-s, ` +
        `${f.simulatedSecondsPerWallSecond.toFixed(1)} simulated s per wall-s; cost per frame ${costRelativeToA(figures, f).toFixed(2)}× (a)'s` +
        (f.warmUpRuns === undefined ? "" : `; after ${f.warmUpRuns} warm-up runs`),
      `    goodput ${f.goodputMbps.toFixed(1)} Mb/s, CPU ${(100 * f.cpuUtilization).toFixed(1)}%; ` +
        `target ≥ ${f.targetFramesPerWallSecond.toLocaleString("en-US")} frames/wall-s: ${f.targetMet ? "met" : "NOT met"}` +
        (f.name.startsWith("(c)")
          ? `; cost per frame target ≤ ${MANY_VMS_COST_TARGET}× (a)'s${pairsText(figures, f)}: ${costRelativeToA(figures, f) <= MANY_VMS_COST_TARGET ? "met" : "NOT met"}`
          : ""),
      ...memory.filter((m) => m.workload === f.name).map(formatModelMemory)
    ])
  ].join("\n")
