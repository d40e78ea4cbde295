/** The terminal's table of a run: each column says which figure it shows. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { renderRunReport } from "../../src/cli/RunTable.ts"
import { runScenario } from "../../src/run/RunScenario.ts"
import { decodeScenario } from "../../src/scenario/ScenarioLoad.ts"

describe("cli: the run table", () => {
  it.effect("the ping column is labelled as the median round trip it shows, not the mean", () =>
    Effect.gen(function*() {
      // A ping beside saturated UDP: queueing spreads the round trips, so mean and median differ.
      const scenario = yield* decodeScenario({
        durationSeconds: 3,
        vms: [{ name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-tx" }, { kind: "ping", intervalMs: 50 }] }]
      })
      const r = yield* runScenario(scenario, { seed: 1 })
      const ping = r.vms[0]!.ping
      assert.isNotNull(ping.medianUs)
      assert.notStrictEqual(ping.meanUs!.toFixed(0), ping.medianUs!.toFixed(0))
      const lines = renderRunReport(r).split("\n")
      const header = lines.find((l) => l.startsWith("VM "))!
      assert.include(header, "ping median µs")
      const row = lines.find((l) => l.startsWith("vm1 "))!
      const column = header.indexOf("ping median µs")
      assert.strictEqual(row.slice(column).split(/\s+/)[0], ping.medianUs!.toFixed(0))
    }))

  it.effect("a VM without a vMAC has no energy figure, and no unit is printed for it", () =>
    Effect.gen(function*() {
      const vm = (name: string) => ({ name, ssid: "lab", passphrase: "vwifi-lab-key" })
      const scenario = yield* decodeScenario({ durationSeconds: 2, card: { vmacs: 1 }, vms: [vm("a"), vm("b")] })
      const r = yield* runScenario(scenario, { seed: 1 })
      assert.isNull(r.vms[1]!.energyJoules)
      const energy = renderRunReport(r).split("\n").find((l) => l.startsWith("energy:"))!
      assert.match(energy, /a \d+\.\d{3} J, b – \(no vMAC\)$/)
    }))

  it.effect("each AP has a line: its associations, and its clock's drift against the card's, signed", () =>
    Effect.gen(function*() {
      const ap = (ssid: string, bssid: string, clockDriftPpm: number) => ({ ssid, bssid, channel: 6, clockDriftPpm })
      const scenario = yield* decodeScenario({
        durationSeconds: 2,
        aps: [ap("lab", "02:00:00:00:01:00", 12.25), ap("guest", "02:00:00:00:01:01", -40)],
        vms: [{ name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key" }]
      })
      const lines = renderRunReport(yield* runScenario(scenario, { seed: 1 })).split("\n")
      const at = lines.indexOf("APs:")
      assert.isAbove(at, 0)
      assert.strictEqual(lines[at + 1], "  lab       02:00:00:00:01:00  1 association; clock +12.3 ppm against the card's")
      assert.strictEqual(lines[at + 2], "  guest     02:00:00:00:01:01  0 associations; clock −40.0 ppm against the card's")
    }))
})
