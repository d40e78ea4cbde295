/** The measurement the calibration fits: one TCP TX run of a group, as Table 1 was measured (Chariot TX). */
import * as Effect from "effect/Effect"
import * as Simulation from "../kernel/Simulation.ts"
import { runWorld } from "./RunWorld.ts"
import type { Scenario } from "../scenario/Scenario.ts"
import type { CostTable } from "../cpu/CostTable.ts"
import type { CpuSnapshot } from "../cpu/CpuCore.ts"
import { cpuSince } from "../cpu/CpuWindow.ts"
import type { Table1Group } from "../cpu/Table1.ts"

/** The seed's prototype: software translation, no coalescing, no fast path, one VM sending TCP. */
export const tcpTxScenario = (base: Scenario, group: Table1Group): Scenario => ({
  ...base,
  mode: group,
  switches: { addressTranslation: "software", interruptCoalescing: { ...base.switches.interruptCoalescing, enabled: false }, fastDataPath: false },
  vms: [{ ...base.vms[0]!, traffic: [{ kind: "tcp-tx", offeredMbps: "saturate", payloadBytes: 1460 }] }]
})

/**
 * The core's accounting of a run of `durationNs`, after the scenario's warm-up (the join and first
 * scans), as Table 1 was measured on a steady transfer and as a run's report measures it.
 */
export const measureTcpTx = (scenario: Scenario, costs: CostTable, seed: number, durationNs: number): Effect.Effect<CpuSnapshot> =>
  Effect.map(
    runWorld(scenario, { seed, costs }, (world) =>
      Effect.map(Simulation.sleep(durationNs), () => {
        // From the world's own mark at the warm-up's end, as a run's report measures.
        return cpuSince(world.warmup.cpu, world.cpu.snapshot())
      })),
    ({ value }) => value
  )
