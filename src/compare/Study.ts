/**
 * The paper's comparison as data: which groups run which workloads on which scenario. Pure: it
 * derives each run's scenario from the base scenario; `Compare.ts` runs them.
 */
import type { Scenario, TrafficSpec } from "../scenario/Scenario.ts"

/** A compared system: a mode and its switches. */
export interface Group {
  readonly id: string
  readonly label: string
  /** Column heading in the CPU table (≤ 11 characters). */
  readonly short: string
  readonly mode: Scenario["mode"]
  readonly switches: Scenario["switches"]
}

/** A benchmark of the seed's Chariot runs. */
export interface Workload {
  readonly id: "tcp-tx" | "tcp-rx" | "udp-tx" | "udp-rx" | "ping"
  readonly label: string
  readonly traffic: ReadonlyArray<TrafficSpec>
}

const unoptimized: Scenario["switches"] = {
  addressTranslation: "software",
  interruptCoalescing: { enabled: false, frames: 8, delayUs: 200, adaptive: true },
  fastDataPath: false
}

/**
 * Coalescing for the optimized groups: up to 16 events or 1 ms, held only under load (adaptive, see
 * `device-model/CoalescingPolicy.ts`). The window must exceed the time between TX completions
 * (≈ 0.3 ms per frame at 54 Mb/s) to batch anything; sparse traffic (a ping every 10 ms) is not held.
 */
const coalescing: Scenario["switches"]["interruptCoalescing"] = { enabled: true, frames: 16, delayUs: 1000, adaptive: true }

/** The id of the seed's optimized system: its two optimizations, IOMMU and coalescing in the device model. */
export const SEED_OPTIMIZED = "virtual-wifi-seed"

/**
 * The seed's three groups, its optimized system (IOMMU + interrupt coalescing in the device model;
 * fast data pass-through was its future work), then Virtual WiFi with each optimization alone and
 * with all three.
 */
export const groups: ReadonlyArray<Group> = [
  { id: "native", label: "Native", short: "native", mode: "native", switches: unoptimized },
  { id: "passthrough", label: "Passthrough", short: "passthru", mode: "passthrough", switches: unoptimized },
  { id: "virtual-wifi", label: "Virtual WiFi", short: "vwifi", mode: "virtual-wifi", switches: unoptimized },
  {
    id: SEED_OPTIMIZED,
    label: "Virtual WiFi + IOMMU + coalescing (seed)",
    short: "seed-opt",
    mode: "virtual-wifi",
    switches: { ...unoptimized, addressTranslation: "iommu", interruptCoalescing: coalescing }
  },
  {
    id: "virtual-wifi-iommu",
    label: "Virtual WiFi + IOMMU",
    short: "+iommu",
    mode: "virtual-wifi",
    switches: { ...unoptimized, addressTranslation: "iommu" }
  },
  {
    id: "virtual-wifi-coalescing",
    label: "Virtual WiFi + coalescing",
    short: "+coalesce",
    mode: "virtual-wifi",
    switches: { ...unoptimized, interruptCoalescing: coalescing }
  },
  {
    id: "virtual-wifi-fast-path",
    label: "Virtual WiFi + fast data path",
    short: "+fastpath",
    mode: "virtual-wifi",
    switches: { ...unoptimized, fastDataPath: true }
  },
  {
    id: "virtual-wifi-optimized",
    label: "Virtual WiFi + all three",
    short: "+all",
    mode: "virtual-wifi",
    switches: { addressTranslation: "iommu", interruptCoalescing: coalescing, fastDataPath: true }
  }
]

/**
 * The study's ping: 56 bytes (ping's default) every 10 ms. The seed gives neither; 10 ms is a modelling
 * choice, often enough for a tight mean in a 10 s run (900 samples after the warm-up) and sparse enough
 * that each echo finds the path idle.
 */
const STUDY_PING_INTERVAL_MS = 10
const STUDY_PING_PAYLOAD_BYTES = 56

export const workloads: ReadonlyArray<Workload> = [
  { id: "tcp-tx", label: "TCP TX (VM → endpoint)", traffic: [{ kind: "tcp-tx", offeredMbps: "saturate", payloadBytes: 1460 }] },
  { id: "tcp-rx", label: "TCP RX (endpoint → VM)", traffic: [{ kind: "tcp-rx", offeredMbps: "saturate", payloadBytes: 1460 }] },
  { id: "udp-tx", label: "UDP TX (VM → endpoint)", traffic: [{ kind: "udp-tx", offeredMbps: "saturate", payloadBytes: 1470 }] },
  { id: "udp-rx", label: "UDP RX (endpoint → VM)", traffic: [{ kind: "udp-rx", offeredMbps: "saturate", payloadBytes: 1470 }] },
  {
    id: "ping",
    label: `Ping (${STUDY_PING_PAYLOAD_BYTES} bytes every ${STUDY_PING_INTERVAL_MS} ms)`,
    traffic: [{ kind: "ping", intervalMs: STUDY_PING_INTERVAL_MS, payloadBytes: STUDY_PING_PAYLOAD_BYTES }]
  }
]

/** The scenario of one (group, workload) run: the base's first VM, alone, with that traffic. */
export const scenarioFor = (base: Scenario, group: Group, workload: Workload): Scenario => {
  const vm = base.vms[0]
  if (vm === undefined) throw new RangeError("the comparison needs a scenario with at least one VM")
  return { ...base, mode: group.mode, switches: group.switches, vms: [{ ...vm, traffic: workload.traffic }] }
}
