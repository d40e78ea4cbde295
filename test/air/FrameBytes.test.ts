import { assert, describe, it } from "@effect/vitest"
import { dataMpduBytes, eapolBodyBytes, frameMpduBytes, managementBodyBytes, utf8Bytes } from "../../src/air/FrameBytes.ts"
import { KEY_DATA_BYTES_OF_MESSAGE } from "../../src/vocabulary/Wpa.ts"
import { Frame, FrameKind } from "../../src/vocabulary/Frame.ts"
import { udpPacketBytes } from "../../src/vocabulary/PacketHeaders.ts"

// Sizes worked by hand from 802.11-2016 clause 9 (header 24, QoS Control 2, FCS 4), 12.5.3 (CCMP
// header 8, MIC 8), RFC 1042 (LLC/SNAP 8), RFC 791/768 (IPv4 20, UDP 8).
describe("FrameBytes: every byte on the air", () => {
  it("a 1470-byte UDP datagram: 1498-byte IP packet; 1536 bytes open, 1552 on WPA2 (QoS data)", () => {
    assert.strictEqual(udpPacketBytes(1470), 1498)
    assert.strictEqual(dataMpduBytes(1498, true, false), 26 + 8 + 1498 + 4)
    assert.strictEqual(dataMpduBytes(1498, true, true), 26 + 8 + 8 + 1498 + 8 + 4)
    assert.strictEqual(dataMpduBytes(1498, false, true), 24 + 8 + 8 + 1498 + 8 + 4)
  })

  it("a null-data frame carries nothing: header and FCS", () => {
    assert.strictEqual(dataMpduBytes(0, true, true), 28)
  })

  it("management frames: header, body, FCS", () => {
    const lab = { ssidBytes: 3, rsn: true, ht: false, wmm: true, erp: true }
    // Beacon: 12 fixed + SSID 5 + rates 10 + DS 3 + TIM 6 + ERP 3 + RSN 22 + WMM 26 = 87.
    assert.strictEqual(managementBodyBytes(FrameKind.Beacon, lab), 87)
    // Probe response: a beacon without its TIM.
    assert.strictEqual(managementBodyBytes(FrameKind.ProbeResponse, lab), 81)
    // 802.11n adds HT Capabilities (28) and HT Operation (24).
    assert.strictEqual(managementBodyBytes(FrameKind.Beacon, { ...lab, ht: true }), 87 + 28 + 24)
    // A 5 GHz BSS has no ERP element (9.4.2.12): 3 bytes fewer.
    assert.strictEqual(managementBodyBytes(FrameKind.Beacon, { ...lab, ht: true, erp: false }), 87 + 28 + 24 - 3)
    assert.strictEqual(managementBodyBytes(FrameKind.ProbeResponse, { ...lab, erp: false }), 81 - 3)
    // Wildcard probe request: SSID 2 + rates 10.
    assert.strictEqual(managementBodyBytes(FrameKind.ProbeRequest, { ssidBytes: 0, rsn: false, ht: false, wmm: false }), 12)
    assert.strictEqual(managementBodyBytes(FrameKind.Auth, lab), 6)
    assert.strictEqual(managementBodyBytes(FrameKind.Deauth, lab), 2)
    // Association request: 4 fixed + SSID 5 + rates 10 + RSN 22 + WMM information 9 = 50.
    assert.strictEqual(managementBodyBytes(FrameKind.AssocRequest, lab), 50)
    // Association response: 6 fixed + rates 10 + WMM parameter 26 = 42.
    assert.strictEqual(managementBodyBytes(FrameKind.AssocResponse, lab), 42)
    assert.throws(() => managementBodyBytes(FrameKind.Data, lab), RangeError)
  })

  it("a frame's MPDU follows its kind, its Protected bit and the sender's QoS", () => {
    const data = new Frame(1, FrameKind.Data, 1, 2, 2)
    data.payloadBytes = 1498
    assert.strictEqual(frameMpduBytes(data, true), 1536)
    data.protected = true
    assert.strictEqual(frameMpduBytes(data, true), 1552)
    const beacon = new Frame(2, FrameKind.Beacon, 1, 2, 2)
    beacon.payloadBytes = 87
    assert.strictEqual(frameMpduBytes(beacon, true), 24 + 87 + 4)
    assert.strictEqual(utf8Bytes("café"), 5)
  })

  it("EAPOL-Key frames: a data frame in the clear with LLC/SNAP, 802.1X header 4, EAPOL-Key 95 and key data (12.7.2)", () => {
    // Key data: message 2 the RSN element (22); message 3 the RSN element and the GTK KDE (24), padded to 48 and wrapped (+8).
    assert.deepStrictEqual([1, 2, 3, 4].map((m) => KEY_DATA_BYTES_OF_MESSAGE[m as 1 | 2 | 3 | 4]), [0, 22, 56, 0])
    assert.strictEqual(eapolBodyBytes(0), 99)
    const m3 = new Frame(1, FrameKind.Eapol, 1, 2, 2)
    m3.payloadBytes = eapolBodyBytes(56)
    assert.strictEqual(frameMpduBytes(m3, true), 26 + 8 + 4 + 95 + 56 + 4)
    assert.strictEqual(frameMpduBytes(m3, false), 24 + 8 + 4 + 95 + 56 + 4)
  })
})
