/**
 * Carries out a scenario's fault schedule on a built system: at each entry's time it reaches the
 * target the way the fault would (a crash message to an actor, a register-level fault on the card,
 * power to an AP, loss on a channel, hostile writes from a guest) and records the fault. Recovery is
 * the system's own business; the injector never helps.
 */
import { apIndexOf } from "../scenario/ApLookup.ts"
import * as Air from "../air/Air.ts"
import * as Effect from "effect/Effect"
import type { Kernel } from "../kernel/Kernel.ts"
import * as Simulation from "../kernel/Simulation.ts"
import type { Prng } from "../kernel/Prng.ts"
import type { World } from "../world/World.ts"
import { CRASH, NOISE } from "../actor/ModelActor.ts"
import type { Control } from "../actor/ModelActor.ts"
import { LIFECYCLE_KINDS } from "../scenario/FaultSchedule.ts"
import type { FaultSpec } from "../scenario/FaultSchedule.ts"
import { after } from "../actor/Port.ts"
import type { Port } from "../actor/Port.ts"
import { hostileCommand } from "./HostileCommands.ts"
import { startHostileGuest } from "./HostileGuest.ts"

/** A mailbox a flood can target: its capacity, and how to post junk to it. */
interface Floodable extends Port<Control> {
  readonly metrics: () => { readonly mailboxCapacity: number }
}

/** What the injector reaches into. */
export type FaultTargets = Pick<World, "scenario" | "nic" | "air" | "aps" | "vms" | "driver" | "log">

/** The random stream a run's fault schedule draws from (hostile guests' and command storms' writes). */
export const HOSTILE_GUEST_STREAM = "hostile-guests"

/**
 * Sets off the fault schedule of `world`'s scenario, each entry at its time counted from now, drawing
 * from the run's `HOSTILE_GUEST_STREAM`: what a run does once it has built its world. A world built
 * by hand (`build`) carries out no schedule until this is called.
 */
export const startFaults = (world: FaultTargets): Effect.Effect<void, never, Simulation.Simulation> =>
  Effect.map(Effect.service(Simulation.Simulation), (sim) => scheduleFaults(world, sim.kernel, sim.stream(HOSTILE_GUEST_STREAM), world.scenario.faults))

/** Sets off each entry of `faults` at its time, counted from now. */
export const scheduleFaults = (world: FaultTargets, kernel: Kernel, random: Prng, faults: ReadonlyArray<FaultSpec>): void => {
  const startNs = kernel.nowNs
  for (const fault of faults) {
    kernel.setTimer(startNs + fault.atSeconds * 1e9, () => inject(world, kernel, random, fault))
  }
}

// Why a schedule entry was skipped at its time (`RecoveryLog.skip`).
const NO_HOST_DRIVER = "no host driver in this mode"
const NO_SUCH_VM = "no such VM"
const NO_SUCH_AP = "no such AP"
const NO_SUCH_TARGET = "no such mailbox in this mode"
const VM_OFF = "the VM was off"
const VM_ON = "the VM was already on"
const NO_VMAC = "the VM had no vMAC"

const vmIndex = (world: FaultTargets, name: string): number => world.scenario.vms.findIndex((vm) => vm.name === name)

