/**
 * A guest that turns hostile for a while: from the fault's time, for `forSeconds`, it writes
 * `attack` commands to its card at `ratePerSecond`, through the guest's ordinary raw-write path, so
 * every write costs what a real one would (a trap, the device model's checks) and meets the same
 * trust boundary. What it shows is behaviour over time, not one burst: whether the CPU's fairness and
 * the per-VM checks keep the other VMs' traffic going while one VM attacks for seconds.
 */
import type { Kernel } from "../kernel/Kernel.ts"
import type { Prng } from "../kernel/Prng.ts"
import type { FaultSpec, HostileAttack } from "../scenario/FaultSchedule.ts"
import type { World } from "../world/World.ts"
import { HOSTILE_ATTACKS } from "../scenario/FaultSchedule.ts"
import { hostileWriteOf } from "./HostileCommands.ts"

/** Writes are batched per millisecond of virtual time at high rates: a timer per write would cost more than the write. */
const MIN_TICK_NS = 1_000_000

type HostileGuestFault = Extract<FaultSpec, { kind: "hostile-guest" }>

/**
 * Starts `fault` at the current virtual time. `vm` is the world's VM it names. Returns at once; the
 * writes go on from kernel timers until the fault's time is up. A write that needs the VM's own MAC
 * before it has one (it is still joining) is skipped, as is every write while the VM is off.
 */
export const startHostileGuest = (
  world: Pick<World, "scenario" | "vms">,
  vm: World["vms"][number],
  kernel: Kernel,
  random: Prng,
  fault: HostileGuestFault
): void => {
  const startNs = kernel.nowNs
  const endNs = startNs + fault.forSeconds * 1e9
  const tickNs = Math.max(MIN_TICK_NS, Math.round(1e9 / fault.ratePerSecond))
  const memoryBytes = world.scenario.vms[vm.index]!.memoryMb * 1024 * 1024
  const native = world.scenario.mode === "native"
  let written = 0 // writes due so far, skipped ones included: the rate holds whatever the VM's state
  const tick = (): void => {
    const nowNs = kernel.nowNs
    // Rounded to a millionth of a write so that 3 × (1/3 s) is 1 write, not 0.999…
    const due = Math.min(Math.floor(((nowNs - startNs + tickNs) / 1e9) * fault.ratePerSecond + 1e-6), Math.round(fault.forSeconds * fault.ratePerSecond))
    const n = due - written
    written = due
    if (vm.guest.poweredOn()) {
      // Natively the host may DMA anywhere: only a VM's out-of-range DMA is an attack.
      const ownMac = native ? undefined : vm.guest.driver().mac
      for (let i = 0; i < n; i++) {
        const attack: HostileAttack = fault.attack === "mixed" ? HOSTILE_ATTACKS[random.nextIntBelow(HOSTILE_ATTACKS.length)]! : fault.attack
        const w = hostileWriteOf(attack, random, memoryBytes, ownMac, nowNs)
        if (w === undefined) continue
        vm.guest.ref.tellUnsafe(w.descriptors === undefined ? { _tag: "WriteRaw", command: w.command } : { _tag: "WriteRaw", command: w.command, descriptors: w.descriptors })
      }
    }
    if (nowNs + tickNs < endNs) kernel.setTimer(nowNs + tickNs, tick)
  }
  tick()
}
