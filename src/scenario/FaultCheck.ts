/**
 * Cross-field checks of a scenario's fault schedule: every target must exist, and every fault must
 * make sense in the scenario's mode. Pure, like `checkScenario`, which calls it.
 */
import type { Scenario } from "./Scenario.ts"
import { apChannel } from "./Scenario.ts"
import { MAX_HOSTILE_WRITES } from "./FaultSchedule.ts"
import { MAX_OFDM_24GHZ_CHANNEL } from "./Bands.ts"

export interface FaultProblem {
  readonly path: string
  readonly message: string
}

const quoteList = (items: ReadonlyArray<string>): string => items.map((s) => JSON.stringify(s)).join(", ")

export const checkFaults = (s: Scenario): ReadonlyArray<FaultProblem> => {
  const problems: Array<FaultProblem> = []
  const vmNames = s.vms.map((vm) => vm.name)
  const ssids = s.aps.map((ap) => ap.ssid)
  const virtual = s.mode === "virtual-wifi"
  s.faults.forEach((f, i) => {
    const path = (field: string) => `faults[${i}].${field}`
    const needVm = (name: string | undefined, field = "vm") => {
      if (name === undefined) problems.push({ path: path(field), message: `${f.kind} needs a VM: give "${field}"` })
      else if (!vmNames.includes(name)) problems.push({ path: path(field), message: `no VM is named ${JSON.stringify(name)}; VMs: ${quoteList(vmNames)}` })
    }
    const needAp = (name: string, field: string) => {
      if (s.aps.some((ap) => ap.bssid === name.toLowerCase())) return
      const named = ssids.filter((ssid) => ssid === name).length
      if (named === 0) problems.push({ path: path(field), message: `no AP has SSID or BSSID ${JSON.stringify(name)}; known SSIDs: ${quoteList(ssids)}` })
      else if (named > 1 && field === "ap") {
        problems.push({ path: path(field), message: `${named} APs have SSID ${JSON.stringify(name)} (one ESS): name the one meant by its BSSID` })
      }
    }
    const needVirtual = (what: string) => {
      if (!virtual) problems.push({ path: path("kind"), message: `${f.kind}: ${what} exists only in mode "virtual-wifi" (this scenario is "${s.mode}")` })
    }
    if (f.atSeconds >= s.durationSeconds) {
      problems.push({ path: path("atSeconds"), message: `${f.atSeconds} s is not before the end of the run (durationSeconds ${s.durationSeconds})` })
    }
    switch (f.kind) {
      case "crash-driver":
        needVirtual("the augmented host driver")
        break
      case "crash-device-model":
        needVirtual("a device model")
        needVm(f.vm)
        break
      case "crash-guest-driver":
      case "command-storm":
      case "guest-reboot":
      case "vm-stop":
      case "vm-start":
      case "vm-scan":
        needVm(f.vm)
        break
      case "hostile-guest":
        needVm(f.vm)
        if (f.ratePerSecond * f.forSeconds > MAX_HOSTILE_WRITES) {
          problems.push({
            path: path("forSeconds"),
            message: `${f.ratePerSecond} commands a second for ${f.forSeconds} s is ${Math.round(f.ratePerSecond * f.forSeconds)} writes; ` +
              `one hostile-guest entry writes at most ${MAX_HOSTILE_WRITES} (split it, or lower ratePerSecond)`
          })
        }
        if (s.mode === "native" && (f.attack === "dma-out-of-range" || f.attack === "bad-length")) {
          problems.push({ path: path("attack"), message: `"${f.attack}" attacks a VM's memory bounds, and mode "native" has no VM: the host may DMA anywhere` })
        }
        break
      case "vm-roam": {
        needVm(f.vm)
        needAp(f.ssid, "ssid")
        // As for a VM's own network: a roam to an SSID no scan can find would scan forever.
        const channels = s.aps.filter((ap) => ap.ssid === f.ssid).map((ap) => apChannel(s, ap))
        if (channels.length > 0 && !channels.some((c) => s.driver.scanChannels.includes(c))) {
          problems.push({
            path: path("ssid"),
            message: `${JSON.stringify(f.ssid)} is on channel ${[...new Set(channels)].join(", ")}, which driver.scanChannels ` +
              `[${s.driver.scanChannels.join(", ")}] does not visit, so the VM could never find it: add the channel to driver.scanChannels`
          })
        }
        break
      }
      case "crash-vmac":
      case "hang-vmac":
        if (f.vmac >= s.card.vmacs) problems.push({ path: path("vmac"), message: `the card has ${s.card.vmacs} vMACs (0..${s.card.vmacs - 1}); got ${f.vmac}` })
        break
      case "ap-down":
      case "crash-ap":
        needAp(f.ap, "ap")
        break
      case "ap-deauth":
        needAp(f.ap, "ap")
        needVm(f.vm)
        break
      case "mailbox-flood":
        if (f.target === "driver") needVirtual("the augmented host driver")
        if (f.target === "device-model") needVirtual("a device model")
        if (f.target === "device-model" || f.target === "guest") needVm(f.vm)
        else if (f.vm !== undefined) problems.push({ path: path("vm"), message: `a ${f.target} flood names no VM: remove "vm"` })
        break
      case "channel-loss": {
        if (f.channel === undefined) break
        // Loss where no radio goes would be counted as injected and change nothing.
        const used = new Set([s.card.channel, ...s.driver.scanChannels, ...s.aps.map((ap) => apChannel(s, ap))])
        if (s.card.phy.standard === "802.11g" && f.channel > MAX_OFDM_24GHZ_CHANNEL) {
          problems.push({ path: path("channel"), message: `802.11g runs only in the 2.4 GHz band (channels 1..${MAX_OFDM_24GHZ_CHANNEL}), got channel ${f.channel}` })
        } else if (!used.has(f.channel)) {
          problems.push({
            path: path("channel"),
            message: `no AP is on channel ${f.channel} and the card never tunes to it (card.channel, driver.scanChannels), ` +
              `so the loss would change nothing; channels in use: ${[...used].sort((a, b) => a - b).join(", ")}`
          })
        }
        break
      }
      case "interrupts":
      case "crash-nic":
        break
    }
  })
  return problems
}
