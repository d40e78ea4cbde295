/**
 * A scenario's fault schedule: faults (and VM lifecycle events) at given simulated times. Each entry
 * is tagged by `kind`; targets are named the way the scenario names them (VM names, AP SSIDs, vMAC
 * indices). The injector (`fault/FaultInjector.ts`) carries them out; `fault/FaultPlan.ts` generates
 * schedules from a seed and a rate.
 */
import * as Schema from "effect/Schema"
import { MAX_DURATION_SECONDS } from "./InputBounds.ts"
import { Channel, defaulted, intBetween, numberBetween, positiveUpTo, Ssid, VmName } from "./SchemaParts.ts"

const at = numberBetween(0, MAX_DURATION_SECONDS).annotate({ description: "When it happens, in simulated seconds from the start." })
const vm = VmName.annotate({ description: "The VM, by name." })
const vmac = intBetween(0, 15).annotate({ description: "The vMAC, by index (0..card.vmacs-1)." })
const forSeconds = positiveUpTo(MAX_DURATION_SECONDS).annotate({ description: "How long it lasts, in simulated seconds." })

/** Commands one storm writes at most: a storm is one instant, and its commands are all queued at once. */
export const MAX_STORM_COMMANDS = 10_000
/** A hostile guest writes at most this many commands a simulated second (a VM exit each: about what one core can trap). */
export const MAX_HOSTILE_COMMANDS_PER_S = 100_000
/** Commands one hostile-guest entry writes at most, rate × duration. */
export const MAX_HOSTILE_WRITES = 1_000_000

/**
 * The attacks a hostile guest can make, each refused at the trust boundary: random bytes, a command
 * the card does not have, fields of the wrong type, another VM's vMAC, a rate index out of range, a
 * frame with another station's source address, DMA outside the VM's memory, a descriptor longer than
 * a frame, a doorbell for more descriptors than the ring holds.
 */
export const HOSTILE_ATTACKS = [
  "garbage", "unknown-tag", "wrong-types", "other-vmac", "rate-out-of-range", "spoofed-source", "dma-out-of-range", "bad-length", "short-ring"
] as const
export type HostileAttack = (typeof HOSTILE_ATTACKS)[number]

/** Junk messages one flood posts at most: about three times the largest mailbox (the card's, 2^16 = 65,536), enough to overfill any. */
export const MAX_FLOOD_MESSAGES = 200_000
/** Entries in a schedule at most (a 100-day soak of 16 VMs has about 800,000 lifecycle events). */
export const MAX_FAULTS = 1_000_000

const entry = <K extends string, F extends Schema.Struct.Fields>(kind: K, description: string, fields: F) =>
  Schema.Struct({ kind: Schema.Literal(kind).annotate({ description: `"${kind}": ${description}` }), atSeconds: at, ...fields }).annotate({ description })

