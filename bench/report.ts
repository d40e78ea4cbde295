/** The benchmark's summary and its two printed forms: a table for people, one JSON object for tools. */
import type { RunFigures, WorkloadConfig } from "./workload.ts"

/** The kernel must handle messages at least 1/TARGET_RATIO as fast as the plain loop. */
export const TARGET_RATIO = 2 // issue 14 (the kernel issue's was 5)

export interface SideSummary {
  readonly messages: number
  readonly timerFirings: number
  readonly events: number
  readonly wallSeconds: number
  readonly messagesPerWallSecond: number
  readonly eventsPerWallSecond: number
}

export interface Summary {
  readonly config: WorkloadConfig
  readonly quick: boolean
  readonly runsPerSide: number
  readonly plain: SideSummary
  readonly kernel: SideSummary
  /** Plain-loop messages per wall-second divided by the kernel's. */
  readonly ratio: number
  readonly targetRatio: number
  readonly targetMet: boolean
  /** The ledger checksum both sides agreed on (hex). */
  readonly checksum: string
  readonly randomDraws: number
}

const side = (run: RunFigures): SideSummary => {
  const wallSeconds = run.wallMs / 1e3
  return {
    messages: run.messages,
    timerFirings: run.timerFirings,
    events: run.events,
    wallSeconds,
    messagesPerWallSecond: run.messages / wallSeconds,
    eventsPerWallSecond: run.events / wallSeconds
  }
}

export const summarize = (
  config: WorkloadConfig,
  quick: boolean,
  runsPerSide: number,
  plain: RunFigures,
  kernel: RunFigures
): Summary => {
  const p = side(plain)
  const k = side(kernel)
  const ratio = p.messagesPerWallSecond / k.messagesPerWallSecond
  return {
    config,
    quick,
    runsPerSide,
    plain: p,
    kernel: k,
    ratio,
    targetRatio: TARGET_RATIO,
    targetMet: ratio <= TARGET_RATIO,
    checksum: plain.checksum.toString(16).padStart(8, "0"),
    randomDraws: plain.randomDraws
  }
}

const int = (n: number): string => Math.round(n).toLocaleString("en-US")

const row = (cells: ReadonlyArray<string>, widths: ReadonlyArray<number>): string =>
  cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")

export const formatTable = (s: Summary): string => {
  const c = s.config
  const widths = [16, 11, 9, 11, 8, 12, 12]
  const line = (name: string, x: SideSummary): string =>
    row([
      name,
      int(x.messages),
      int(x.timerFirings),
      int(x.events),
      x.wallSeconds.toFixed(3),
      int(x.messagesPerWallSecond),
      int(x.eventsPerWallSecond)
    ], widths)
  return [
    `workload: ${c.actors} actors, timer every ${c.periodNs / 1e6} ms (${c.phaseGroups} phases), ` +
    `${c.chainLength} messages per injection, ${c.durationNs / 1e9} s simulated, seed ${c.seed}` +
    (s.quick ? " (--quick: smoke check, figures not representative)" : ""),
    `median of ${s.runsPerSide} runs per side, after a warm-up run of each`,
    "",
    row(["", "messages", "timers", "events", "wall s", "messages/s", "events/s"], widths),
    line("plain loop", s.plain),
    line("kernel + actors", s.kernel),
    "",
    `same work on both sides: checksum ${s.checksum}, ${int(s.randomDraws)} PRNG draws`,
    `plain/kernel messages per wall-second: ${s.ratio.toFixed(2)}x; ` +
    `target "kernel within ${s.targetRatio}x of the plain loop": ${s.targetMet ? "met" : "NOT met"}`
  ].join("\n")
}

export const formatJson = (s: Summary): string => JSON.stringify(s)
