/**
 * First module of a pool's worker thread. Node's compile cache is per thread, and the main thread's
 * (`bin/vwifi.js`) does not reach workers: turned on here, before the model's modules load, it
 * halves a thread's start (about 1.35 → 0.77 CPU-s measured on this project's worker, issue 13 §5).
 */
import { enableCompileCache } from "node:module"

enableCompileCache?.()
await import("./JobWorker.ts")