const inject = (world: FaultTargets, kernel: Kernel, random: Prng, fault: FaultSpec): void => {
  const { log } = world
  const record = () => log.fault(fault.kind, LIFECYCLE_KINDS.has(fault.kind))
  // The schedule was checked against the scenario; what it meets at run time may still leave nothing to do.
  const skip = (reason: string) => log.skip(fault.kind, reason)
  const vmOf = (name: string) => world.vms[vmIndex(world, name)]
  // By BSSID, or by SSID when one AP has it (FaultCheck.ts rejects an SSID shared by an ESS).
  const apOf = (name: string) => world.aps[apIndexOf(world.scenario, name)]
  switch (fault.kind) {
    case "crash-driver":
      if (world.driver === undefined) return skip(NO_HOST_DRIVER)
      record()
      world.driver.ref.tellUnsafe(CRASH)
      return
    case "crash-device-model": {
      const vm = vmOf(fault.vm)
      if (vm === undefined) return skip(NO_SUCH_VM)
      record()
      vm.port.ref.tellUnsafe(CRASH)
      return
    }
    case "crash-guest-driver": {
      const vm = vmOf(fault.vm)
      if (vm === undefined) return skip(NO_SUCH_VM)
      if (!vm.guest.poweredOn()) return skip(VM_OFF)
      record()
      vm.guest.ref.tellUnsafe(CRASH)
      return
    }
    case "crash-vmac":
    case "hang-vmac":
      record()
      world.nic.ref.tellUnsafe({ _tag: "FirmwareFault", vmac: fault.vmac, silent: fault.kind === "hang-vmac" })
      return
    case "crash-nic":
      record()
      world.nic.ref.tellUnsafe(CRASH)
      return
    case "crash-ap": {
      const ap = apOf(fault.ap)
      if (ap === undefined) return skip(NO_SUCH_AP)
      record()
      ap.ref.tellUnsafe(CRASH)
      return
    }
    case "interrupts":
      record()
      world.nic.ref.tellUnsafe({ _tag: "IrqFault", action: fault.action, count: fault.count, delayNs: fault.delayMs * 1e6 })
      return
    case "ap-down": {
      const ap = apOf(fault.ap)
      if (ap === undefined) return skip(NO_SUCH_AP)
      record()
      ap.ref.tellUnsafe({ _tag: "SetPower", on: false })
      after(kernel, fault.forSeconds * 1e9, ap.ref, { _tag: "SetPower", on: true })
      return
    }
    case "ap-deauth": {
      const ap = apOf(fault.ap)
      const vm = vmOf(fault.vm)
      const mac = vm?.guest.driver().mac
      if (ap === undefined) return skip(NO_SUCH_AP)
      if (vm === undefined) return skip(NO_SUCH_VM)
      // A VM that is off has no station to deauthenticate, whatever address its driver last held.
      if (!vm.guest.poweredOn()) return skip(VM_OFF)
      if (mac === undefined) return skip(NO_VMAC)
      record()
      ap.ref.tellUnsafe({ _tag: "Deauthenticate", station: mac })
      return
    }
    case "channel-loss": {
      const channel = fault.channel ?? world.scenario.card.channel
      record()
      world.air.ref.tellUnsafe(Air.AirMessage.Impair({ channel, loss: fault.lossPercent / 100 }))
      after(kernel, fault.forSeconds * 1e9, world.air.ref, Air.AirMessage.Impair({ channel, loss: 0 }))
      return
    }
    case "command-storm": {
      const vm = vmOf(fault.vm)
      if (vm === undefined) return skip(NO_SUCH_VM)
      if (!vm.guest.poweredOn()) return skip(VM_OFF)
      record()
      const memoryBytes = world.scenario.vms[vm.index]!.memoryMb * 1024 * 1024
      // Natively the host may DMA anywhere: only a VM's out-of-range DMA is an attack.
      const ownMac = world.scenario.mode === "native" ? undefined : vm.guest.driver().mac
      for (let i = 0; i < fault.commands; i++) {
        const { command, descriptors } = hostileCommand(random, memoryBytes, ownMac, kernel.nowNs)
        vm.guest.ref.tellUnsafe(descriptors === undefined ? { _tag: "WriteRaw", command } : { _tag: "WriteRaw", command, descriptors })
      }
      return
    }
    case "hostile-guest": {
      const vm = vmOf(fault.vm)
      if (vm === undefined) return skip(NO_SUCH_VM)
      record()
      startHostileGuest(world, vm, kernel, random, fault)
      return
    }
    case "guest-reboot":
    case "vm-stop": {
      const vm = vmOf(fault.vm)
      if (vm === undefined) return skip(NO_SUCH_VM)
      if (!vm.guest.poweredOn()) return skip(VM_OFF)
      record()
      vm.guest.ref.tellUnsafe({ _tag: "PowerOff" })
      vm.port.ref.tellUnsafe({ _tag: "VmReset" })
      if (fault.kind === "guest-reboot") after(kernel, fault.downSeconds * 1e9, vm.guest.ref, { _tag: "Boot" })
      return
    }
    case "vm-start": {
      const vm = vmOf(fault.vm)
      if (vm === undefined) return skip(NO_SUCH_VM)
      if (vm.guest.poweredOn()) return skip(VM_ON)
      record()
      vm.guest.ref.tellUnsafe({ _tag: "Boot" })
      return
    }
    case "vm-scan": {
      const vm = vmOf(fault.vm)
      if (vm === undefined) return skip(NO_SUCH_VM)
      if (!vm.guest.poweredOn()) return skip(VM_OFF)
      record()
      vm.guest.ref.tellUnsafe({ _tag: "Scan" })
      return
    }
    case "vm-roam": {
      const vm = vmOf(fault.vm)
      const ap = world.scenario.aps.find((a) => a.ssid === fault.ssid)
      if (vm === undefined) return skip(NO_SUCH_VM)
      if (ap === undefined) return skip(NO_SUCH_AP)
      if (!vm.guest.poweredOn()) return skip(VM_OFF)
      record()
      // The VM is configured for the new network: its passphrase, if the AP needs one.
      const passphrase = ap.security.kind === "wpa2-psk" ? ap.security.passphrase : undefined
      vm.guest.ref.tellUnsafe({ _tag: "Roam", ssid: fault.ssid, passphrase })
      return
    }
    case "mailbox-flood": {
      const target = floodTarget(world, fault)
      if (target === undefined) {
        const ofVm = fault.target === "guest" || fault.target === "device-model"
        return skip(ofVm && vmOf(fault.vm ?? "") === undefined ? NO_SUCH_VM : NO_SUCH_TARGET)
      }
      record()
      const n = fault.messages ?? 2 * target.metrics().mailboxCapacity
      for (let i = 0; i < n; i++) target.tellUnsafe(NOISE)
      return
    }
  }
}

const floodTarget = (world: FaultTargets, fault: Extract<FaultSpec, { kind: "mailbox-flood" }>): Floodable | undefined => {
  switch (fault.target) {
    case "driver":
      return world.driver?.ref
    case "nic":
      return world.nic.ref
    case "guest":
      return world.vms[vmIndex(world, fault.vm ?? "")]?.guest.ref
    case "device-model":
      return world.driver === undefined ? undefined : world.vms[vmIndex(world, fault.vm ?? "")]?.port.ref
  }
}
