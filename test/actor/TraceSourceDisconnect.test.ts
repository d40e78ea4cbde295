import { assert, describe, it } from "@effect/vitest"
import { TraceSource } from "../../src/actor/TraceSource.ts"
import { TraceLog } from "../../src/kernel/Trace.ts"
import type { TraceName, TraceObserver } from "../../src/kernel/Trace.ts"

describe("letting go of a trace source or the trace log", () => {
  it("a disconnected listener hears nothing more, the others still do, and the source is free when none is left", () => {
    const source = new TraceSource<number>()
    const heard: Array<string> = []
    const a = (n: number) => void heard.push(`a${n}`)
    const b = (n: number) => void heard.push(`b${n}`)
    source.connect(a)
    source.connect(b)
    source.fire(1, undefined)
    source.disconnect(a)
    source.fire(2, undefined)
    assert.isTrue(source.listening())
    source.disconnect(b)
    source.fire(3, undefined)
    assert.deepStrictEqual(heard, ["a1", "b1", "b2"])
    assert.isFalse(source.listening())
  })

  it("an unobserved observer hears nothing more, and unobserving another leaves the current one", () => {
    const log = new TraceLog()
    const seen: Array<string> = []
    const observer = (label: string): TraceObserver => ({ recorded: (t: number, actor: TraceName) => void seen.push(`${label}@${t}:${actor.text}`) })
    const first = observer("first")
    const second = observer("second")
    const nic = log.name("nic")
    log.observe(first)
    log.record(1, nic, nic, 0, 0)
    log.unobserve(second) // not the one observing: no change
    log.record(2, nic, nic, 0, 0)
    log.unobserve(first)
    log.record(3, nic, nic, 0, 0)
    assert.deepStrictEqual(seen, ["first@1:nic", "first@2:nic"])
    assert.strictEqual(log.events, 3)
  })
})
