/**
 * Generated fault schedules. A fault is built from a `FaultDraw` (a few numbers in [0, 1) plus a time),
 * so the same mapping serves the CLI's generator (draws from a seeded PRNG) and the property tests
 * (draws from an Arbitrary, which can shrink them). Only faults that make sense in the scenario's mode
 * and topology are produced; every parameter stays in a range the model must ride out.
 */
import { Prng } from "../kernel/Prng.ts"
import type { Scenario } from "../scenario/Scenario.ts"
import type { FaultSpec } from "../scenario/FaultSchedule.ts"
import { MAX_DURATION_SECONDS } from "../scenario/InputBounds.ts"
import { apNameOf } from "../scenario/ApLookup.ts"
import { faultRateProblem, MAX_GENERATED_FAULTS, RunOptionsError, seedProblems, throwProblems } from "../run/RunOptionsCheck.ts"
import type { OptionProblem } from "../run/RunOptionsCheck.ts"

/** The raw material of one fault: `kind`, `target`, `size` in [0, 1); `atSeconds` its time. */
export interface FaultDraw {
  readonly atSeconds: number
  readonly kind: number
  readonly target: number
  readonly size: number
}

/** Fault kinds the generators pick from (lifecycle events are the soak's business). */
export const generatedKinds = [
  "crash-driver", "crash-device-model", "crash-guest-driver", "crash-vmac", "hang-vmac", "interrupts",
  "ap-down", "ap-deauth", "channel-loss", "command-storm", "guest-reboot", "mailbox-flood", "crash-nic", "crash-ap"
] as const

const virtualOnly: ReadonlySet<string> = new Set(["crash-driver", "crash-device-model"])

/** The kinds that apply to `scenario` (virtual-wifi has them all; a VM is needed for VM faults). */
export const kindsFor = (scenario: Scenario): ReadonlyArray<(typeof generatedKinds)[number]> =>
  generatedKinds.filter((k) => {
    if (virtualOnly.has(k) && scenario.mode !== "virtual-wifi") return false
    if (scenario.vms.length === 0 && ["crash-device-model", "crash-guest-driver", "ap-deauth", "command-storm", "guest-reboot"].includes(k)) return false
    return true
  })

/** The index `u` in [0, 1) picks among `n` items. */
const pickIndex = (n: number, u: number): number => Math.min(n - 1, Math.floor(u * n))
const pick = <A>(items: ReadonlyArray<A>, u: number): A => items[pickIndex(items.length, u)]!
/** u in [0, 1) scaled to [lo, hi], rounded to `step`. */
const scale = (u: number, lo: number, hi: number, step: number): number => Math.round((lo + u * (hi - lo)) / step) * step

/** What is wrong with a draw: a time that is not one, a value outside [0, 1). */
const drawProblems = (d: FaultDraw): Array<OptionProblem> => {
  const problems: Array<OptionProblem> = []
  if (!(Number.isFinite(d.atSeconds) && d.atSeconds >= 0 && d.atSeconds <= MAX_DURATION_SECONDS)) {
    problems.push({ option: "atSeconds", message: `must be a time from 0 to ${MAX_DURATION_SECONDS} s, got ${d.atSeconds}` })
  }
  for (const field of ["kind", "target", "size"] as const) {
    const u = d[field]
    if (!(u >= 0 && u < 1)) problems.push({ option: field, message: `must be a number from 0 up to (not including) 1, got ${u}` })
  }
  return problems
}

/**
 * `t` (before `untilSeconds`) as the whole millisecond a fault is scheduled at (`faultFromDraw` rounds
 * to it): the nearest, unless that is `untilSeconds` or after, which a schedule refuses (a fault at the
 * run's end), then the one below.
 */
export const wholeMsBefore = (t: number, untilSeconds: number): number => {
  const nearest = Math.round(t * 1000) / 1000
  return nearest < untilSeconds ? nearest : Math.floor(t * 1000) / 1000
}

/**
 * The fault a draw stands for in `scenario`. Throws `RunOptionsError` for a draw outside its ranges
 * (a value not in [0, 1), a time that is not one), which would otherwise give parameters out of range.
 */
