/**
 * A scenario field the model accepts must do something: a setting that would change nothing in any
 * command is refused at its field; one that changes nothing in the scenario's own mode or PHY (but
 * matters to `compare` or `sweep-rate`, which vary them) is a note for `vwifi run`. A setting equal
 * to its default is never either, so an encoded scenario (every field written) decodes again.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Exit from "effect/Exit"
import { inertSettingNotes } from "../../src/scenario/InertSettings.ts"
import * as examples from "../../src/scenario/examples.ts"
import { decodeScenario, defaultScenario, encodeScenario } from "../../src/scenario/ScenarioLoad.ts"
import type { ScenarioProblem } from "../../src/scenario/ScenarioLoad.ts"

const AP = { ssid: "lab", bssid: "02:00:00:00:01:00" }
const VM = { name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key" }

const problemsOf = (input: unknown): ReadonlyArray<ScenarioProblem> => {
  const exit = Effect.runSyncExit(decodeScenario(input))
  return Exit.isFailure(exit) && exit.cause.reasons[0]?._tag === "Fail" ? (exit.cause.reasons[0].error as { problems: ReadonlyArray<ScenarioProblem> }).problems : []
}
const pathsOf = (input: unknown): Array<string> => problemsOf(input).map((p) => p.path)
const decoded = (input: unknown) => Effect.runSync(decodeScenario(input))

describe("scenario: settings that would change nothing", () => {
  it("are refused at their field when no command could use them", () => {
    assert.deepStrictEqual(pathsOf({ aps: [{ ...AP, position: { x: 0, y: 0 } }], host: { walk: { waypoints: [{ x: 60, y: 0 }], speedMps: 0 } } }), ["host.walk.speedMps"])
    assert.deepStrictEqual(pathsOf({ faults: [{ kind: "channel-loss", atSeconds: 1, forSeconds: 0.5, lossPercent: 0 }] }), ["faults[0].lossPercent"])
    assert.deepStrictEqual(
      pathsOf({ vms: [{ ...VM, powerSave: { mode: "off", listenInterval: 5, dynamicTimeoutMs: 5 } }] }),
      ["vms[0].powerSave.listenInterval", "vms[0].powerSave.dynamicTimeoutMs"]
    )
    assert.deepStrictEqual(pathsOf({ vms: [{ ...VM, powerSave: { mode: "legacy", maxSpLength: 2 } }] }), ["vms[0].powerSave.maxSpLength"])
    assert.deepStrictEqual(pathsOf({ vms: [{ ...VM, roaming: { enabled: false, shortIntervalS: 1 } }] }), ["vms[0].roaming.shortIntervalS"])
    assert.deepStrictEqual(pathsOf({ aps: [{ ...AP, position: { x: 25, y: 0 } }], environment: { fading: "rayleigh", riceanKDb: 25 } }), ["environment.riceanKDb"])
  })

  it("refuses the radio environment's settings when no AP has a position: every signal is a fixed level", () => {
    const problems = problemsOf({
      host: { position: { x: 500, y: 500 }, walk: { waypoints: [{ x: 5, y: 0 }] } },
      environment: { fading: "rayleigh", exponentBeyondBreakpoint: 6 },
      card: { txPowerDbm: 0 },
      aps: [{ ...AP, txPowerDbm: 0 }]
    })
    assert.deepStrictEqual(problems.map((p) => p.path), [
      "host.position", "host.walk.waypoints", "environment.exponentBeyondBreakpoint", "environment.fading", "card.txPowerDbm", "aps[0].txPowerDbm"
    ])
    assert.include(problems[0]!.message, "no AP has a position")
    // The same settings with an AP placed are the model's input.
    assert.deepStrictEqual(pathsOf({
      host: { position: { x: 5, y: 5 }, walk: { waypoints: [{ x: 5, y: 0 }] } },
      environment: { fading: "rayleigh", exponentBeyondBreakpoint: 6 },
      card: { txPowerDbm: 0 },
      aps: [{ ...AP, position: { x: 0, y: 0 }, txPowerDbm: 0 }]
    }), [])
  })

  it("accepts a setting written at its default, so every encoded scenario decodes again", () => {
    assert.deepStrictEqual(pathsOf({ vms: [{ ...VM, powerSave: { mode: "off", listenInterval: 1 } }], host: { position: { x: 0, y: 0 } } }), [])
    for (const [name, input] of Object.entries(examples)) {
      if (typeof input !== "object" || input === null) continue
      const s = decoded(input)
      assert.deepStrictEqual(decoded(encodeScenario(s)), s, name)
    }
  })

  it("notes, for vwifi run, a setting of another mode or PHY that compare or sweep-rate would use", () => {
    assert.deepStrictEqual(inertSettingNotes(defaultScenario), [])
    const notes = inertSettingNotes(decoded({
      mode: "passthrough",
      driver: { scanCacheAgeMs: 0 },
      card: { ampduFramesMax: 4 },
      aps: [{ ...AP, blockAckWindow: 8 }],
      switches: { interruptCoalescing: { enabled: false, frames: 2 } },
      faults: [{ kind: "interrupts", atSeconds: 1, action: "drop", delayMs: 500 }]
    }))
    assert.deepStrictEqual(notes.map((n) => n.split(" ")[0]), [
      "driver.scanCacheAgeMs", "card.ampduFramesMax", "aps[0].blockAckWindow", "switches.interruptCoalescing.frames", "faults[0].delayMs"
    ])
  })
})
