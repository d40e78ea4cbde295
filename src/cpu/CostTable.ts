/**
 * Per-operation CPU costs of the model, in cycles of the host core, each in one Table 1 category.
 *
 * These are the first estimates, each with the order of magnitude it comes from. The model runs on
 * the calibrated table (`CalibratedCosts.ts`: these operations with cycle counts fitted to Table 1's
 * TCP TX shares, docs/calibration.md); everything else it reports is a prediction from them.
 */
import { Cat } from "./CpuCategory.ts"
import type { CpuCategory } from "./CpuCategory.ts"

export interface Operation {
  readonly category: CpuCategory
  readonly cycles: number
  /** Where the number comes from. */
  readonly source: string
}

const op = (category: CpuCategory, cycles: number, source: string): Operation => ({ category, cycles, source })

/** Every costed operation of the model, with its first-estimate cost. */
export const estimatedCosts = {
  // --- a guest register access that traps (virtual-wifi only) ---
  /** Decoding the faulting MMIO/PIO instruction after the exit. */
  exitDecode: op(Cat.instructionDecoding, 900, "estimate: VT-x exit + KVM x86 emulator decode on Core2, ~0.3–0.5 µs"),
  /** Saving/restoring vCPU state around the exit. */
  exitVcpuState: op(Cat.vcpuState, 700, "estimate: VMCS reads/writes per exit on first-generation VT-x"),
  /** KVM handing the access to the user-space device model and back. */
  exitForward: op(Cat.ioForwarding, 1_500, "estimate: KVM_EXIT_MMIO round trip to QEMU"),
  /** The device model's own work per trapped access (decode register, tag VM-ID, validate). */
  deviceModelAccess: op(Cat.userspace, 1_200, "estimate: QEMU MMIO dispatch + device model logic"),
  /** The device model's ioctl into the augmented driver. */
  deviceModelSyscall: op(Cat.syscalls, 500, "estimate: syscall entry/return on Core2, ~0.2 µs"),
  /** The augmented driver handling one command from a device model. */
  driverCommand: op(Cat.io, 1_400, "estimate: driver ioctl handler + register writes to the NIC"),
  /** One lock/unlock pair on the driver's shared state. */
  lock: op(Cat.locking, 250, "estimate: uncontended spinlock pair + memory barriers"),
  /**
   * The waker's part of waking a thread (device model I/O thread, vCPU thread, host application):
   * `try_to_wake_up` from a futex/eventfd wake, run-queue lock, enqueue, preemption check. The switch
   * to the woken thread, when the core makes it, is `contextSwitch`.
   */
  threadWakeup: op(Cat.scheduling, 1_000, "estimate: try_to_wake_up on Linux 2.6.33 (rq lock, enqueue_task_fair, check_preempt_wakeup), ~0.4 µs on Core2"),
  /**
   * The core changing the running thread (idle included): `schedule()` picking the next thread and
   * `context_switch()` (registers, kernel stack, address space when it changes). Interrupt entry and
   * exit are not switches.
   */
  contextSwitch: op(
    Cat.scheduling,
    4_000,
    "estimate: Li, Ding & Shen, \"Quantifying the cost of context switch\" (ExpCS 2007) measured a direct cost of 3.8 µs per switch " +
      "between two processes (pipe ping-pong, 2.0 GHz Xeon, Linux 2.6.17), ~7,600 cycles; less a pipe write, a pipe read and the " +
      "wake-up that measurement includes (~2,000 cycles by this table), ~5,600 for a switch of address space; most switches here " +
      "are between threads of one QEMU process or to and from idle (no address-space change): ~4,000"
  ),

  // --- memory ---
  /** Translating one guest page (GPA→HPA) in software. */
  translatePage: op(Cat.addressTranslation, 800, "estimate: gfn_to_pfn walk + pinning per 4 KiB page"),
  /** Shadow/EPT bookkeeping for a DMA-mapped guest page. */
  shadowPage: op(Cat.shadowMemory, 150, "estimate: rmap/dirty tracking per mapped page"),
  /** Copying one byte of packet data (memcpy at ~2.5 GB/s on Core2 with cache misses). */
  copyByte: op(Cat.copy, 1, "estimate: ~1 cycle/byte for cold-cache memcpy"),
  /** Fixed cost per copied packet. */
  copyPacket: op(Cat.copy, 200, "estimate: skb handling around the copy"),

  // --- interrupts ---
  /** The host handling one physical interrupt from the card. */
  hostIrq: op(Cat.interrupts, 2_500, "estimate: IRQ entry, ISR, ack, ~1 µs"),
  /** Forwarding an interrupt's events to a device model (signal/eventfd). */
  irqForward: op(Cat.interrupts, 1_200, "estimate: eventfd signal to QEMU"),
  /** KVM injecting one virtual interrupt into a VM. */
  virtualIrq: op(Cat.virtualIrq, 2_200, "estimate: IRQ injection + VM entry with event, ~0.9 µs"),
  /** Delivering a physical interrupt straight to the VM that owns the card (passthrough). */
  passthroughIrq: op(Cat.virtualIrq, 900, "estimate: assigned-device IRQ injection without user space"),

  // --- timers and system calls ---
  /** Arming or handling one timer (coalescing timer, watchdog). */
  timer: op(Cat.timers, 400, "estimate: hrtimer start/expire"),
  /** One system call made by user space on the data path. */
  syscall: op(Cat.syscalls, 500, "estimate: syscall entry/return on Core2, ~0.2 µs"),

  // --- network stacks and guests ---
  /** The host's network stack per packet (native mode: the host runs the traffic). */
  hostStackPacket: op(Cat.networkStack, 5_000, "estimate: UDP/IP send or receive path, ~2 µs"),
  /** The guest's stack, driver and application per packet. */
  guestPacket: op(Cat.guest, 6_500, "estimate: guest UDP/IP + native driver per packet, ~2.5 µs"),
  /** The guest driver handling one interrupt (ISR + reading the event ring). */
  guestIrq: op(Cat.guest, 2_000, "estimate: guest ISR + NAPI poll setup"),
  /** The guest driver issuing one control command (scan, associate, rate). */
  guestCommand: op(Cat.guest, 3_000, "estimate: mac80211/driver control path"),
  /** The host driver writing TX descriptors and the doorbell register (native). */
  hostDriverTx: op(Cat.io, 1_200, "estimate: iwlagn TX path register writes per frame (the descriptor and the write pointer)"),
  /** Anything else on the per-packet host path. */
  hostOtherPacket: op(Cat.other, 150, "estimate: bookkeeping not attributed elsewhere")
} as const satisfies Record<string, Operation>

export type CostName = keyof typeof estimatedCosts

/** A full table of operation costs: the estimates, or a calibrated table fitted to Table 1. */
export type CostTable = Readonly<Record<CostName, Operation>>

export const costNames = Object.keys(estimatedCosts) as ReadonlyArray<CostName>

/** The estimates with some cycle counts replaced (what a calibration produces). */
export const withCycles = (base: CostTable, cycles: Partial<Record<CostName, number>>, source: string): CostTable => {
  const table = { ...base } as Record<CostName, Operation>
  for (const name of costNames) {
    const c = cycles[name]
    if (c !== undefined) table[name] = { ...base[name], cycles: c, source }
  }
  return table
}
