/** The terminal form of a run's results. */
import { categories } from "../cpu/CpuCategory.ts"
import type { FaultsReport, RunReport } from "../report/RunReport.ts"
import { LIFECYCLE_KINDS } from "../scenario/FaultSchedule.ts"
import { STOPPED_OUTCOME } from "../run/RunScenario.ts"

const pad = (s: string, n: number): string => (s.length >= n ? s : s + " ".repeat(n - s.length))
const num = (x: number | null, digits = 1): string => (x === null ? "–" : x.toFixed(digits))

export const renderRunReport = (r: RunReport): string => {
  const lines: Array<string> = []
  const simulated = r.outcome === STOPPED_OUTCOME ? `${r.simulatedSeconds.toFixed(3)} s simulated (stopped early)` : `${r.simulatedSeconds} s simulated`
  lines.push(`${r.scenarioMode}: ${simulated} in ${r.wallSeconds.toFixed(2)} s, seed ${r.seed}, digest ${r.traceDigest}`)
  lines.push("")
  lines.push(`${pad("VM", 12)}${pad("state", 15)}${pad("ssid", 10)}${pad("tx", 9)}${pad("rx", 9)}${pad("up Mb/s", 9)}${pad("down Mb/s", 11)}${pad("ping median µs", 16)}rejections`)
  // The ping column is the median round trip, which one slow reply moves less than the mean (the JSON has both).
  for (const vm of r.vms) {
    lines.push(
      `${pad(vm.name, 12)}${pad(vm.state, 15)}${pad(vm.ssid, 10)}${pad(String(vm.txFrames), 9)}${pad(String(vm.rxFrames), 9)}` +
        `${pad(num(vm.uplinkMbps, 2), 9)}${pad(num(vm.downlinkMbps, 2), 11)}${pad(num(vm.ping.medianUs, 0), 16)}${vm.rejections}`
    )
  }
  lines.push(...renderLinks(r))
  lines.push(...renderAps(r))
  // Rate control (not "fixed"): the rate each VM's frames mostly went at, and the rate commands it cost.
  const adaptive = r.vms.filter((vm) => vm.rates.algorithm !== "fixed")
  if (adaptive.length > 0) {
    const each = adaptive.map((vm) => `${vm.name} ${num(vm.rates.topRateMbps)} Mb/s most, ${vm.rates.commands} rate commands`)
    lines.push(`rates (${adaptive[0]!.rates.algorithm}): ${each.join("; ")}`)
  }
  // The APs' own rate control, for what they sent their stations.
  const adaptiveAps = r.aps.filter((ap) => ap.rates.algorithm !== "fixed" && ap.rates.topRateMbps !== null)
  if (adaptiveAps.length > 0) {
    lines.push(`AP rates: ${adaptiveAps.map((ap) => `${ap.ssid} (${ap.rates.algorithm}) ${num(ap.rates.topRateMbps)} Mb/s most`).join("; ")}`)
  }
  lines.push("")
  lines.push(`driver: ${r.driver.scanRequests} scan requests → ${r.driver.physicalScans} physical scans, ${r.driver.scanCacheHits} from cache`)
  lines.push(`air: ${r.air.exchanges} exchanges, ${r.air.collisions} collisions, ${r.air.internalCollisions} internal collisions, ${r.air.retries} retries, ${num(r.air.busyPercent)}% busy`)
  const channels = Object.entries(r.radio.channelPercent).filter(([, p]) => p > 0).map(([c, p]) => `channel ${c} ${num(p)}%`)
  lines.push(`radio: ${[...channels, `retuning ${num(r.radio.switchingPercent, 2)}%`, `scanning ${num(r.radio.scanningPercent, 2)}%`, `asleep ${num(r.radio.sleepingPercent, 1)}%`].join(", ")}; ${r.radio.channelSwitches} switches`)
  const vmJoules = r.vms.map((v) => `${v.name} ${v.energyJoules === null ? "– (no vMAC)" : `${num(v.energyJoules, 3)} J`}`).join(", ")
  lines.push(`energy: card ${num(r.energy.cardJoules, 3)} J, ${num(r.energy.averageW, 3)} W on average${vmJoules === "" ? "" : `; ${vmJoules}`}`)
  lines.push(`CPU: ${num(100 * r.cpu.utilization)}% busy`)
  for (const c of categories) {
    const share = r.cpu.breakdown[c.id] ?? 0
    if (share > 0) lines.push(`  ${pad(c.label, 58)}${num(share, 2).padStart(7)}%`)
  }
  lines.push(`CPU by thread (${r.cpu.contextSwitches.count} context switches, ${num(r.cpu.contextSwitches.percent, 2)}%)`)
  for (const t of r.cpu.threads) lines.push(`  ${pad(t.name, 58)}${num(t.percent, 2).padStart(7)}%`)
  const vms = Object.entries(r.cpu.vms)
  if (vms.length > 0) lines.push(`CPU by VM: ${vms.map(([name, percent]) => `${name} ${num(percent, 2)}%`).join(", ")}`)
  lines.push(
    `frames: ${r.frames.created} created, ${r.frames.delivered} delivered, ${r.frames.dropped} dropped, ${r.frames.inFlight} in flight`
  )
  lines.push(renderInvariants(r.invariants))
  if (r.faults.injected > 0 || r.faults.recoveries > 0) lines.push(...renderFaults(r.faults))
  return lines.join("\n")
}

