/** Runs the real `vwifi` executable with the Node that runs the tests: its exit code and output. */
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const bin = fileURLToPath(new URL("../../bin/vwifi.js", import.meta.url))

/** Long enough for a whole default run with a capture or a timeline on a busy machine. */
const RUN_TIMEOUT_MS = 120_000

export const vwifi = (...args: Array<string>) => vwifiIn(undefined, ...args)

/** The same, with `cwd` as the working folder. */
export const vwifiIn = (cwd: string | undefined, ...args: Array<string>) => {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: RUN_TIMEOUT_MS, cwd })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}
