/** Lost Acks and EIFS: the answer to a frame can be lost like any frame, and the sender's retry is a duplicate the receiver discards. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { aifsNs, eifsNs } from "../../src/air/Backoff.ts"
import { ERP_TIMINGS } from "../../src/air/Timing.ts"
import { readDot11, readPcap, readRadiotap } from "../../src/pcap/PcapReader.ts"
import { RadiotapFlag } from "../../src/pcap/Radiotap.ts"
import { BROADCAST } from "../../src/vocabulary/Frame.ts"
import { assertNoStuckFrames, runChecked, scenarioOf } from "../model/support.ts"
import { collector } from "../pcap/support.ts"

/** Frame Control's Retry bit (802.11-2016 9.2.4.1.6): set on every attempt of an MPDU after its first. */
const RETRY_FLAG = 0x08
/** dot11ShortRetryLimit (Annex C, DEFVAL 7): transmission attempts of an MPDU sent without RTS/CTS, the first included. */
const SHORT_RETRY_LIMIT = 7

describe("EIFS", () => {
  it("is SIFS + an Ack at 6 Mbit/s + AIFS (802.11-2016 10.3.2.3.7, 10.22.2.4)", () => {
    // The Ack at 6 Mbit/s: 20 µs preamble and SIGNAL, ⌈(16 + 112 + 6) / 24⌉ = 6 symbols of 4 µs, 6 µs extension: 50 µs.
    assert.strictEqual(aifsNs(ERP_TIMINGS, 2), 28_000) // DIFS
    assert.strictEqual(eifsNs(ERP_TIMINGS, 2), 10_000 + 50_000 + 28_000)
    assert.strictEqual(eifsNs(ERP_TIMINGS, 3), 10_000 + 50_000 + 37_000) // EDCA best effort
  })
})

describe("lost Acks", () => {
  it.effect("under 30% extra loss: Acks are lost, their frames are sent again with Retry and the same sequence number, and the receiver counts each once", () =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf({
        vms: [{ name: "a", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-tx", offeredMbps: 2, payloadBytes: 1470 }] }],
        faults: [{ kind: "channel-loss", atSeconds: 2, forSeconds: 3, lossPercent: 30 }]
      })
      const pcap = collector()
      const run = yield* runChecked(scenario, { seed: 3, durationNs: 6e9, pcap: pcap.sink })
      const r = run.report
      // The air as a monitor beside it saw it: one record per MPDU, then its answer SIFS later; a frame
      // or an answer that did not arrive carries the bad-FCS flag.
      const records = readPcap(pcap.bytes()).records.map((record) => {
        const rt = readRadiotap(record.data)
        return { bad: (rt.flags & RadiotapFlag.BadFcs) !== 0, h: readDot11(record.data, rt.lengthBytes) }
      })
      const isAnswer = (h: { type: number; subtype: number }) => h.type === 1 && (h.subtype === 13 || h.subtype === 9)
      let failed = 0
      let lost = 0
      let lostOnLastAttempt = 0
      const attempts = new Map<number, number>()
      for (let i = 0; i < records.length; i++) {
        const { bad, h } = records[i]!
        if (isAnswer(h) || h.addr1 === BROADCAST) continue
        const sender = h.addr2!
        const tries = (h.flags & RETRY_FLAG) !== 0 ? (attempts.get(sender) ?? 0) + 1 : 1
        attempts.set(sender, tries)
        const next = records[i + 1]
        const answer = next !== undefined && isAnswer(next.h) && next.h.addr1 === sender ? next : undefined
        if (bad || answer === undefined || answer.bad) failed++
        if (answer === undefined || !answer.bad) continue
        // The receiver got it and answered; the sender did not hear the answer. Its next frame is this
        // one again, unless this was the last attempt the retry limit allows.
        lost++
        const again = records.slice(i + 1).find((x) => !isAnswer(x.h) && x.h.addr1 !== BROADCAST && x.h.addr2 === sender)
        assert.isDefined(again, `record ${i}: nothing more from its sender`)
        if (tries === SHORT_RETRY_LIMIT) {
          lostOnLastAttempt++
          assert.strictEqual(again!.h.flags & RETRY_FLAG, 0, `record ${i}: dropped after ${tries} attempts, the next frame is a new one`)
          continue
        }
        assert.strictEqual(again!.h.flags & RETRY_FLAG, RETRY_FLAG, `record ${i}: its Ack lost, the frame is sent again with Retry set`)
        assert.strictEqual(again!.h.sequence, h.sequence, `record ${i}: …with the same sequence number`)
      }
      assert.isAbove(lost, 20)
      assert.isBelow(lostOnLastAttempt, lost / 10, "most lost Acks are followed by a retry")
      assert.strictEqual(lost, r.air.answersLost)
      // Each exchange short of an acknowledged frame (frame lost, Ack lost, collision) is one of the air's retries.
      assert.strictEqual(failed, r.air.retries)
      assert.isAbove(failed, lost, "frames were lost too, not only Acks")
      // Duplicates would count twice at the endpoint: goodput stays at what was offered, not above.
      assert.isAtMost(r.vms[0]!.uplinkMbps, 2.02)
      assert.isAbove(r.vms[0]!.uplinkMbps, 1.9)
      // At 2 Mb/s the queue is short; a frame's seven attempts with their doubling backoffs take at most
      // some 25 ms (CW up to 1023 slots of 9 µs in all, seven exchanges): 1 s is far above.
      assertNoStuckFrames(run, 1e9)
    }))
})
