/**
 * Opens the `--pcap` file for a run and closes it afterwards; without a path, nothing is captured.
 * The capture hands it chunks (`pcap/AirCapture.ts`), so each write is a large one.
 */
import * as Effect from "effect/Effect"
import { closeSync, openSync, writeSync } from "node:fs"
import type { PcapSink } from "../pcap/AirCapture.ts"
import { CliUsageError } from "./CliUsageError.ts"

export const withPcapFile = <A, E, R>(
  path: string | undefined,
  use: (sink: PcapSink | undefined) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | CliUsageError, R> => {
  if (path === undefined) return use(undefined)
  return Effect.acquireUseRelease(
    Effect.try({
      try: () => openSync(path, "w"),
      catch: (error) => new CliUsageError({ message: `cannot write the capture to ${path}: ${(error as Error).message}` })
    }),
    (fd) =>
      use((bytes) => {
        for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at)
      }),
    (fd) => Effect.sync(() => closeSync(fd))
  )
}