export const faultFromDraw = (scenario: Scenario, d: FaultDraw): FaultSpec => {
  throwProblems(drawProblems(d))
  const atSeconds = Math.round(d.atSeconds * 1000) / 1000
  const kind = pick(kindsFor(scenario), d.kind)
  const vm = scenario.vms.length === 0 ? undefined : pick(scenario.vms, d.target).name
  const ap = apNameOf(scenario, pickIndex(scenario.aps.length, d.target))
  // In passthrough and native, the one VM's card uses vMAC 0.
  const vmac = scenario.mode === "virtual-wifi" ? Math.min(scenario.card.vmacs - 1, Math.floor(d.target * Math.max(1, scenario.vms.length))) : 0
  switch (kind) {
    case "crash-driver":
    case "crash-nic":
      return { kind, atSeconds }
    case "crash-ap":
      return { kind, atSeconds, ap }
    case "crash-device-model":
    case "crash-guest-driver":
      return { kind, atSeconds, vm: vm! } // `kindsFor` offers VM faults only when there is a VM
    case "crash-vmac":
    case "hang-vmac":
      return { kind, atSeconds, vmac }
    case "interrupts":
      return { kind, atSeconds, action: pick(["drop", "duplicate", "delay"] as const, d.target), count: 1 + Math.floor(d.size * 8), delayMs: scale(d.size, 0.5, 20, 0.5) }
    case "ap-down":
      return { kind, atSeconds, ap, forSeconds: scale(d.size, 0.5, 5, 0.1) }
    case "ap-deauth": {
      // From an AP of the VM's own network, if it has one in the scenario.
      const own = scenario.aps.findIndex((a) => a.ssid === scenario.vms.find((v) => v.name === vm)?.ssid)
      return { kind, atSeconds, ap: own >= 0 ? apNameOf(scenario, own) : ap, vm: vm! }
    }
    case "channel-loss":
      return { kind, atSeconds, lossPercent: d.size < 0.5 ? 100 : scale(d.size, 30, 95, 5), forSeconds: scale(d.target, 0.1, 2, 0.1) }
    case "command-storm":
      return { kind, atSeconds, vm: vm!, commands: 10 + Math.floor(d.size * 490) }
    case "guest-reboot":
      return { kind, atSeconds, vm: vm!, downSeconds: scale(d.size, 0, 2, 0.1) }
    case "mailbox-flood": {
      // A VM's mailboxes only when there is a VM; the host driver's only in Virtual WiFi.
      const targets = vm === undefined
        ? scenario.mode === "virtual-wifi" ? (["driver", "nic"] as const) : (["nic"] as const)
        : scenario.mode === "virtual-wifi" ? (["driver", "device-model", "guest", "nic"] as const) : (["guest", "nic"] as const)
      const target = pick(targets, d.size)
      return target === "driver" || target === "nic" ? { kind, atSeconds, target } : { kind, atSeconds, target, vm: vm! }
    }
  }
}

export { MAX_GENERATED_FAULTS } from "../run/RunOptionsCheck.ts"

export interface GenerateOptions {
  readonly seed: number
  /** Mean faults per simulated minute (a Poisson process). */
  readonly perMinute: number
  readonly fromSeconds: number
  readonly untilSeconds: number
}

/** What is wrong with `options` (every problem), before a schedule is drawn. */
export const generateProblems = (options: GenerateOptions): Array<OptionProblem> => {
  const problems = seedProblems(options.seed)
  const rate = faultRateProblem(options.perMinute)
  if (rate !== undefined) problems.push({ option: "perMinute", message: rate })
  const { fromSeconds: from, untilSeconds: until } = options
  if (!(Number.isFinite(from) && Number.isFinite(until) && from >= 0 && from <= until && until <= MAX_DURATION_SECONDS)) {
    problems.push({ option: "fromSeconds, untilSeconds", message: `must be times from 0 to ${MAX_DURATION_SECONDS} s, the first no later than the second, got ${from} and ${until}` })
  } else if (rate === undefined && (options.perMinute * (until - from)) / 60 > MAX_GENERATED_FAULTS) {
    problems.push({ option: "perMinute", message: `${options.perMinute} a minute for ${until - from} s would draw about ${Math.round((options.perMinute * (until - from)) / 60)} faults; a schedule holds at most ${MAX_GENERATED_FAULTS}` })
  }
  return problems
}

/**
 * A fault schedule for `scenario` between two times, from a seed and a rate. Pure: same inputs, same
 * schedule. Throws `RunOptionsError` (every problem of `generateProblems`) for options it cannot draw
 * from: a seed that is not one, a rate outside 0 to 600 a minute, times that are not an interval, or
 * a schedule longer than `MAX_GENERATED_FAULTS`.
 */
export const generateFaults = (scenario: Scenario, options: GenerateOptions): Array<FaultSpec> => {
  throwProblems(generateProblems(options))
  const random = Prng.forStream(options.seed, "fault-plan") // the run seed's own stream for fault plans
  const faults: Array<FaultSpec> = []
  if (options.perMinute <= 0 || kindsFor(scenario).length === 0) return faults
  let t = options.fromSeconds
  while (true) {
    t += random.nextExponential(60 / options.perMinute)
    if (t >= options.untilSeconds) return faults
    if (faults.length === MAX_GENERATED_FAULTS) {
      // A mean just under the cap can still draw past it: refused, not cut short.
      throw new RunOptionsError({ problems: [{ option: "perMinute", message: `drew more than the ${MAX_GENERATED_FAULTS} faults a schedule holds; lower the rate or the interval` }] })
    }
    faults.push(faultFromDraw(scenario, {
      atSeconds: wholeMsBefore(t, options.untilSeconds),
      kind: random.nextDoubleUnsafe(),
      target: random.nextDoubleUnsafe(),
      size: random.nextDoubleUnsafe()
    }))
  }
}
