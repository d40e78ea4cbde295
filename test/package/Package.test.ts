/**
 * The package as users get it: `npm pack` (which builds dist/ in `prepack`), the tarball installed
 * into a fresh project, README's library blocks type-checked against the installed `.d.ts` and run
 * there, and `npx vwifi run --duration 2s --json` from the install. Skipped, with the reason, only
 * when the npm registry cannot be reached for the dependencies.
 */
import { afterAll, assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { delimiter, dirname, join } from "node:path"
import { repoRoot, snippetsOf } from "../docs/Snippets.ts"

/** npm's own script, run by the Node that runs the tests: the repository's, else the one on PATH. */
const npmCli = (): string | undefined => {
  const local = join(repoRoot, "node_modules/npm/bin/npm-cli.js")
  if (existsSync(local)) return local
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    const bin = join(dir, "npm")
    if (!existsSync(bin)) continue
    const cli = join(dirname(realpathSync(bin)), "npm-cli.js")
    if (existsSync(cli)) return cli
  }
  return undefined
}

const NETWORK = /ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENETUNREACH|network|offline/i

const temporary: Array<string> = []
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  temporary.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true })
})

describe("package: installed from its tarball", () => {
  it("installs, type-checks and runs README's library blocks, and its CLI runs with npx", (ctx) => {
    const cli = npmCli()
    assert.isDefined(cli, "npm not found: neither node_modules/npm nor npm on PATH")
    // npm's scripts (prepack) and npx's bin run on this Node, not whatever `node` is first on PATH.
    const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env["PATH"] ?? ""}`, npm_config_update_notifier: "false" }
    const npm = (cwd: string, ...args: Array<string>) => spawnSync(process.execPath, [cli!, ...args], { cwd, env, encoding: "utf8", timeout: 120_000 })

    const packDir = tempDir("vwifi-pack-")
    const packed = npm(repoRoot, "pack", "--pack-destination", packDir)
    assert.strictEqual(packed.status, 0, packed.stderr)
    const tarball = join(packDir, readdirSync(packDir).find((f) => f.endsWith(".tgz"))!)

    const project = tempDir("vwifi-user-")
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "uses-vwifi", private: true, type: "module" }))
    const installed = npm(project, "install", "--prefer-offline", "--no-audit", "--no-fund", tarball)
    if (installed.status !== 0 && NETWORK.test(installed.stderr)) {
      ctx.skip(`the npm registry cannot be reached to install vwifi's dependencies: ${installed.stderr.split("\n").find((l) => NETWORK.test(l))}`)
      return
    }
    assert.strictEqual(installed.status, 0, installed.stderr)
    // Only the compiled package ships: no TypeScript sources under node_modules.
    const pkg = join(project, "node_modules/vwifi")
    assert.isTrue(existsSync(join(pkg, "dist/index.js")) && existsSync(join(pkg, "dist/index.d.ts")))
    assert.isFalse(existsSync(join(pkg, "src")))

    const blocks = snippetsOf("README.md")
    assert.isAtLeast(blocks.length, 2)
    blocks.forEach((b, i) => writeFileSync(join(project, `readme${i + 1}.ts`), b.code))
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({
      compilerOptions: { target: "ES2023", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2023"], types: ["node"], skipLibCheck: true, strict: true, noEmit: true, allowImportingTsExtensions: true },
      include: ["*.ts"]
    }))
    const typed = spawnSync(process.execPath, [join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", project], { encoding: "utf8", timeout: 60_000 })
    assert.strictEqual(typed.status, 0, `the README's blocks against the installed types:\n${typed.stdout}${typed.stderr}`)
    blocks.forEach((_, i) => {
      const ran = spawnSync(process.execPath, [`readme${i + 1}.ts`], { cwd: project, encoding: "utf8", timeout: 60_000 })
      assert.strictEqual(ran.status, 0, `README.md block ${i + 1}: ${ran.stderr}`)
    })

    const npx = join(dirname(cli!), "npx-cli.js")
    const run = spawnSync(process.execPath, [npx, "vwifi", "run", "--duration", "2s", "--json"], { cwd: project, env, encoding: "utf8", timeout: 60_000 })
    assert.strictEqual(run.status, 0, run.stderr)
    const report = JSON.parse(run.stdout)
    assert.strictEqual(report.simulatedSeconds, 2)
    assert.strictEqual(report.vms[0].state, "connected")
  }, 300_000)
})
