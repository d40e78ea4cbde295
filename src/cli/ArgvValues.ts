/**
 * A negative value given as its own word (`--duration -1s`, `--trace-window -1s..2s`) reads to the
 * parser as more flags (`-1`, `-s`), and the user got three errors about flags they never meant. No
 * vwifi flag starts with a digit, so a word of a minus and a digit after a `--flag` is that flag's
 * value: it is joined to it (`--duration=-1s`), and the flag's own check then says what is wrong.
 */

const LONG_FLAG = /^--[A-Za-z][A-Za-z0-9-]*$/
const NEGATIVE_VALUE = /^-\.?\d/

export const attachNegativeValues = (args: ReadonlyArray<string>): Array<string> => {
  const out: Array<string> = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    // After `--` every word is an argument, as the user wrote it.
    if (arg === "--") return out.concat(args.slice(i))
    const next = args[i + 1]
    if (next !== undefined && LONG_FLAG.test(arg) && NEGATIVE_VALUE.test(next)) {
      out.push(`${arg}=${next}`)
      i++
    } else {
      out.push(arg)
    }
  }
  return out
}
