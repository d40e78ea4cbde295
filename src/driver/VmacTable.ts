/**
 * The augmented driver's mapping table between the card's vMACs and the VMs: which VM each vMAC is
 * logically assigned to. Pure: every operation returns a new table.
 */

/** `owner[vmac]` is the VM index that vMAC belongs to, or undefined when free. */
export interface VmacTable {
  readonly owner: ReadonlyArray<number | undefined>
}

export const empty = (vmacs: number): VmacTable => ({ owner: new Array<number | undefined>(vmacs).fill(undefined) })

export const vmacOf = (table: VmacTable, vm: number): number | undefined => {
  const i = table.owner.indexOf(vm)
  return i < 0 ? undefined : i
}

export const vmOf = (table: VmacTable, vmac: number): number | undefined => table.owner[vmac]

/**
 * Gives `vm` a vMAC: the one it has, else the lowest free one not in `quiescing` (released vMACs the
 * card has not finished stopping); undefined when none is available.
 */
export const allocate = (
  table: VmacTable,
  vm: number,
  quiescing: ReadonlySet<number> = new Set()
): { readonly table: VmacTable; readonly vmac: number } | undefined => {
  const have = vmacOf(table, vm)
  if (have !== undefined) return { table, vmac: have }
  const free = table.owner.findIndex((o, i) => o === undefined && !quiescing.has(i))
  if (free < 0) return undefined
  const owner = [...table.owner]
  owner[free] = vm
  return { table: { owner }, vmac: free }
}

/** Frees `vm`'s vMAC, if it has one. */
export const release = (table: VmacTable, vm: number): VmacTable => ({
  owner: table.owner.map((o) => (o === vm ? undefined : o))
})

/** No VM holds two vMACs (the invariant the driver must keep). */
export const isConsistent = (table: VmacTable): boolean => {
  const seen = new Set<number>()
  for (const o of table.owner) {
    if (o === undefined) continue
    if (seen.has(o)) return false
    seen.add(o)
  }
  return true
}
