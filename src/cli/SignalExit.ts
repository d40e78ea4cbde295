/**
 * The exit code of a command ended by a signal: the Node runtime interrupts the command on SIGINT and
 * on SIGTERM alike and exits 130 (Ctrl-C's); a command stopped by SIGTERM exits 143, 128 + its
 * number, as shells and service managers expect of a process that SIGTERM ended.
 */

/** 128 + SIGINT's number (2): an interrupted command's code (effect's `Runtime.defaultTeardown`). */
const INTERRUPTED_EXIT_CODE = 130
/** 128 + SIGTERM's number (15, POSIX signal.h on Linux). */
export const TERMINATED_EXIT_CODE = 143

/** The code to exit with: an interruption that SIGTERM caused says so. */
export const exitCodeAfterSignal = (code: number, terminated: boolean): number =>
  code === INTERRUPTED_EXIT_CODE && terminated ? TERMINATED_EXIT_CODE : code

/**
 * Notes a SIGTERM, beside the runtime's own handler (which interrupts the command), until `stop`:
 * called when the command ends, so that a SIGTERM after it is not caught by a listener left behind.
 */
export const noteSigterm = (): { readonly seen: () => boolean; readonly stop: () => void } => {
  let terminated = false
  const onTerm = () => {
    terminated = true
  }
  process.once("SIGTERM", onTerm)
  return { seen: () => terminated, stop: () => void process.removeListener("SIGTERM", onTerm) }
}
