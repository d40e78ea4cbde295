/** The measurement the calibration fits: one TCP TX run of a group, as Table 1 was measured (Chariot TX). */
import { Effect, Exit } from "effect"
import { ActorSystem } from "../actor/ActorSystem.ts"
import * as Simulation from "../kernel/Simulation.ts"
import { build } from "../model/Model.ts"
import type { Scenario } from "../scenario/Scenario.ts"
import type { CostTable } from "./CostTable.ts"
import type { CpuSnapshot } from "./CpuCore.ts"
import type { Table1Group } from "./Table1.ts"

/** The seed's prototype: software translation, no coalescing, no fast path, one VM sending TCP. */
export const tcpTxScenario = (base: Scenario, group: Table1Group): Scenario => ({
  ...base,
  mode: group,
  switches: { addressTranslation: "software", interruptCoalescing: { ...base.switches.interruptCoalescing, enabled: false }, fastDataPath: false },
  vms: [{ ...base.vms[0]!, traffic: [{ kind: "tcp-tx", offeredMbps: "saturate", payloadBytes: 1460 }] }]
})

export const measureTcpTx = (scenario: Scenario, costs: CostTable, seed: number, durationNs: number): Effect.Effect<CpuSnapshot> =>
  Effect.flatMap(
    Simulation.run(
      Effect.gen(function*() {
        const world = yield* build(scenario, { costs })
        yield* Simulation.sleep(durationNs)
        return world.cpu.snapshot()
      }).pipe(Effect.provide(ActorSystem.layer)),
      { seed }
    ),
    ({ exit, stats }) => (Exit.isSuccess(exit) ? Effect.succeed(exit.value) : Effect.die(new Error(`calibration run ended ${stats.outcome}`)))
  )
