/**
 * Per-operation CPU costs of the model, in cycles of the host core, each in one Table 1 category.
 *
 * These are the first estimates, each with what it is derived from (a measurement, a vendor's figure,
 * the Linux 2.6.33 code the operation runs) or, where nothing was found, a count of instructions; they
 * are the calibration's prior, which splits a Table 1 row among its operations. The model runs on
 * the calibrated table (`CalibratedCosts.ts`: these operations with cycle counts fitted to Table 1's
 * TCP TX shares, docs/calibration.md); everything else it reports is a prediction from them.
 */
import { deepFreeze } from "../vocabulary/DeepFreeze.ts"
import { Cat } from "./CpuCategory.ts"
import type { CpuCategory } from "./CpuCategory.ts"

export interface Operation {
  readonly category: CpuCategory
  readonly cycles: number
  /** Where the number comes from. */
  readonly source: string
}

const op = (category: CpuCategory, cycles: number, source: string): Operation => ({ category, cycles, source })

/**
 * Every costed operation of the model, with its first-estimate cost. Frozen all the way down (as the
 * default scenario is): a caller that changed an entry would change every later run of the process.
 */
export const estimatedCosts = deepFreeze({
  // --- a guest register access that traps (virtual-wifi only) ---
  /** Decoding the faulting MMIO/PIO instruction after the exit. */
  exitDecode: op(Cat.instructionDecoding, 1_500,
    "estimate: no measurement found; without EPT (the seed's Core 2) a trapped MMIO access arrives as a shadow page fault: " +
      "a walk of the guest's page table and the fetch of the instruction (~5 guest-memory reads at ~150 cycles) and KVM's x86_decode_insn " +
      "(~500–1,000 cycles of table-driven decoding): ~1,500"),
  /** Saving/restoring vCPU state around the exit. */
  exitVcpuState: op(Cat.vcpuState, 3_000,
    "estimate: Landau, Ben-Yehuda & Gordon (SplitX, 2011) measured 2,000 cycles of direct cost for an exit and re-entry " +
      "on a Nehalem Xeon X5570 with KVM; Intel (IDF 2008) put Nehalem's transitions about a third below Penryn's, the seed's Core 2: " +
      "2,000 / 0.67 ≈ 3,000"),
  /** KVM handing the access to the user-space device model and back. */
  exitForward: op(Cat.ioForwarding, 3_000,
    "estimate: KVM_RUN's round trip out to user space and back spends ~1,150 cycles outside the guest on a 2020 AMD host " +
      "(a measurement posted to the Linux kernel list, 2020); about twice that on a Core 2 with Linux 2.6.33's heavier vcpu_load/put, " +
      "plus ~700 for QEMU's exit dispatch: ~3,000"),
  /** The device model's own work per trapped access (decode register, tag VM-ID, validate). */
  deviceModelAccess: op(Cat.userspace, 1_200,
    "estimate: no measurement found; QEMU's MMIO dispatch (page lookup, I/O memory table, callback) and the device model's " +
      "register decode, VM-ID tag and check, about 1,200 instructions at about one per cycle: ~1,200"),
  /** The device model's ioctl into the augmented driver. */
  deviceModelSyscall: op(Cat.syscalls, 500,
    "estimate: a null system call, 100–200 cycles on Core 2 (the Linux Journal's Kernel Mode Linux table gives 432 for getpid " +
      "on a Pentium 4), plus the ioctl's dispatch and copy of its argument (~300): ~500"),
  /** The augmented driver handling one command from a device model. */
  driverCommand: op(Cat.io, 3_000,
    "estimate: one command turned into a TX descriptor and the card's byte-count table (~1,500 cycles of iwlagn-style code), " +
      "the doorbell (a posted write: the core does not wait for it), the command's checks and uncontended locks (~1,500): ~3,000"),
  /** One lock/unlock pair on the driver's shared state. */
  lock: op(Cat.locking, 150,
    "estimate: Linux 2.6.33's x86 ticket spinlock is one locked xadd to take and a plain increment to release " +
      "(arch/x86/include/asm/spinlock.h); a locked read-modify-write costs ~20 cycles on Core 2, plus saving the interrupt flag " +
      "and moving the cache line between the two cores: ~150"),
  /**
   * The waker's part of waking a thread (device model I/O thread, vCPU thread, host application):
   * `try_to_wake_up` from a futex/eventfd wake, run-queue lock, enqueue, preemption check. The switch
   * to the woken thread, when the core makes it, is `contextSwitch`.
   */
  threadWakeup: op(Cat.scheduling, 1_000,
    "estimate: try_to_wake_up on Linux 2.6.33 (run-queue lock, enqueue_task_fair, check_preempt_wakeup). Li, Ding & Shen's " +
      "3.8 µs per switch (~7,600 cycles, contextSwitch) includes a pipe write, a pipe read and a wake-up; contextSwitch keeps ~5,600 " +
      "for the switch, leaving ~2,000, of which two system calls take ~1,000 (2 × 500): ~1,000. A split of one measurement, " +
      "consistent with contextSwitch, not an independent figure"),
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
  translatePage: op(Cat.addressTranslation, 1_000,
    "estimate: no measurement found; gfn_to_pfn: a search of the memory slots and get_user_pages_fast on one 4 KiB page " +
      "(a four-level walk, locked reference counts), with 3–4 cache misses to DDR2 at ~250 cycles: ~1,000"),
  /** Shadow/EPT bookkeeping for a DMA-mapped guest page. */
  shadowPage: op(Cat.shadowMemory, 200,
    "estimate: no measurement found; adding and removing a reverse mapping and updating the dirty state of one page, " +
      "100–300 instructions and one cache miss: ~200"),
  /** Copying one byte of packet data (memcpy at ~2.5 GB/s on Core2 with cache misses). */
  copyByte: op(Cat.copy, 1,
    "estimate: Core 2's memory bandwidth is under 6 GiB/s (ScienceMark on Conroe) and a copy moves 2–3 bytes over the bus " +
      "per byte copied (lmbench's bw_mem notes): 2–3 GB/s, about 1 cycle per byte at 2.53 GHz on data not in cache"),
  /** Fixed cost per copied packet. */
  copyPacket: op(Cat.copy, 200,
    "estimate: no measurement found; the skb bookkeeping around one copy. Kept low on purpose: Table 1 cannot tell a copy's " +
      "per-packet cost from its per-byte cost (the calibration's packets are all one size), so this prior sets the split; at 600 " +
      "the fit charged nothing per byte"),

  // --- interrupts ---
  /** The host handling one physical interrupt from the card, but for reading the card's registers (`irqRegisterRead`). */
  hostIrq: op(Cat.interrupts, 3_000,
    "estimate: interrupt entry, exit, APIC EOI and the tasklet's dispatch ~1,500; the handler and tasklet themselves (iwl_isr_ict " +
      "and iwl_irq_tasklet, Linux 2.6.33, which read the interrupt causes from a table in host memory) ~1,500: ~3,000. In " +
      "passthrough the handler is KVM's for the assigned card (kvm_assigned_dev_intr, lighter); one cost serves both"),
  /** An interrupt handler's read of the card's interrupt register, over PCIe. */
  irqRegisterRead: op(Cat.interrupts, 2_500,
    "estimate: iwlagn's interrupt handler reads the card's interrupt mask on every interrupt (iwl_isr_ict, iwl-core.c, Linux " +
      "2.6.33; its writes are posted), one PCIe read ~1 µs ≈ 2,500 cycles (round trips of 0.85 µs and more are measured on later " +
      "hardware). KVM's handler for an assigned card reads none of its registers (kvm_assigned_dev_intr, virt/kvm/assigned-dev.c)"),
  /** Forwarding an interrupt's events to a device model (signal/eventfd). */
  irqForward: op(Cat.interrupts, 1_000,
    "estimate: no measurement found; eventfd_signal to the device model (a locked wake-up of its poll queue; the thread's " +
      "wake-up itself is threadWakeup) and the per-VM event bookkeeping: ~1,000"),
  /** KVM injecting one virtual interrupt into a VM. */
  virtualIrq: op(Cat.virtualIrq, 8_500,
    "estimate: an injected interrupt costs about two exits on a KVM of this era (the interrupt window and the EOI; " +
      "Tsirkin's paravirtual-EOI patch for KVM says it halves them) at ~3,000 (exitVcpuState), plus the local APIC's EOI " +
      "emulation (~1,500) and the delivery through the IOAPIC and LAPIC models (~1,000): ~8,500"),
  /** Delivering a physical interrupt straight to the VM that owns the card (passthrough). */
  passthroughIrq: op(Cat.virtualIrq, 3_000,
    "estimate: in Linux 2.6.33 an assigned device's interrupt goes from KVM's handler to a work item, whose worker " +
      "calls kvm_set_irq (virt/kvm/assigned-dev.c): a work-queue wake-up (~1,000), the delivery and the " +
      "vCPU's kick (~1,500), the ack (~500): ~3,000, its exits counted apart"),

  // --- timers and system calls ---
  /** Arming or handling one timer (coalescing timer, watchdog). */
  timer: op(Cat.timers, 2_500,
    "estimate: laptops of the seed's generation mark the TSC unstable (it halts in deep idle) and keep time with the HPET, " +
      "whose read is an uncached chipset access, 0.5–1 µs (a guess below the 4.5 µs a gettimeofday on the HPET was measured to take, " +
      "against 0.1 µs on the TSC, on a later machine: that call does more than one read); with the hrtimer tree and programming " +
      "the clock event (~500): ~2,500 (~500 were the TSC kept)"),
  /** One system call made by user space on the data path. */
  syscall: op(Cat.syscalls, 500,
    "estimate: as deviceModelSyscall: a null system call (100–200 cycles on Core 2) and a small amount of work: ~500"),

  // --- network stacks and guests ---
  /** The host's network stack per packet (native mode: the host runs the traffic). */
  hostStackPacket: op(Cat.networkStack, 7_000,
    "estimate: Foong et al. (ISPASS 2003): a TCP stack on a wired gigabit NIC needs about 1 GHz per Gb/s, 8 cycles per byte, " +
      "~11,700 cycles for a 1,460-byte segment with everything; less its copy (~1,500), a wired driver's TX (~2,000) and the " +
      "interrupts' share (~1,000, coalesced): ~7,000 for TCP/IP and mac80211"),
  /** The guest's stack and its driver's TX path per packet it sends, the driver's lock included. */
  guestPacket: op(Cat.guest, 12_150,
    "estimate: the guest runs the host's stack and driver code: hostStackPacket (~7,000) + hostDriverTx (~5,000) + lock (~150) " +
      "per segment, above Foong et al.'s ~11,700 all included for a wired NIC because iwlagn's TX path is heavier than a wired " +
      "driver's (the calibration derives it from those three's fitted costs)"),
  /** The guest's stack per packet it receives (its driver's part is in the ISR, `guestIrq`). */
  guestRxPacket: op(Cat.guest, 7_000,
    "estimate: the host's stack on the same path, hostStackPacket (~7,000), in guest mode, as the calibration derives it"),
  /** A guest application's send() or recv() of one packet: the system call and the copy's per-packet part. */
  guestSocketCall: op(Cat.guest, 700,
    "estimate: the host application's same calls, syscall (~500) + copyPacket (~200), in guest mode, as the calibration derives it"),
  /** One byte a guest application's socket call copies. */
  guestCopyByte: op(Cat.guest, 1,
    "estimate: the host's copyByte (~1), in guest mode, as the calibration derives it"),
  /** The guest driver handling one interrupt (ISR + reading the event ring), but for reading the card's registers. */
  guestIrq: op(Cat.guest, 3_000,
    "estimate: the guest's ISR is the host's interrupt handler, hostIrq (~3,000), as the calibration derives it. Its read of " +
      "the card's register is apart: in a Virtual WiFi VM it traps, and the device model counts the exit"),
  /** The guest's ISR reading a card assigned to it (passthrough): the read reaches the card itself. */
  guestIrqRegisterRead: op(Cat.guest, 2_500,
    "estimate: the host's read of the same register, irqRegisterRead (~2,500), in guest mode, as the calibration derives it"),
  /** The guest driver issuing one control command (scan, associate, rate). */
  guestCommand: op(Cat.guest, 3_000,
    "estimate: no measurement found; mac80211's and cfg80211's control path and the driver's host command, a few " +
      "thousand instructions: ~3,000 (the calibration derives it from driverCommand's fitted cost)"),
  /** The host driver writing TX descriptors and the doorbell register (native). */
  hostDriverTx: op(Cat.io, 5_000,
    "estimate: iwl_tx_skb (Linux 2.6.33: two DMA mappings, a descriptor, a spinlock; ~1,500–2,500 cycles of code) and " +
      "the write pointer's doorbell; with the card in power save, iwl_txq_update_write_ptr first reads a register and wakes " +
      "the card's bus access (~2,500): ~5,000"),
  /** Anything else on the per-packet host path. */
  hostOtherPacket: op(Cat.other, 150,
    "estimate: no source: what is left per packet on the host path (queueing discipline, netfilter hooks), " +
      "a few hundred instructions: ~150")
} as const satisfies Record<string, Operation>)

export type CostName = keyof typeof estimatedCosts

/** A full table of operation costs: the estimates, or a calibrated table fitted to Table 1. */
export type CostTable = Readonly<Record<CostName, Operation>>

export const costNames = Object.freeze(Object.keys(estimatedCosts)) as ReadonlyArray<CostName>

/**
 * `base` with some cycle counts replaced (what a calibration produces), frozen as the tables it comes
 * from. A name that is no operation of the model throws a `RangeError` (a misspelt name would
 * otherwise leave its operation's cost as it was, in silence).
 */
export const withCycles = (base: CostTable, cycles: Partial<Record<CostName, number>>, source: string): CostTable => {
  const unknown = Object.keys(cycles).filter((name) => !Object.hasOwn(estimatedCosts, name))
  if (unknown.length > 0) throw new RangeError(`withCycles: ${unknown.map((n) => JSON.stringify(n)).join(", ")} ${unknown.length === 1 ? "is no operation" : "are no operations"} of the model (its operations: costNames)`)
  const table = { ...base } as Record<CostName, Operation>
  for (const name of costNames) {
    const c = cycles[name]
    if (c !== undefined) table[name] = { ...base[name], cycles: c, source }
  }
  return deepFreeze(table)
}
