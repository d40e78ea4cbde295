/** A capture of the air for tests: the sink's bytes collected, and a scenario run with one. */
import { Effect } from "effect"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { readPcap } from "../../src/pcap/PcapReader.ts"
import { runWorld } from "../../src/run/RunWorld.ts"
import { decodeScenario } from "../../src/scenario/ScenarioLoad.ts"

/**
 * 802.11 frame types and subtypes as Frame Control carries them (802.11-2016 9.2.4.1.3, Table 9-1),
 * and its Retry flag: written out for the tests that read captures, not taken from the encoder.
 */
export const Dot11 = {
  MANAGEMENT: 0,
  CONTROL: 1,
  DATA: 2,
  PROBE_REQUEST: 4,
  /** A data subtype: Null (no data). */
  NULL: 4,
  BEACON: 8,
  DISASSOC: 10,
  AUTH: 11,
  DEAUTH: 12,
  /** A data subtype: QoS Null. */
  QOS_NULL: 12,
  ACK: 13,
  RETRY: 0x08
} as const

/** A MAC address as the capture reader prints it ("02:00:…"), as a number. */
export const macOf = (text: string): number => parseInt(text.replaceAll(":", ""), 16)

/** Collects the sink's chunks, as they are (the sink may keep them: the capture never writes them again). */
export const collector = () => {
  const chunks: Array<Uint8Array> = []
  return {
    sink: (bytes: Uint8Array) => void chunks.push(bytes),
    bytes: () => {
      const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
      let at = 0
      for (const c of chunks) {
        all.set(c, at)
        at += c.length
      }
      return all
    }
  }
}

/** Runs `input` for `seconds` with a capture; the file, the capture's counts and the air's. */
export const captured = (input: unknown, seconds: number) =>
  Effect.gen(function*() {
    const scenario = yield* Effect.orDie(decodeScenario(input))
    const c = collector()
    const { value } = yield* runWorld(scenario, { seed: 1, pcap: c.sink }, (world) =>
      Effect.gen(function*() {
        yield* Simulation.sleep(seconds * 1e9)
        world.capture!.flush()
        return { counts: { ...world.capture!.counts }, air: { ...world.air.stats } }
      }))
    return { file: readPcap(c.bytes()), ...value }
  })


/** RFC 1071: the one's-complement sum of the 16-bit big-endian words of `bytes[from, to)` (an odd last byte padded with zero) plus `words`. */
export const onesComplementSum = (bytes: Uint8Array, from: number, to: number, words: ReadonlyArray<number> = []): number => {
  let sum = words.reduce((a, b) => a + b, 0)
  for (let i = from; i < to; i += 2) sum += (bytes[i]! << 8) | (i + 1 < to ? bytes[i + 1]! : 0)
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
  return sum
}
