/**
 * Opens the `--pcap` file for a run and closes it afterwards; without a path, nothing is captured.
 * The capture hands it chunks (`pcap/AirCapture.ts`), so each write is a large one.
 */
import * as Effect from "effect/Effect"
import { pcapSinkUsingBytesAtOnce } from "../pcap/AirCapture.ts"
import type { PcapSink } from "../pcap/AirCapture.ts"
import type { CliUsageError } from "./CliUsageError.ts"
import { openOutput } from "./OutputFile.ts"
import type { OutputFiles } from "./OutputFile.ts"

export const withPcapFile = <A, E, R>(
  path: string | undefined,
  outputs: OutputFiles,
  use: (sink: PcapSink | undefined) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | CliUsageError, R> => {
  if (path === undefined) return use(undefined)
  let written = 0
  return Effect.acquireUseRelease(
    Effect.map(openOutput("the capture (--pcap)", path), (file) => outputs.add(file)),
    // A synchronous write: done with the bytes when it returns.
    (file) =>
      use(pcapSinkUsingBytesAtOnce((bytes) => {
        written += bytes.length
        file.write(bytes)
      })),
    // Said as the timeline's file is (`TimelineFile.ts`); a write that failed said so already.
    (file) =>
      Effect.sync(() => {
        file.close()
        if (file.failure === undefined) process.stderr.write(`vwifi: capture of the air written to ${path}: ${(written / 1e6).toFixed(1)} MB (open it in Wireshark, or \`tshark -r ${path}\`)\n`)
      })
  )
}
