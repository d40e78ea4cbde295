/** Finding an AP of a scenario by the name a fault gives it: its BSSID, or its SSID. */
import type { Scenario } from "./Scenario.ts"

/** Index of the AP whose BSSID is `name` (any case), else of the first AP whose SSID is `name`; −1 if none. */
export const apIndexOf = (scenario: Scenario, name: string): number => {
  const lower = name.toLowerCase()
  const byBssid = scenario.aps.findIndex((a) => a.bssid === lower)
  return byBssid >= 0 ? byBssid : scenario.aps.findIndex((a) => a.ssid === name)
}

/**
 * The name a fault gives the AP at `index`: its SSID when no other AP has it (the shorter, the one a
 * person writes), else its BSSID (a fault cannot name one AP of an ESS by the SSID they share).
 */
export const apNameOf = (scenario: Scenario, index: number): string => {
  const ap = scenario.aps[index]!
  return scenario.aps.some((a, i) => i !== index && a.ssid === ap.ssid) ? ap.bssid : ap.ssid
}
