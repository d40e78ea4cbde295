/**
 * Settings a scenario gives that would change nothing: a field the model accepts must do something.
 * A value equal to its default is never reported (an encoded scenario writes every field).
 *
 * - `inertSettingProblems`: settings that do nothing whatever command runs the scenario (a walk at
 *   0 m/s, a loss of 0%, power-save parameters with power save off, radio-environment settings when
 *   no AP has a position): refused, as every other problem of a scenario, naming the field.
 * - `inertSettingNotes`: settings that do nothing in this scenario's mode or PHY but matter to a
 *   command that varies them (`compare` runs every mode and turns each switch on, `sweep-rate` every
 *   PHY): `vwifi run` says so on stderr and runs.
 */
import * as Schema from "effect/Schema"
import type { ScenarioProblem } from "./ScenarioCheck.ts"
import { IRQ_DELAY_DEFAULT_MS } from "./FaultSchedule.ts"
import { Scenario } from "./Scenario.ts"

/** Every default, from the schema itself: the built-in scenario (one AP, one VM), every field left out. */
const defaults = Schema.decodeUnknownSync(Scenario)({})
const defaultVm = defaults.vms[0]!
const defaultAp = defaults.aps[0]!

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/** Fields of `given` whose values differ from `base`'s, among `keys`. */
const changed = <A extends object>(given: A, base: A, keys: ReadonlyArray<keyof A & string>): Array<keyof A & string> =>
  keys.filter((k) => !sameJson(given[k], base[k]))

/** Settings that change nothing in any command: each one a problem at its field. */
export const inertSettingProblems = (s: Scenario): ReadonlyArray<ScenarioProblem> => {
  const problems: Array<ScenarioProblem> = []
  const walk = s.host.walk
  if (walk.waypoints.length > 0 && walk.speedMps === 0) {
    problems.push({ path: "host.walk.speedMps", message: "at 0 m/s the host never leaves its position: give a speed above 0, or no waypoints" })
  }

  // Positions, powers and propagation give the signal of an AP with a position only.
  if (!s.aps.some((ap) => ap.position !== undefined)) {
    const unplaced = "does nothing: no AP has a position (each has a fixed signalDbm), so no signal depends on it; give an AP a position, or leave it out"
    if (!sameJson(s.host.position, defaults.host.position)) problems.push({ path: "host.position", message: `the host's position ${unplaced}` })
    for (const k of changed(walk, defaults.host.walk, ["waypoints", "speedMps", "loop"])) problems.push({ path: `host.walk.${k}`, message: `the host's walk ${unplaced}` })
    for (const k of changed(s.environment, defaults.environment, Object.keys(defaults.environment) as Array<keyof Scenario["environment"] & string>)) {
      problems.push({ path: `environment.${k}`, message: `the propagation model ${unplaced}` })
    }
    if (s.card.txPowerDbm !== defaults.card.txPowerDbm) problems.push({ path: "card.txPowerDbm", message: `the card's transmit power ${unplaced}` })
  }
  s.aps.forEach((ap, i) => {
    if (ap.position === undefined && ap.txPowerDbm !== defaultAp.txPowerDbm) {
      problems.push({ path: `aps[${i}].txPowerDbm`, message: "an AP's transmit power gives its signal only when it has a position; this one has a fixed signalDbm" })
    }
  })
  if (s.environment.fading !== "ricean" && s.environment.riceanKDb !== defaults.environment.riceanKDb) {
    problems.push({ path: "environment.riceanKDb", message: `the K-factor is used by fading "ricean" only; fading is "${s.environment.fading}"` })
  }

  s.vms.forEach((vm, i) => {
    const ps = vm.powerSave
    if (ps.mode === "off") {
      for (const k of changed(ps, defaultVm.powerSave, ["listenInterval", "dynamicTimeoutMs", "maxSpLength"])) {
        problems.push({ path: `vms[${i}].powerSave.${k}`, message: `power save is off (powerSave.mode "off"), so ${k} does nothing: set a mode, or leave it out` })
      }
    } else if (ps.mode === "legacy" && ps.maxSpLength !== defaultVm.powerSave.maxSpLength) {
      problems.push({ path: `vms[${i}].powerSave.maxSpLength`, message: "a service period's length is U-APSD's (powerSave.mode \"uapsd\"); legacy power save fetches one frame per PS-Poll" })
    }
    if (!vm.roaming.enabled) {
      for (const k of changed(vm.roaming, defaultVm.roaming, ["thresholdDbm", "shortIntervalS", "longIntervalS"])) {
        problems.push({ path: `vms[${i}].roaming.${k}`, message: `roaming is off (roaming.enabled false), so ${k} does nothing: enable it, or leave it out` })
      }
    }
  })

  s.faults.forEach((f, i) => {
    if (f.kind === "channel-loss" && f.lossPercent === 0) {
      problems.push({ path: `faults[${i}].lossPercent`, message: "a loss of 0% changes nothing: give more than 0 (100: an outage)" })
    }
  })
  return problems
}

/** Settings that change nothing in this scenario's own mode and PHY, for `vwifi run` to point out. */
export const inertSettingNotes = (s: Scenario): ReadonlyArray<string> => {
  const notes: Array<string> = []
  if (s.mode !== "virtual-wifi" && s.driver.scanCacheAgeMs !== defaults.driver.scanCacheAgeMs) {
    notes.push(`driver.scanCacheAgeMs is the augmented host driver's (mode "virtual-wifi"); in mode "${s.mode}" it does nothing`)
  }
  if (s.card.phy.standard === "802.11g") {
    for (const k of changed(s.card, defaults.card, ["ampduFramesMax", "ampduTimeLimitUs"])) notes.push(`card.${k} is 802.11n's (A-MPDU); on 802.11g it does nothing`)
    s.aps.forEach((ap, i) => {
      if (ap.blockAckWindow !== defaultAp.blockAckWindow) notes.push(`aps[${i}].blockAckWindow is 802.11n's (Block Ack); on 802.11g it does nothing`)
    })
  }
  const ic = s.switches.interruptCoalescing
  if (!ic.enabled) {
    for (const k of changed(ic, defaults.switches.interruptCoalescing, ["frames", "delayUs", "adaptive"])) {
      notes.push(`switches.interruptCoalescing.${k} does nothing while coalescing is off (enabled false); compare's coalescing runs use it`)
    }
  }
  s.faults.forEach((f, i) => {
    if (f.kind === "interrupts" && f.action !== "delay" && f.delayMs !== IRQ_DELAY_DEFAULT_MS) {
      notes.push(`faults[${i}].delayMs is used by action "delay" only; this fault's action is "${f.action}"`)
    }
  })
  return notes
}
