/**
 * How a dozing VM fetches what its AP buffered, legacy power save against U-APSD: the example
 * `examples/power-save.json` (three VMs: "mail", a slow UDP download; "chat", a ping every second;
 * "idle"), 10 s, seed 1, with every VM in legacy power save and then in U-APSD; for the downloading
 * VM, the data frames fetched while dozing per PS-Poll or per trigger, and the card's energy and the
 * pinging VM's round trip. Then two variants that leave more frames held per beacon: a listen
 * interval of 3 for every VM (the radio wakes for any VM's beacon, and each dozing vMAC reads its TIM
 * bit in it), and a 0.5 Mbit/s download with a 10 ms dynamic timeout (so that it dozes between
 * datagrams). Prints a Markdown table (docs/model.md's "Power save and energy" section quotes it).
 *
 *   node scripts/power-save-fetch.ts
 */
import { readFileSync } from "node:fs"
import * as Effect from "effect/Effect"
import { report } from "../src/run/RunScenario.ts"
import { runWorld } from "../src/run/RunWorld.ts"
import { decodeScenario } from "../src/scenario/ScenarioLoad.ts"
import * as Simulation from "../src/kernel/Simulation.ts"

const example = JSON.parse(readFileSync(new URL("../examples/power-save.json", import.meta.url), "utf8")) as {
  readonly vms: ReadonlyArray<{ readonly name: string; readonly powerSave: Record<string, unknown>; readonly traffic?: ReadonlyArray<unknown> }>
}

interface Variant {
  readonly label: string
  /** What changes in the power save of "mail" (`all`: of every VM), and "mail"'s download. */
  readonly powerSave: Record<string, unknown>
  readonly all: boolean
  readonly downlinkMbps: number
}

const VARIANTS: ReadonlyArray<Variant> = [
  { label: "0.05 Mbit/s (the example)", powerSave: {}, all: false, downlinkMbps: 0.05 },
  { label: "0.05 Mbit/s, every VM listen interval 3", powerSave: { listenInterval: 3 }, all: true, downlinkMbps: 0.05 },
  { label: "0.5 Mbit/s, dynamic timeout 10 ms", powerSave: { dynamicTimeoutMs: 10 }, all: false, downlinkMbps: 0.5 }
]

/** The example with every VM's power-save mode set to `mode`, and "mail" changed as `v` says. */
const scenarioOf = (mode: string, v: Variant) => ({
  ...example,
  vms: example.vms.map((vm) => ({
    ...vm,
    powerSave: { ...vm.powerSave, mode, ...(vm.name === "mail" || v.all ? v.powerSave : {}) },
    ...(vm.name === "mail" ? { traffic: [{ kind: "udp-rx", offeredMbps: v.downlinkMbps }] } : {})
  }))
})

const row = (mode: string, v: Variant) =>
  Effect.gen(function*() {
    const scenario = yield* Effect.orDie(decodeScenario(scenarioOf(mode, v)))
    const { value } = yield* runWorld(scenario, { seed: 1 }, (world) =>
      Effect.gen(function*() {
        yield* Simulation.sleep(scenario.durationSeconds * 1e9)
        const sim = yield* Simulation.Simulation
        const mail = world.vms.find((v) => v.name === "mail")!
        const fetches = world.aps[0]!.stats.powerSaveBy.get(mail.guest.driver().mac!) ?? { psPolls: 0, triggers: 0, fetched: 0 }
        return { fetches, r: report(world, sim.kernel.nowNs), dropped: world.ledger.dropped }
      }))
    const { fetches, r, dropped } = value
    const asks = fetches.psPolls + fetches.triggers
    const chat = r.vms.find((v) => v.name === "chat")!.ping
    const mail = r.vms.find((v) => v.name === "mail")!
    return `| ${v.label} | ${mode} | ${mail.rxFrames} | ${fetches.fetched} | ${fetches.psPolls} / ${fetches.triggers} | ` +
      `${(fetches.fetched / Math.max(1, asks)).toFixed(2)} | ${r.energy.cardJoules.toFixed(2)} | ${r.radio.sleepingPercent.toFixed(1)}% | ` +
      `${((chat.meanUs ?? 0) / 1e3).toFixed(2)} / ${((chat.p99Us ?? 0) / 1e3).toFixed(1)} | ${dropped} |`
  })

const main = Effect.gen(function*() {
  console.log("| download | mode | frames received | fetched while dozing | PS-Polls / triggers | fetched per PS-Poll or trigger | card energy (J) | radio asleep | ping mean / p99 (ms) | frames dropped |")
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
  for (const v of VARIANTS) for (const mode of ["legacy", "uapsd"]) console.log(yield* row(mode, v))
})

Effect.runPromise(main)
