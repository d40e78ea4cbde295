import { availableParallelism } from "node:os"
import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    // Vitest's default is one worker fewer than the cores: on the 2-core machines here and in CI that
    // ran every file one after the other (the fault property test alone is about 40% of the suite).
    // The runner's own process idles while the files run, so one worker per core.
    maxWorkers: availableParallelism()
  }
})
