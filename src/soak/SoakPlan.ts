/**
 * The soak's world and its day: a scenario with N VMs spread over three APs, light mixed traffic
 * (pings, paced UDP and TCP both ways), and a schedule of lifecycle events (VMs shutting down and booting
 * again, VMs moving to another AP, background scans) plus generated faults. Pure: the same options give the same plan.
 */
import * as Effect from "effect/Effect"
import { generateFaults, wholeMsBefore } from "../fault/FaultPlan.ts"
import { Prng } from "../kernel/Prng.ts"
import type { FaultSpec } from "../scenario/FaultSchedule.ts"
import type { Scenario, ScenarioInput } from "../scenario/Scenario.ts"
import { DEFAULT_PASSPHRASE } from "../scenario/Scenario.ts"
import { decodeScenario } from "../scenario/ScenarioLoad.ts"
import { MAX_SOAK_VMS, RunOptionsError } from "../run/RunOptionsCheck.ts"
import { ScenarioError } from "../scenario/ScenarioLoad.ts"

export interface SoakOptions {
  readonly hours: number
  readonly vms: number
  /** Mean faults per simulated hour. */
  readonly faultsPerHour: number
  readonly seed: number
}

/** Mean time between a VM's shutdowns, its time off, and between moves to another AP (modelling choices). */
const STOP_EVERY_S = 15 * 60
const OFF_FOR_S = [30, 180] as const
const ROAM_EVERY_S = 20 * 60
/** A network manager's background scan, about every 5 minutes per VM (NetworkManager scans every 2–5 min while connected). */
const SCAN_EVERY_S = 5 * 60
/** The first minutes are warm-up: every VM boots and joins before anything happens to it. */
export const SOAK_WARMUP_S = 60

/** Each VM pings every second and runs one of these in turn, paced: UDP and TCP, each way. */
const SOAK_FLOWS = ["udp-tx", "udp-rx", "tcp-tx", "tcp-rx"] as const
/**
 * Each VM's flow, Mbit/s: a modelling choice, light traffic (a soak is about hours of comings, goings
 * and faults, not load): 16 VMs together offer 4 Mb/s, a fraction of the three channels' air.
 */
const SOAK_FLOW_MBPS = 0.25
/** Each VM's ping interval: once a second, ping's own default. */
const SOAK_PING_INTERVAL_MS = 1000
/** The card's vMACs: one per VM, up to the most a card has (`MAX_SOAK_VMS`). */
const soakVmacs = (vms: number): number => Math.min(MAX_SOAK_VMS, Math.max(1, vms))

const APS = [
  { ssid: "soak-a", bssid: "02:00:00:00:01:00", channel: 1 },
  { ssid: "soak-b", bssid: "02:00:00:00:01:01", channel: 6 },
  { ssid: "soak-c", bssid: "02:00:00:00:01:02", channel: 11 }
]

/** The soak's topology, before its schedule. */
export const soakBase = (vms: number): ScenarioInput => ({
  mode: "virtual-wifi",
  durationSeconds: 3600,
  warmupSeconds: SOAK_WARMUP_S,
  card: { vmacs: soakVmacs(vms) },
  aps: APS.map((ap) => ({ ...ap, security: { kind: "wpa2-psk", passphrase: DEFAULT_PASSPHRASE } })),
  vms: Array.from({ length: vms }, (_, i) => ({
    name: `vm${i + 1}`,
    ssid: APS[i % APS.length]!.ssid,
    passphrase: DEFAULT_PASSPHRASE,
    traffic: [{ kind: "ping", intervalMs: SOAK_PING_INTERVAL_MS }, { kind: SOAK_FLOWS[i % SOAK_FLOWS.length]!, offeredMbps: SOAK_FLOW_MBPS }]
  }))
})

/**
 * Lifecycle events: each VM shuts down now and then and boots again; VMs move between APs and scan
 * in the background, but not while they are off (a VM that is off runs no network manager).
 */
export const lifecycle = (vms: ReadonlyArray<string>, untilSeconds: number, seed: number): Array<FaultSpec> => {
  const random = Prng.forStream(seed, "soak-lifecycle") // the run seed's own stream for lifecycle plans
  const events: Array<FaultSpec> = []
  // Each event at a whole millisecond, never on the run's end (which a schedule refuses).
  const round = (at: number) => wholeMsBefore(at, untilSeconds)
  for (const vm of vms) {
    // When the VM is off: from each stop to the start after it (or the end), as scheduled (rounded) times.
    const off: Array<readonly [number, number]> = []
    let t = SOAK_WARMUP_S + random.nextExponential(STOP_EVERY_S)
    while (t < untilSeconds) {
      events.push({ kind: "vm-stop", atSeconds: round(t), vm })
      const stoppedAt = round(t)
      t += OFF_FOR_S[0] + random.nextDoubleUnsafe() * (OFF_FOR_S[1] - OFF_FOR_S[0])
      if (t >= untilSeconds) {
        off.push([stoppedAt, Infinity])
        break
      }
      events.push({ kind: "vm-start", atSeconds: round(t), vm })
      off.push([stoppedAt, round(t)])
      t += random.nextExponential(STOP_EVERY_S)
    }
    // The same draws whether or not an event falls while the VM is off: the rest of the plan stays as it was.
    const on = (at: number) => !off.some(([from, to]) => at >= from && at < to)
    let r = SOAK_WARMUP_S + random.nextExponential(ROAM_EVERY_S)
    let ap = vms.indexOf(vm)
    while (r < untilSeconds) {
      ap = (ap + 1 + random.nextIntBelow(APS.length - 1)) % APS.length
      if (on(round(r))) events.push({ kind: "vm-roam", atSeconds: round(r), vm, ssid: APS[ap]!.ssid })
      r += random.nextExponential(ROAM_EVERY_S)
    }
    for (let s = SOAK_WARMUP_S + random.nextExponential(SCAN_EVERY_S); s < untilSeconds; s += random.nextExponential(SCAN_EVERY_S)) {
      if (on(round(s))) events.push({ kind: "vm-scan", atSeconds: round(s), vm })
    }
  }
  return events.sort((a, b) => a.atSeconds - b.atSeconds)
}


/**
 * The full soak scenario: topology, lifecycle, faults; decoded and checked like any scenario. A rate
 * whose mean is just under the schedule's cap can still draw past it: that is the options' problem
 * (`RunOptionsError`), found only once drawn.
 */
export const soakScenario = (options: SoakOptions): Effect.Effect<Scenario, ScenarioError | RunOptionsError> =>
  Effect.gen(function*() {
    const seconds = options.hours * 3600
    const input = { ...soakBase(options.vms), durationSeconds: seconds }
    const base = yield* decodeScenario(input)
    const events = lifecycle(base.vms.map((v) => v.name), seconds, options.seed)
    const faults = yield* Effect.try({
      try: () => generateFaults(base, { seed: options.seed, perMinute: options.faultsPerHour / 60, fromSeconds: SOAK_WARMUP_S, untilSeconds: seconds }),
      catch: (error) =>
        error instanceof RunOptionsError
          ? new RunOptionsError({ problems: error.problems.map((p) => p.option === "perMinute" ? { option: "faultsPerHour", message: p.message } : p) })
          : new ScenarioError({ source: "soak", problems: [{ path: "faults", message: error instanceof Error ? error.message : String(error) }] })
    })
    return yield* decodeScenario({ ...input, faults: [...events, ...faults].sort((a, b) => a.atSeconds - b.atSeconds) })
  })
