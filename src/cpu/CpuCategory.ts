/**
 * The categories CPU time is accounted in: exactly the rows of the seed's Table 1 ("Distribution of
 * CPU time spent in KVM and host kernel", Virtual WiFi slides, backup), plus two rows Table 1 leaves
 * out but a whole-core account needs: time in guest mode and in host user space (QEMU's device
 * model, the benchmark endpoint). Categories are small integers so that hot paths index arrays.
 */

/** Where a category sits in Table 1. */
export type CategoryGroup = "kvm" | "host-kernel" | "outside-table-1"

export interface CategoryInfo {
  /** Stable identifier used in results JSON. */
  readonly id: string
  /** Table 1's wording. */
  readonly label: string
  readonly group: CategoryGroup
}

/** The categories, in Table 1's row order. */
export const categories = [
  { id: "kvm.virtualIrq", label: "Delivering virtual IRQs", group: "kvm" },
  { id: "kvm.addressTranslation", label: "Address Translation", group: "kvm" },
  { id: "kvm.ioForwarding", label: "IN/OUTs handling and forwarding", group: "kvm" },
  { id: "kvm.instructionDecoding", label: "Instruction Decoding", group: "kvm" },
  { id: "kvm.shadowMemory", label: "Managing guest shadow memory", group: "kvm" },
  { id: "kvm.vcpuState", label: "Virtual CPU state updating", group: "kvm" },
  { id: "host.interrupts", label: "Interrupt handling/forwarding IRQs to device model", group: "host-kernel" },
  { id: "host.io", label: "IN/OUTs in driver/Handle IO requests from device model", group: "host-kernel" },
  { id: "host.locking", label: "Locking/unlocking code section", group: "host-kernel" },
  { id: "host.scheduling", label: "Scheduling user/kernel threads", group: "host-kernel" },
  { id: "host.copy", label: "Packet memory copying", group: "host-kernel" },
  { id: "host.timers", label: "Timer management/Timing service", group: "host-kernel" },
  { id: "host.syscalls", label: "System call entry/return", group: "host-kernel" },
  { id: "host.other", label: "Other", group: "host-kernel" },
  { id: "host.networkStack", label: "Network Stack", group: "host-kernel" },
  { id: "guest", label: "Guest (guest kernel, driver and applications)", group: "outside-table-1" },
  { id: "userspace", label: "Host user space (device model, endpoint)", group: "outside-table-1" }
] as const satisfies ReadonlyArray<CategoryInfo>

/** A category's index into `categories`. */
export type CpuCategory = number

const indexOf = (id: (typeof categories)[number]["id"]): CpuCategory => categories.findIndex((c) => c.id === id)

/** Category indices by name, for call sites. */
export const Cat = {
  virtualIrq: indexOf("kvm.virtualIrq"),
  addressTranslation: indexOf("kvm.addressTranslation"),
  ioForwarding: indexOf("kvm.ioForwarding"),
  instructionDecoding: indexOf("kvm.instructionDecoding"),
  shadowMemory: indexOf("kvm.shadowMemory"),
  vcpuState: indexOf("kvm.vcpuState"),
  interrupts: indexOf("host.interrupts"),
  io: indexOf("host.io"),
  locking: indexOf("host.locking"),
  scheduling: indexOf("host.scheduling"),
  copy: indexOf("host.copy"),
  timers: indexOf("host.timers"),
  syscalls: indexOf("host.syscalls"),
  other: indexOf("host.other"),
  networkStack: indexOf("host.networkStack"),
  guest: indexOf("guest"),
  userspace: indexOf("userspace")
} as const

export const CATEGORY_COUNT = categories.length
