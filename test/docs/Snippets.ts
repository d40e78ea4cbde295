/** The TypeScript code blocks of README.md and docs/*.md: those marked `ts` run; `ts fragment` ones are excerpts. */
import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url))

export interface Snippet {
  /** `README.md#2`: the file and the block's number in it, from 1. */
  readonly name: string
  readonly code: string
}

const FENCE = /^```(\S*)(?:[ \t]+(\S+))?[ \t]*\n([\s\S]*?)^```[ \t]*$/gm

/** Every block of `file` (relative to the repository) whose info string is `ts` or `typescript`, fragments left out. */
export const snippetsOf = (file: string): Array<Snippet> => {
  const text = readFileSync(`${repoRoot}/${file}`, "utf8")
  const out: Array<Snippet> = []
  let n = 0
  for (const m of text.matchAll(FENCE)) {
    if (m[1] !== "ts" && m[1] !== "typescript") continue
    n++
    if (m[2] === "fragment") continue
    out.push({ name: `${file}#${n}`, code: m[3]! })
  }
  return out
}

/** README.md's and every docs page's runnable blocks. */
export const allSnippets = (): Array<Snippet> => [
  ...snippetsOf("README.md"),
  ...readdirSync(`${repoRoot}/docs`).filter((f) => f.endsWith(".md")).sort().flatMap((f) => snippetsOf(`docs/${f}`))
]
