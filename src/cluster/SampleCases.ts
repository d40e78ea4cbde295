/**
 * A handful of fault cases drawn from a seed, to put a small campaign on a cluster without the
 * campaign command (the failover test, the throughput measurement in docs/cluster.md). Every case is
 * a valid `FaultCase`: its numbers stay inside the Schema's ranges.
 */
import { Prng } from "../kernel/Prng.ts"
import type { FaultCase } from "../fault/FaultCase.ts"

const TRAFFIC = ["ping", "udp-tx", "udp-rx", "tcp-tx", "tcp-rx"] as const

/** `count` cases from `seed`: the same seed gives the same cases. */
export const sampleFaultCases = (count: number, seed: number): ReadonlyArray<FaultCase> => {
  const prng = new Prng(seed)
  const between = (min: number, max: number) => min + prng.nextIntBelow(max - min + 1)
  return Array.from({ length: count }, (): FaultCase => ({
    seed: between(1, 1_000_000),
    mode: between(0, 3),
    vms: between(1, 4),
    aps: between(1, 4),
    traffic: Array.from({ length: 4 }, () => TRAFFIC[prng.nextIntBelow(TRAFFIC.length)]!),
    faults: Array.from({ length: between(1, 3) }, () => ({ atTenths: between(5, 80), kind: between(0, 999), target: between(0, 999), size: between(0, 999) }))
  }))
}
