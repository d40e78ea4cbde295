/**
 * What capturing the air costs (`vwifi run --pcap`, issue 13): model workload (a) run with a capture
 * written to a file and without, alternately, after a warm-up run of each; the median wall time of
 * each side and their ratio. Target: at most 1.5× the run without.
 */
import { closeSync, openSync, rmSync, statSync, writeSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { modelWorkloads, runModelWorkload } from "./modelWorkloads.ts"

/** The capture may make a run at most this many times slower (issue 13 §5). */
export const PCAP_COST_TARGET = 1.5
/** Measured runs per side. */
const RUNS = 3

export interface PcapCost {
  readonly workload: string
  readonly withoutSeconds: number
  readonly withSeconds: number
  readonly ratio: number
  readonly fileMb: number
  readonly targetMet: boolean
}

const median = (xs: ReadonlyArray<number>): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

export const runPcapCost = async (quick: boolean): Promise<PcapCost> => {
  const w = modelWorkloads(quick)[0]!
  const path = join(tmpdir(), `vwifi-bench-${process.pid}.pcap`)
  const captured = async (): Promise<number> => {
    const fd = openSync(path, "w")
    try {
      const r = await runModelWorkload(w, (bytes) => {
        for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at)
      })
      return r.wallSeconds
    } finally {
      closeSync(fd)
    }
  }
  const plain = async (): Promise<number> => (await runModelWorkload(w)).wallSeconds
  await plain()
  await captured()
  const without: Array<number> = []
  const withCapture: Array<number> = []
  for (let i = 0; i < RUNS; i++) {
    without.push(await plain())
    withCapture.push(await captured())
  }
  const fileMb = statSync(path).size / 1e6
  rmSync(path, { force: true })
  const withoutSeconds = median(without)
  const withSeconds = median(withCapture)
  const ratio = withSeconds / withoutSeconds
  return { workload: w.name, withoutSeconds, withSeconds, ratio, fileMb, targetMet: ratio <= PCAP_COST_TARGET }
}

export const formatPcapCost = (c: PcapCost): string =>
  [
    "",
    `pcap: the cost of --pcap (median of ${RUNS} runs each, alternating)`,
    `  ${c.workload}`,
    `    ${c.withoutSeconds.toFixed(2)} wall s without, ${c.withSeconds.toFixed(2)} with a ${c.fileMb.toFixed(0)} MB capture: ` +
      `${c.ratio.toFixed(2)}×; target ≤ ${PCAP_COST_TARGET}×: ${c.targetMet ? "met" : "NOT met"}`
  ].join("\n")