/** Each VM's AP and signal at the end, its roams, and its location service's accuracy (when it runs one). */
const renderLinks = (r: RunReport): Array<string> => {
  const lines: Array<string> = []
  for (const vm of r.vms) {
    if (vm.bssid === null) continue
    const roams = vm.roams === 0 ? "" : `, ${vm.roams} roam${vm.roams === 1 ? "" : "s"} (mean ${num(mean(vm.associations.filter((a) => a.via === "roam").map((a) => a.tookMs)), 0)} ms)`
    lines.push(`  ${pad(vm.name, 10)}AP ${vm.bssid} at ${num(vm.signalDbm)} dBm (SNR ${num(vm.snrDb)} dB)${roams}`)
    const l = vm.location
    if (l !== null) {
      lines.push(`  ${pad("", 10)}location: ${l.estimates} estimates, error mean ${num(l.meanErrorM)} m, median ${num(l.medianErrorM)} m, ` +
        `p90 ${num(l.p90ErrorM)} m; scans behind them ${num(l.meanScanAgeMs, 0)} ms old on average`)
    }
  }
  return lines.length === 0 ? [] : ["", "links at the end:", ...lines]
}

/** Each AP's side: what it granted and took back, and how fast its clock ran against the card's (its beacons' drift). */
const renderAps = (r: RunReport): Array<string> => {
  const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`
  const lines = r.aps.map((ap) => {
    const parts = [plural(ap.associations, "association")]
    if (ap.rejectedAssociations > 0) parts.push(`${ap.rejectedAssociations} refused`)
    if (ap.handshakeFailures > 0) parts.push(plural(ap.handshakeFailures, "failed handshake"))
    if (ap.kickouts > 0) parts.push(plural(ap.kickouts, "kickout"))
    if (ap.inactivityDisassociations > 0) parts.push(`${ap.inactivityDisassociations} disassociated inactive`)
    const drift = `${ap.clockDriftPpm >= 0 ? "+" : "−"}${num(Math.abs(ap.clockDriftPpm))} ppm`
    return `  ${pad(ap.ssid, 10)}${ap.bssid}  ${parts.join(", ")}; clock ${drift} against the card's`
  })
  return lines.length === 0 ? [] : ["", "APs:", ...lines]
}

const mean = (xs: ReadonlyArray<number>): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length)

export const renderInvariants = (inv: RunReport["invariants"]): string =>
  `invariants: isolation violations ${inv.isolationViolations} (frames ${inv.frameIsolation}, scans ${inv.scanIsolation}, ` +
  `DMA ${inv.dmaIsolation}, keys ${inv.keyIsolation}), cross-VM writes ${inv.crossVmWrites}, unaccounted frames ${inv.unaccountedFrames}, ` +
  `mapping inconsistencies ${inv.mappingInconsistencies}, CPU accounting error ${inv.cpuAccountingErrorNs} ns`

export const renderFaults = (f: FaultsReport): Array<string> => {
  // The schedule's VM lifecycle events (stop, start, scan, roam) are counted with the faults in the report; told apart here.
  const kinds = Object.entries(f.injectedByKind)
  const listed = (entries: ReadonlyArray<[string, number]>) => entries.map(([k, n]) => `${k} ${n}`).join(", ") || "none"
  const lifecycle = kinds.filter(([k]) => LIFECYCLE_KINDS.has(k))
  const faults = kinds.filter(([k]) => !LIFECYCLE_KINDS.has(k))
  const lines = [`faults: ${faults.reduce((n, [, c]) => n + c, 0)} injected (${listed(faults)})`]
  if (lifecycle.length > 0) lines.push(`VM lifecycle events: ${lifecycle.reduce((n, [, c]) => n + c, 0)} (${listed(lifecycle)})`)
  if (f.skipped > 0) lines.push(`schedule entries skipped: ${f.skipped} (${listed(Object.entries(f.skippedByReason))})`)
  lines.push(`recoveries: ${f.recoveries}`)
  for (const [what, r] of Object.entries(f.recoveriesByWhat)) {
    lines.push(`  ${pad(what, 24)}${String(r.count).padStart(6)}   mean ${num(r.meanMs, 1).padStart(9)} ms   max ${num(r.maxMs, 1).padStart(9)} ms`)
  }
  const restarts = Object.entries(f.actorRestarts)
  if (restarts.length > 0) lines.push(`actor restarts: ${restarts.map(([a, n]) => `${a} ${n}`).join(", ")}`)
  lines.push(`dead letters: ${f.deadLetters}`)
  return lines
}