export const CrashDriver = entry("crash-driver", "The augmented host driver crashes; its supervisor restarts it and it rebuilds its state from the card and its journal (virtual-wifi only).", {})
export const CrashDeviceModel = entry("crash-device-model", "A VM's device model crashes and is restarted (virtual-wifi only).", { vm })
export const CrashGuestDriver = entry("crash-guest-driver", "A guest's native WiFi driver crashes; the guest reloads it (probe, init, join).", { vm })
export const CrashVmac = entry("crash-vmac", "A vMAC's firmware crashes and reports it; the host driver resets that vMAC.", { vmac })
export const CrashNic = entry("crash-nic", "The card's firmware core (its radio and command routing) crashes and restarts; the card keeps its TX rings, receive ring and tuning (no frame is lost), a scan ends early.", {})
export const CrashAp = entry("crash-ap", "An AP crashes and reboots at once, forgetting its stations (each is deauthenticated when it next sends).", {
  ap: Ssid.annotate({ description: "The AP, by SSID, or by BSSID (\"02:00:00:00:01:00\") when several APs share the SSID." })
})
export const HangVmac = entry("hang-vmac", "A vMAC's firmware stops completing TX, silently, until reset; the driver's watchdog must notice.", { vmac })
/** An "interrupts" fault's delay when none is given, ms: a modelling choice (the seed gives none). */
export const IRQ_DELAY_DEFAULT_MS = 5
export const Interrupts = entry("interrupts", "The card's next `count` interrupts are dropped, duplicated or delayed.", {
  action: Schema.Literals(["drop", "duplicate", "delay"]).annotate({ description: "\"drop\", \"duplicate\" or \"delay\"." }),
  count: defaulted(intBetween(1, 100_000), 1, "How many interrupts in a row. Default 1."),
  delayMs: defaulted(numberBetween(0.001, 10_000), IRQ_DELAY_DEFAULT_MS, `For "delay": by how much, in ms. Default ${IRQ_DELAY_DEFAULT_MS}.`)
})
export const ApDown = entry("ap-down", "An AP disappears (powered off) and comes back after `forSeconds`.", {
  ap: Ssid.annotate({ description: "The AP, by SSID, or by BSSID (\"02:00:00:00:01:00\") when several APs share the SSID." }),
  forSeconds
})
export const ApDeauth = entry("ap-deauth", "An AP deauthenticates a VM's station.", {
  ap: Ssid.annotate({ description: "The AP, by SSID, or by BSSID (\"02:00:00:00:01:00\") when several APs share the SSID." }),
  vm
})
export const ChannelLoss = entry("channel-loss", "A burst of losses on a channel: every frame on it is lost with `lossPercent` % (100: an outage).", {
  channel: Schema.optionalKey(Channel).annotate({ description: "The channel (default: the card's home channel)." }),
  lossPercent: defaulted(numberBetween(0, 100), 100, "Extra frame loss, in percent. Default 100 (an outage)."),
  forSeconds
})
export const CommandStorm = entry("command-storm", "A guest writes a storm of hostile or malformed commands to its card.", {
  vm,
  commands: defaulted(
    intBetween(1, MAX_STORM_COMMANDS),
    200,
    `How many commands, 1..${MAX_STORM_COMMANDS} (all at one instant: a longer attack is a "hostile-guest"). Default 200.`
  )
})
export const HostileGuest = entry("hostile-guest", "A VM's guest turns hostile for `forSeconds`: it keeps writing `attack` commands to its card at `ratePerSecond`.", {
  vm,
  attack: defaulted(
    Schema.Literals(["mixed", ...HOSTILE_ATTACKS]),
    "mixed",
    `Which attack: ${HOSTILE_ATTACKS.map((a) => `"${a}"`).join(", ")}, or "mixed" (each write drawn from them all). Default "mixed".`
  ),
  ratePerSecond: defaulted(
    intBetween(1, MAX_HOSTILE_COMMANDS_PER_S),
    1000,
    `Commands written per simulated second, 1..${MAX_HOSTILE_COMMANDS_PER_S}; ratePerSecond × forSeconds at most ${MAX_HOSTILE_WRITES}. Default 1000.`
  ),
  forSeconds
})
export const GuestReboot = entry("guest-reboot", "A guest reboots: its card is reset (its vMAC released), then it boots again after `downSeconds`.", {
  vm,
  downSeconds: defaulted(numberBetween(0, MAX_DURATION_SECONDS), 0, "How long it stays down, in seconds. Default 0.")
})
export const MailboxFlood = entry("mailbox-flood", "An actor's mailbox is flooded with junk messages past its capacity, at one instant.", {
  target: Schema.Literals(["driver", "device-model", "guest", "nic"]).annotate({
    description: "Whose mailbox: \"driver\", \"nic\", or a VM's \"device-model\" or \"guest\" (then `vm` is required)."
  }),
  vm: Schema.optionalKey(vm),
  messages: Schema.optionalKey(intBetween(1, MAX_FLOOD_MESSAGES)).annotate({
    description: `How many junk messages, 1..${MAX_FLOOD_MESSAGES} (default: twice the mailbox's capacity).`
  })
})
export const VmStop = entry("vm-stop", "A VM shuts down (lifecycle, not a fault): its vMAC is released.", { vm })
export const VmStart = entry("vm-start", "A stopped VM boots again (lifecycle).", { vm })
export const VmScan = entry("vm-scan", "A VM's network manager asks for a scan while connected (lifecycle): served by the driver, from its cache or a physical scan.", { vm })
export const VmRoam = entry("vm-roam", "A VM moves to another AP (lifecycle): it disconnects and joins `ssid`.", {
  vm,
  ssid: Ssid.annotate({ description: "The SSID to join." })
})

/** The schedule's entries that are a VM's own comings and goings, not faults. */
export const LIFECYCLE_KINDS: ReadonlySet<string> = new Set([VmStop, VmStart, VmScan, VmRoam].map((e) => e.fields.kind.literal))

export const FaultSpec = Schema.Union([
  CrashDriver, CrashDeviceModel, CrashGuestDriver, CrashVmac, CrashNic, CrashAp, HangVmac, Interrupts, ApDown, ApDeauth,
  ChannelLoss, CommandStorm, HostileGuest, GuestReboot, MailboxFlood, VmStop, VmStart, VmRoam, VmScan
]).annotate({ description: "One scheduled fault or lifecycle event, tagged by kind." })
export type FaultSpec = typeof FaultSpec.Type
export type FaultKind = FaultSpec["kind"]

export const FaultSchedule = Schema.Array(FaultSpec).check(
  Schema.isMaxLength(MAX_FAULTS, { expected: `at most ${MAX_FAULTS} entries` })
)
export type FaultSchedule = typeof FaultSchedule.Type

/** When a fault's effect ends (its start for instantaneous ones; `vm-stop` never ends). */
export const faultEndSeconds = (f: FaultSpec): number => {
  switch (f.kind) {
    case "ap-down":
    case "channel-loss":
    case "hostile-guest":
      return f.atSeconds + f.forSeconds
    case "guest-reboot":
      return f.atSeconds + f.downSeconds
    default:
      return f.atSeconds
  }
}
