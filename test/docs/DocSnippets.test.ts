/**
 * Every code block marked `ts` in README.md and docs/ type-checks and runs, as a user would run it,
 * with `vwifi` resolved to this checkout's sources (the package test runs README's blocks against
 * the packed package). Blocks marked `ts fragment` are excerpts and are left out.
 */
import { afterAll, assert, describe, it } from "@effect/vitest"
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { allSnippets, repoRoot } from "./Snippets.ts"

const snippets = allSnippets()
const dir = mkdtempSync(join(tmpdir(), "vwifi-doc-"))
symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"))
writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }))
const fileOf = (name: string) => name.replace(/[^A-Za-z0-9]+/g, "-") + ".ts"
for (const s of snippets) {
  writeFileSync(join(dir, fileOf(s.name)), s.code.replaceAll(/from "vwifi"/g, `from ${JSON.stringify(join(repoRoot, "src/index.ts"))}`))
}
writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
  compilerOptions: {
    target: "ES2023", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2023"], types: ["node"], strict: true,
    exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, allowImportingTsExtensions: true, noEmit: true,
    skipLibCheck: true, verbatimModuleSyntax: true, erasableSyntaxOnly: true
  },
  include: ["*.ts"]
}))

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("docs: code blocks", () => {
  it("README.md and docs/ have runnable TypeScript blocks (fragments are marked)", () => {
    assert.isAtLeast(snippets.length, 3)
    assert.includeMembers(snippets.map((s) => s.name), ["README.md#1", "README.md#2", "docs/faults.md#1"])
  })

  it("every block type-checks", () => {
    const tsc = join(repoRoot, "node_modules/typescript/bin/tsc")
    const r = spawnSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8", timeout: 120_000 })
    assert.strictEqual(r.status, 0, `${r.stdout}${r.stderr}`)
  }, 150_000)

  for (const s of snippets) {
    it(`${s.name} runs`, () => {
      const out = execFileSync(process.execPath, [join(dir, fileOf(s.name))], { encoding: "utf8", timeout: 120_000, cwd: dir })
      void out
    }, 150_000)
  }
})
