/**
 * The seed's Table 1, "Distribution of CPU time spent in KVM and host kernel" (Chariot TX, one
 * 2.53 GHz core, oprofile): percent of total time per category, for each compared group. A dash in
 * the table (native has no KVM) is 0 here. This is the only data the cost model is fitted to.
 */
export type Table1Group = "virtual-wifi" | "passthrough" | "native"

export const table1: Readonly<Record<string, Readonly<Record<Table1Group, number>>>> = {
  "kvm.virtualIrq": { "virtual-wifi": 2.79, passthrough: 0.34, native: 0 },
  "kvm.addressTranslation": { "virtual-wifi": 2.71, passthrough: 0.15, native: 0 },
  "kvm.ioForwarding": { "virtual-wifi": 2.06, passthrough: 0.13, native: 0 },
  "kvm.instructionDecoding": { "virtual-wifi": 0.53, passthrough: 0.33, native: 0 },
  "kvm.shadowMemory": { "virtual-wifi": 0.69, passthrough: 0.36, native: 0 },
  "kvm.vcpuState": { "virtual-wifi": 0.64, passthrough: 0.44, native: 0 },
  "host.interrupts": { "virtual-wifi": 5.87, passthrough: 1.22, native: 2.53 },
  "host.io": { "virtual-wifi": 4.95, passthrough: 0.29, native: 2.56 },
  "host.locking": { "virtual-wifi": 4.72, passthrough: 0.41, native: 1.08 },
  "host.scheduling": { "virtual-wifi": 2.06, passthrough: 0.69, native: 0.3 },
  "host.copy": { "virtual-wifi": 1.74, passthrough: 0.35, native: 1.51 },
  "host.timers": { "virtual-wifi": 1.15, passthrough: 0.71, native: 0.1 },
  "host.syscalls": { "virtual-wifi": 1.78, passthrough: 0.68, native: 0.56 },
  "host.other": { "virtual-wifi": 0.5, passthrough: 0.2, native: 0.34 },
  "host.networkStack": { "virtual-wifi": 0, passthrough: 0, native: 3.47 }
}

export const table1Groups: ReadonlyArray<Table1Group> = ["virtual-wifi", "passthrough", "native"]
