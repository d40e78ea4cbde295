/** scripts/check-pcap.sh on files that are not whole captures, and on one that is: only where tshark is installed. */
import { assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { PhyConfig } from "../../src/air/PhyConfig.ts"
import { Station } from "../../src/air/Station.ts"
import { frameMpduBytes } from "../../src/air/FrameBytes.ts"
import { AirCapture } from "../../src/pcap/AirCapture.ts"
import { Frame, FrameKind, Payload } from "../../src/vocabulary/Frame.ts"
import { udpPacketBytes } from "../../src/vocabulary/PacketHeaders.ts"
import { collector } from "./support.ts"

const script = fileURLToPath(new URL("../../scripts/check-pcap.sh", import.meta.url))
const hasTshark = spawnSync("tshark", ["--version"]).status === 0
const ERP: PhyConfig = { standard: "802.11g", rateMbps: 54 }

const check = (bytes: Uint8Array) => {
  const file = join(mkdtempSync(join(tmpdir(), "vwifi-")), "air.pcap")
  writeFileSync(file, bytes)
  const r = spawnSync("bash", [script, file], { encoding: "utf8", timeout: 60_000 })
  return { code: r.status, stderr: r.stderr }
}

/** A small capture: 50 exchanges of 100-byte UDP datagrams, one of them lost (bad FCS). */
const capture = (): Uint8Array => {
  const c = collector()
  const air = new AirCapture(c.sink, ERP)
  const s = new Station({ name: "s", mac: 0x020000000200, channel: 6, phy: ERP, receivesBroadcast: true, maxAggregate: 1, cwMin: 15, owner: { received: () => {}, sent: () => {} } })
  for (let i = 0; i < 50; i++) {
    const f = new Frame(i + 1, FrameKind.Data, s.mac, 0x020000100000, 0x020000000100)
    f.ra = 0x020000000100
    f.payloadBytes = udpPacketBytes(100)
    f.payload = Payload.Udp
    const lost = i === 7
    air.ppdu({
      channel: 6, startNs: i * 1_000_000, station: s, frames: [f], phy: ERP, psduBytes: frameMpduBytes(f, true), collided: false,
      arrived: lost ? [] : [f], answered: !lost, answerLost: false, signalDbm: -60
    }, i * 1_000_000 + 200_000)
  }
  air.flush()
  return c.bytes()
}

describe.skipIf(!hasTshark)("scripts/check-pcap.sh", () => {
  it("passes a whole capture, with a lost frame's bad FCS agreeing with its flag", () => {
    const r = check(capture())
    assert.strictEqual(r.code, 0, r.stderr)
  })

  it("fails an empty file and a file cut inside a record, saying why", () => {
    const empty = check(new Uint8Array(0))
    assert.strictEqual(empty.code, 1)
    assert.include(empty.stderr, "less than a pcap file header")
    const whole = capture()
    const cut = check(whole.subarray(0, whole.length - 10))
    assert.strictEqual(cut.code, 1)
    assert.include(cut.stderr, "cut short")
  })

  it("fails a frame whose FCS disagrees with radiotap's bad-FCS flag", () => {
    const bytes = capture()
    // The last record is the last exchange's Ack, flag clear: spoil its FCS (the file's last 4 bytes).
    bytes[bytes.length - 1]! ^= 0xff
    const r = check(bytes)
    assert.strictEqual(r.code, 1)
    assert.include(r.stderr, "1 frames whose FCS check disagrees")
  })
})
