/**
 * The guest's work on its thread (stack, driver, ISR) as it accrues, and the register writes that
 * carry it: a write hands the work before it to the port, which adds what the write itself costs (a
 * trap, a doorbell) and submits it, so the write's effects leave after both. Work left when a
 * message has been handled is submitted on its own (`flush`).
 *
 * The job in progress is part of the guest's state (`GuestState.work`), never held between two
 * messages.
 */
import type { Port } from "../actor/Port.ts"
import type { CpuCore, Job, ThreadId } from "../cpu/CpuCore.ts"
import type { CostName } from "../cpu/CostTable.ts"
import type { GuestOptions, RegisterWrite } from "./GuestVm.ts"

/** Where the work since the last register write is kept. */
export interface WorkInProgress {
  work: Job | undefined
}

export class GuestWork {
  private readonly cpu: CpuCore
  private readonly thread: ThreadId
  private readonly port: Port<RegisterWrite>
  private readonly irqCosts: ReadonlyArray<CostName>
  private readonly commandCost: CostName

  constructor(o: Pick<GuestOptions, "cpu" | "thread" | "port" | "irqCosts" | "commandCost">) {
    this.cpu = o.cpu
    this.thread = o.thread
    this.port = o.port
    this.irqCosts = o.irqCosts
    this.commandCost = o.commandCost
  }

  /** Adds `times` of operation `name` to the work in progress. */
  charge(s: WorkInProgress, name: CostName, times: number): void {
    ;(s.work ??= this.cpu.job(this.thread)).op(name, times)
  }

  /** An interrupt reached the driver: its handler's cost on this thread (`GuestOptions.irqCosts`). */
  interrupted(s: WorkInProgress): void {
    for (let i = 0; i < this.irqCosts.length; i++) this.charge(s, this.irqCosts[i]!, 1)
  }

  /** Submits the work since the last register write, if any (the end of a message). */
  flush(s: WorkInProgress): void {
    if (s.work === undefined) return
    s.work.submit()
    s.work = undefined
  }

  /** A register write, carrying the work before it to the port. */
  writeRegister(s: WorkInProgress, command: unknown): void {
    const before = s.work ?? this.cpu.job(this.thread)
    s.work = undefined
    this.port.tellUnsafe({ _tag: "Mmio", command, work: before })
  }

  /**
   * A command written as `writeCommand` does, whose end `port` hears of (`message`) once the write's
   * work has run: its trap, or on a card of its own its doorbell.
   */
  writeCommandAwaited<M>(s: WorkInProgress, command: unknown, port: Port<M>, message: M): void {
    this.charge(s, this.commandCost, 1)
    this.tellAfter(s, port, message)
    this.writeRegister(s, command)
  }

  /** `port` hears `message` once the work in progress, and whatever is added to it, has run. */
  tellAfter<M>(s: WorkInProgress, port: Port<M>, message: M): void {
    s.work = (s.work ?? this.cpu.job(this.thread)).then(port, message)
  }

  /** The driver writes a command: its own work, then the register write. */
  writeCommand(s: WorkInProgress, command: unknown): void {
    this.charge(s, this.commandCost, 1)
    this.writeRegister(s, command)
  }

  writeCommands(s: WorkInProgress, commands: ReadonlyArray<unknown>): void {
    for (const command of commands) this.writeCommand(s, command)
  }
}
