/**
 * The mapping invariant, audited: the driver's vMAC↔VM table must map no VM twice, agree with the
 * card (a vMAC given to a VM is running; a running vMAC is given to a VM, or being stopped) and with
 * the driver's journal. Transitions take a few microseconds (a start or stop on its way to the card),
 * so a disagreement counts only when the same one is still there at the next audit.
 */
import type { JournalEntry } from "../driver/DriverJournal.ts"
import { isConsistent } from "../driver/VmacTable.ts"
import type { VmacTable } from "../driver/VmacTable.ts"

/** Every disagreement visible now, each as a stable key. Pure. */
export const mappingProblems = (
  table: VmacTable,
  quiescing: ReadonlySet<number>,
  running: (vmac: number) => boolean,
  journal: ReadonlyArray<JournalEntry>
): Set<string> => {
  const problems = new Set<string>()
  if (!isConsistent(table)) problems.add("vm-holds-two-vmacs")
  table.owner.forEach((owner, vmac) => {
    if (owner !== undefined && !running(vmac)) problems.add(`vmac-${vmac}:assigned-but-stopped`)
    if (owner === undefined && running(vmac) && !quiescing.has(vmac)) problems.add(`vmac-${vmac}:running-unassigned`)
  })
  const journaled = new Map(journal.map((e) => [e.vmac, e.vm]))
  table.owner.forEach((owner, vmac) => {
    if (journaled.get(vmac) !== owner) problems.add(`vmac-${vmac}:journal-disagrees`)
  })
  return problems
}

/** Counts the disagreements that persist from one audit to the next. */
export class MappingAudit {
  private last = new Set<string>()
  persisted = 0

  audit(now: Set<string>): void {
    for (const p of now) if (this.last.has(p)) this.persisted++
    this.last = now
  }
}
