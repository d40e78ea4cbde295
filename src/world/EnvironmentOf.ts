/** The radio environment and the VMs' roaming policies a scenario describes (`environment/`, `guest/Roaming.ts`). */
import { Walk } from "../environment/Mobility.ts"
import { HOST_NODE, RadioEnvironment } from "../environment/RadioEnvironment.ts"
import type { EnvironmentNode } from "../environment/RadioEnvironment.ts"
import type { RoamingPolicy } from "../guest/Roaming.ts"
import type { Point } from "../environment/Geometry.ts"
import { TGN_D_BREAKPOINT_M, TGN_EXPONENT_BEYOND_BREAKPOINT } from "../environment/PathLoss.ts"
import { LocationService } from "../location/LocationService.ts"
import { macValue } from "../scenario/AddressPlan.ts"
import { DEFAULT_TX_POWER_DBM } from "../scenario/RadioEnvironmentSpec.ts"
import type { Prng } from "../kernel/Prng.ts"
import { DEFAULT_AP_SIGNAL_DBM } from "../scenario/Scenario.ts"
import type { Scenario, VmSpec } from "../scenario/Scenario.ts"

/** The environment node of AP `i` (the host is node 0). */
export const apNode = (i: number): number => HOST_NODE + 1 + i

/** The host's walk. */
export const walkOf = (scenario: Scenario): Walk =>
  new Walk({ start: scenario.host.position, waypoints: scenario.host.walk.waypoints, speedMps: scenario.host.walk.speedMps, loop: scenario.host.walk.loop })

/** The scenario's radio environment: the host, then each AP, placed or at its fixed level. */
export const radioEnvironmentOf = (scenario: Scenario, stream: (name: string) => Prng): RadioEnvironment => {
  const nodes: Array<EnvironmentNode> = [{ kind: "placed", position: scenario.host.position, txPowerDbm: scenario.card.txPowerDbm }]
  for (const ap of scenario.aps) {
    nodes.push(ap.position === undefined
      ? { kind: "fixed", signalDbm: ap.signalDbm ?? DEFAULT_AP_SIGNAL_DBM }
      : { kind: "placed", position: ap.position, txPowerDbm: ap.txPowerDbm })
  }
  const e = scenario.environment
  return new RadioEnvironment({
    pathLoss: { breakpointM: e.breakpointM, exponentBeyond: e.exponentBeyondBreakpoint },
    shadowingWithinDb: e.shadowingWithinBreakpointDb,
    shadowingBeyondDb: e.shadowingBeyondBreakpointDb,
    shadowingDecorrelationM: e.shadowingDecorrelationM,
    fading: e.fading,
    riceanK: 10 ** (e.riceanKDb / 10),
    noiseFloorDbm: scenario.card.noiseFloorDbm
  }, nodes, walkOf(scenario), stream)
}

/** A VM's roaming policy, or undefined when it does not roam. */
export const roamingPolicyOf = (vm: VmSpec): RoamingPolicy | undefined =>
  vm.roaming.enabled
    ? { thresholdDbm: vm.roaming.thresholdDbm, shortIntervalNs: vm.roaming.shortIntervalS * 1e9, longIntervalNs: vm.roaming.longIntervalS * 1e9 }
    : undefined

/**
 * A location service for a VM: its database holds every placed AP's position; it assumes the APs
 * send at the default transmit power and the TGn office model (it does not know the scenario's
 * actual powers, shadowing or fading).
 */
export const locationServiceOf = (scenario: Scenario): LocationService => {
  const database = new Map<number, Point>()
  for (const ap of scenario.aps) if (ap.position !== undefined) database.set(macValue(ap.bssid), ap.position)
  return new LocationService(database, {
    txPowerDbm: DEFAULT_TX_POWER_DBM,
    pathLoss: { breakpointM: TGN_D_BREAKPOINT_M, exponentBeyond: TGN_EXPONENT_BEYOND_BREAKPOINT }
  })
}
