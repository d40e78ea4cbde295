/**
 * The rate each rate control settles on, and the goodput it gets, against the AP's signal: one VM
 * sending saturated UDP up through virtual-wifi, 802.11g, 5 s (1 s warm-up), seed 1. Prints a
 * Markdown table (docs/model.md's "Rate control" section quotes it).
 *
 *   node scripts/rate-sweep.ts
 */
import * as Effect from "effect/Effect"
import { runScenario } from "../src/run/RunScenario.ts"
import { decodeScenario } from "../src/scenario/ScenarioLoad.ts"

const SIGNALS_DBM = [-45, -50, -55, -60, -65, -70, -75, -80, -85]
const ALGORITHMS = ["fixed", "arf", "aarf", "minstrel"] as const

const cell = (signalDbm: number, rateControl: string) =>
  Effect.gen(function*() {
    const scenario = yield* Effect.orDie(decodeScenario({
      durationSeconds: 5,
      card: { phy: { standard: "802.11g", rateMbps: 54 }, rateControl },
      aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", signalDbm, security: { kind: "open" } }],
      vms: [{ name: "vm1", ssid: "lab", traffic: [{ kind: "udp-tx" }] }]
    }))
    const report = yield* runScenario(scenario, { seed: 1 })
    const vm = report.vms[0]!
    return `${vm.rates.topRateMbps ?? "–"} / ${vm.uplinkMbps.toFixed(1)} / ${vm.rates.commands}`
  })

const main = Effect.gen(function*() {
  console.log(`| signal (dBm) | ${ALGORITHMS.join(" | ")} |`)
  console.log(`| --- | ${ALGORITHMS.map(() => "---").join(" | ")} |`)
  for (const s of SIGNALS_DBM) {
    const cells: Array<string> = []
    for (const a of ALGORITHMS) cells.push(yield* cell(s, a))
    console.log(`| ${s} | ${cells.join(" | ")} |`)
  }
})

Effect.runPromise(main)
