/**
 * What a campaign's cases ran with beyond the plain setup (802.11g, WMM, a fixed rate, no power
 * save, WPA2, no switches, round-robin, strong fixed signals, an SSID per AP, beacon phases drawn, no
 * fading, one beacon interval per channel, no location service, UDP at 1 Mb/s, 4 vMACs, power save's
 * default timing, 100 TU beacon intervals, BlockAck windows of 64, a wire of 100 µs), read off each
 * case's scenario: the summary counts the cases per feature, so a campaign shows what it exercised.
 */
import type { Scenario } from "../scenario/Scenario.ts"
import { DEFAULT_AP_SIGNAL_DBM, DEFAULT_BLOCK_ACK_WINDOW, DEFAULT_CHANNEL_DWELL_MS, DEFAULT_VMACS, DEFAULT_WIRED_LATENCY_US } from "../scenario/Scenario.ts"
import { DYNAMIC_PS_TIMEOUT_MS_DEFAULT } from "../scenario/PowerSaveSpec.ts"

/** The features of `s` beyond the plain setup, by name (each once). */
export const scenarioFeatures = (s: Scenario): Array<string> => {
  const out: Array<string> = []
  const phy = s.card.phy
  if (phy.standard === "802.11n") out.push(`802.11n HT${phy.channelWidthMhz}`)
  if (!s.card.qos) out.push("DCF (no WMM)")
  if (s.card.rateControl !== "fixed") out.push(s.card.rateControl)
  for (const mode of ["legacy", "uapsd"] as const) {
    if (s.vms.some((v) => v.powerSave.mode === mode)) out.push(mode === "legacy" ? "legacy power save" : "U-APSD")
  }
  const dozing = s.vms.filter((v) => v.powerSave.mode !== "off").map((v) => v.powerSave)
  const listen = Math.max(1, ...dozing.map((p) => p.listenInterval))
  if (listen > 1) out.push(`listen interval ${listen}`)
  const timeout = Math.min(DYNAMIC_PS_TIMEOUT_MS_DEFAULT, ...dozing.map((p) => p.dynamicTimeoutMs))
  if (timeout < DYNAMIC_PS_TIMEOUT_MS_DEFAULT) out.push(`dynamic timeout ${timeout} ms`)
  const sp = Math.max(0, ...dozing.filter((p) => p.mode === "uapsd").map((p) => p.maxSpLength))
  if (sp > 0) out.push(`service periods of ${sp}`)
  if (s.aps.some((a) => a.security.kind === "open")) out.push("open")
  if (s.switches.addressTranslation === "iommu") out.push("IOMMU")
  if (s.switches.interruptCoalescing.enabled) out.push("interrupt coalescing")
  if (s.switches.fastDataPath) out.push("fast data path")
  if (s.card.txScheduler === "fifo") out.push("fifo")
  if (s.aps.some((a) => a.signalDbm !== undefined && a.signalDbm < DEFAULT_AP_SIGNAL_DBM)) out.push("weak signal")
  if (s.aps.some((a) => a.position !== undefined)) out.push("placed APs")
  if (s.host.walk.waypoints.length > 0) out.push("walking host")
  if (s.environment.fading !== "none" && s.aps.some((a) => a.position !== undefined)) out.push(`${s.environment.fading === "rayleigh" ? "Rayleigh" : "Ricean"} fading`)
  if (s.card.channelDwellMs !== DEFAULT_CHANNEL_DWELL_MS) out.push(`dwell ${s.card.channelDwellMs} ms`)
  if (s.vms.some((v) => v.traffic.some((t) => t.kind === "locate"))) out.push("location scans")
  if (s.mode === "virtual-wifi" && s.card.vmacs === s.vms.length && s.vms.length < DEFAULT_VMACS) out.push("a vMAC per VM")
  if (s.vms.some((v) => v.traffic.some((t) => (t.kind === "udp-tx" || t.kind === "udp-rx") && t.offeredMbps === "saturate"))) out.push("saturating UDP")
  if (new Set(s.aps.map((a) => a.beaconIntervalTu)).size > 1) out.push("mixed beacon intervals")
  if (phy.standard === "802.11n") {
    const window = Math.min(...s.aps.map((a) => a.blockAckWindow))
    if (window < DEFAULT_BLOCK_ACK_WINDOW) out.push(`BlockAck window ${window}`)
  }
  const wire = Math.max(...s.aps.map((a) => a.endpoint.wiredLatencyUs))
  if (wire > DEFAULT_WIRED_LATENCY_US) out.push(`${wire / 1000} ms wire`)
  if (new Set(s.aps.map((a) => a.ssid)).size < s.aps.length) out.push("ESS")
  // Every AP's first beacon in the run's first millisecond (`CaseSetup.beacons` 1).
  if (s.aps.every((a) => a.tbttOffsetUs !== undefined && a.tbttOffsetUs < 1_000)) out.push("beacons in step")
  return out
}
