import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { createWriteStream, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { crc32 } from "node:zlib"
import type { PpduOnAir } from "../../src/air/Air.ts"
import { frameMpduBytes, managementBodyBytes } from "../../src/air/FrameBytes.ts"
import type { PhyConfig } from "../../src/air/PhyConfig.ts"
import { Station } from "../../src/air/Station.ts"
import { AirCapture, MAX_EXCHANGE_NS, pcapSinkUsingBytesAtOnce } from "../../src/pcap/AirCapture.ts"
import { LINKTYPE_IEEE802_11_RADIOTAP } from "../../src/pcap/PcapFormat.ts"
import { readDot11, readElements, readPcap, readRadiotap } from "../../src/pcap/PcapReader.ts"
import { captured, collector, onesComplementSum } from "./support.ts"
import type { PcapFile } from "../../src/pcap/PcapReader.ts"
import { RadiotapFlag } from "../../src/pcap/Radiotap.ts"
import { runScenario } from "../../src/run/RunScenario.ts"
import { decodeScenario } from "../../src/scenario/ScenarioLoad.ts"
import { BROADCAST, Frame, FrameKind, Payload } from "../../src/vocabulary/Frame.ts"
import { udpPacketBytes } from "../../src/vocabulary/PacketHeaders.ts"
import { makeTim } from "../../src/vocabulary/Tim.ts"
import fourVmsHt40 from "../../examples/four-vms-ht40.json" with { type: "json" }
import powerSave from "../../examples/power-save.json" with { type: "json" }

const ERP: PhyConfig = { standard: "802.11g", rateMbps: 54 }
const AP = 0x020000000100

const station = (mac: number, channel: number) =>
  new Station({ name: `s${mac}`, mac, channel, phy: ERP, receivesBroadcast: true, maxAggregate: 1, cwMin: 15, owner: { received: () => {}, sent: () => {} } })

const data = (id: number, src: number): Frame => {
  const f = new Frame(id, FrameKind.Data, src, 0x020000100000, AP)
  f.ra = AP
  f.payloadBytes = udpPacketBytes(100)
  f.payload = Payload.Udp
  return f
}

const ppdu = (s: Station, frames: Array<Frame>, startNs: number, over: Partial<PpduOnAir> = {}): PpduOnAir => ({
  channel: s.channel, startNs, station: s, frames, phy: ERP, psduBytes: frameMpduBytes(frames[0]!, true), collided: false,
  arrived: frames, answered: true, answerLost: false, signalDbm: -60, ...over
})

/**
 * 400 exchanges on three channels, each reported when it ends, up to half the window after it began,
 * so many records arrive before ones already held.
 */
const threeChannels = () => {
  const stations = [station(0x020000000200, 1), station(0x020000000201, 6), station(0x020000000202, 11)]
  let seed = 7
  const draw = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  return Array.from({ length: 400 }, (_, i) => {
    const startNs = i * 40_000 + Math.floor(draw() * 40_000)
    return { s: stations[i % 3]!, id: i + 1, startNs, endNs: startNs + 100_000 + Math.floor(draw() * (MAX_EXCHANGE_NS / 2)) }
  }).sort((x, y) => x.endNs - y.endNs)
}
/** The smallest chunk: the file header and one record of the largest size. Every record after the first makes it hand over, move the window and often grow. */
const SMALLEST_CHUNK_BYTES = 24 + 16_384

describe("AirCapture: PPDUs to pcap records", () => {
  it("writes records in time order across channels although exchanges are reported when they end", () => {
    const c = collector()
    const capture = new AirCapture(c.sink, ERP)
    const a = station(0x020000000200, 1)
    const b = station(0x020000000201, 11)
    // A long exchange on channel 1 ends after a short one on channel 11 that started later.
    capture.ppdu(ppdu(b, [data(1, b.mac)], 1_000_000), 1_300_000)
    capture.ppdu(ppdu(a, [data(2, a.mac)], 500_000), 2_000_000)
    capture.flush()
    const file = readPcap(c.bytes())
    // Each MPDU is 26 + 8 + 128 + 4 = 166 bytes: 20 µs + 4 µs × ⌈(16 + 1328 + 6) / 216⌉ + 6 µs = 54 µs at 54 Mb/s; the Ack follows SIFS (10 µs) later.
    assert.deepStrictEqual(file.records.map((r) => r.timeNs / 1000), [500, 500 + 54 + 10, 1000, 1000 + 54 + 10])
    assert.strictEqual(capture.counts.records, 4)
  })

  it("gives the same file whatever its chunk size: records are moved in front of later ones, the chunk grows past a window that fills it", () => {
    const exchanges = threeChannels()
    const run = (chunkBytes: number | undefined) => {
      const c = collector()
      const capture = new AirCapture(c.sink, ERP, chunkBytes)
      for (const e of exchanges) capture.ppdu(ppdu(e.s, [data(e.id, e.s.mac)], e.startNs), e.endNs)
      capture.flush()
      return c.bytes()
    }
    const whole = run(undefined)
    const small = run(SMALLEST_CHUNK_BYTES)
    assert.deepStrictEqual(small, whole)
    const times = readPcap(whole).records.map((r) => r.timeNs)
    assert.strictEqual(times.length, 800)
    assert.deepStrictEqual(times, [...times].sort((a, b) => a - b))
    // Every exchange's data record is there once, at its start, and its Ack 54 + 10 µs later (as above).
    const expected = exchanges.flatMap((e) => [e.startNs, e.startNs + 64_000]).sort((a, b) => a - b)
    assert.deepStrictEqual(times, expected)
  })

  it("hands the sink bytes it may keep: a sink that holds on to every chunk, as a stream's write does, gets the file a copying one gets", () => {
    const exchanges = threeChannels()
    const kept: Array<Uint8Array> = []
    const copied: Array<Uint8Array> = []
    const capture = new AirCapture((bytes) => {
      kept.push(bytes)
      copied.push(bytes.slice())
    }, ERP, SMALLEST_CHUNK_BYTES)
    for (const e of exchanges) capture.ppdu(ppdu(e.s, [data(e.id, e.s.mac)], e.startNs), e.endNs)
    capture.flush()
    assert.isAbove(kept.length, 10, "hand-overs with records left in the window")
    assert.deepStrictEqual(kept, copied)
    const file = new Uint8Array(kept.reduce((n, k) => n + k.length, 0))
    kept.reduce((at, k) => (file.set(k, at), at + k.length), 0)
    assert.strictEqual(readPcap(file).records.length, 800)
  })

  it("reuses its chunk for a sink that is done with the bytes when it returns, and writes the same file", () => {
    const exchanges = threeChannels()
    const run = (sinkOf: (chunks: Array<Uint8Array>) => (bytes: Uint8Array) => void) => {
      const chunks: Array<Uint8Array> = []
      const capture = new AirCapture(sinkOf(chunks), ERP, SMALLEST_CHUNK_BYTES)
      for (const e of exchanges) capture.ppdu(ppdu(e.s, [data(e.id, e.s.mac)], e.startNs), e.endNs)
      capture.flush()
      return chunks
    }
    const buffers = new Set<ArrayBufferLike>()
    const atOnce = run((chunks) => pcapSinkUsingBytesAtOnce((bytes) => {
      buffers.add(bytes.buffer)
      chunks.push(bytes.slice())
    }))
    const kept = run((chunks) => (bytes) => void chunks.push(bytes))
    assert.deepStrictEqual(Buffer.concat(atOnce), Buffer.concat(kept))
    // One buffer per size the chunk grew to, not one per hand-over.
    assert.isBelow(buffers.size, atOnce.length / 2)
  })

  it("gives a retry the same sequence number with Retry set, flags a lost MPDU and a lost Ack, counts the failed exchanges", () => {
    const c = collector()
    const capture = new AirCapture(c.sink, ERP)
    const s = station(0x020000000200, 6)
    const f = data(1, s.mac)
    capture.ppdu(ppdu(s, [f], 0, { arrived: [], answered: false }), 100_000)
    capture.ppdu(ppdu(s, [f], 200_000, { answerLost: true }), 300_000)
    capture.ppdu(ppdu(s, [f], 400_000), 500_000)
    capture.ppdu(ppdu(s, [data(2, s.mac)], 600_000), 700_000)
    capture.flush()
    const records = readPcap(c.bytes()).records.map((r) => {
      const rt = readRadiotap(r.data)
      return { r, rt, h: readDot11(r.data, rt.lengthBytes) }
    })
    assert.deepStrictEqual(records.map(({ h }) => h.sequence), [0, 0, undefined, 0, undefined, 1, undefined])
    assert.deepStrictEqual(records.map(({ h }) => (h.flags & 0x08) !== 0), [false, true, false, true, false, false, false])
    assert.deepStrictEqual(records.map(({ rt }) => (rt.flags & RadiotapFlag.BadFcs) !== 0), [true, false, true, false, false, false, false])
    // The flagged ones' FCS is wrong, the others' right: the CRC-32 of the rest of the MPDU (802.11-2016 9.2.4.8), as zlib computes it.
    assert.deepStrictEqual(records.map(fcsRight), [false, true, false, true, true, true, true])
    assert.deepStrictEqual(capture.counts, { records: 7, ppdus: 4, mpdus: 4, retries: 2, badFcs: 1, answers: 3, answersLost: 1, failedExchanges: 2 })
  })

  it("numbers QoS Data per <receiver, TID> and the rest from one counter: an AP's beacons leave no holes in its data to a station, a retry keeps its number, a QoS Null takes none", () => {
    const c = collector()
    const capture = new AirCapture(c.sink, ERP)
    const ap = station(AP, 6)
    const [sta1, sta2] = [0x020000000200, 0x020000000201]
    const beacon = (id: number): Frame => {
      const f = new Frame(id, FrameKind.Beacon, AP, BROADCAST, AP)
      f.info = { ssid: "lab", channel: 6, tim: makeTim([], 0, 1), beaconIntervalNs: 102_400_000 }
      f.payloadBytes = managementBodyBytes(FrameKind.Beacon, { ssidBytes: 3, rsn: false, ht: false, wmm: true, erp: true })
      return f
    }
    const down = (id: number, to: number): Frame => {
      const f = new Frame(id, FrameKind.Data, 0x020000100000, to, AP)
      f.payloadBytes = udpPacketBytes(100)
      f.payload = Payload.Udp
      return f
    }
    const retried = down(4, sta1)
    const sent: Array<[Frame, Partial<PpduOnAir>]> = [
      [beacon(1), { answered: false }],
      [down(2, sta1), {}],
      [beacon(3), { answered: false }],
      [retried, { arrived: [], answered: false }],
      [down(5, sta2), {}],
      [retried, {}],
      [new Frame(6, FrameKind.QosNull, AP, sta1, AP), {}],
      [down(7, sta1), {}],
      [beacon(8), { answered: false }]
    ]
    sent.forEach(([f, over], i) => capture.ppdu(ppdu(ap, [f], i * 1_000_000, over), i * 1_000_000 + 500_000))
    capture.flush()
    const headers = readPcap(c.bytes()).records.map((r) => readDot11(r.data, readRadiotap(r.data).lengthBytes)).filter((h) => h.type !== 1)
    // 802.11-2016 10.3.2.11.2: beacons 0, 1, 2 from the shared counter; to sta1 0, 1 (twice: the
    // retry), then 2 after the QoS Null (any value: 0 here); to sta2 its own 0.
    assert.deepStrictEqual(headers.map((h) => h.sequence), [0, 0, 1, 1, 0, 1, 0, 2, 2])
    assert.deepStrictEqual(headers.map((h) => (h.flags & 0x08) !== 0), [false, false, false, false, false, true, false, false, false])
  })

  it("refuses a record that would go before one already written (an exchange longer than its window)", () => {
    const capture = new AirCapture(() => {}, ERP)
    const s = station(0x020000000200, 6)
    capture.ppdu(ppdu(s, [data(1, s.mac)], 3 * MAX_EXCHANGE_NS), 3 * MAX_EXCHANGE_NS + 100_000)
    capture.ppdu(ppdu(s, [data(2, s.mac)], 5 * MAX_EXCHANGE_NS), 5 * MAX_EXCHANGE_NS + 100_000)
    assert.throws(() => capture.ppdu(ppdu(s, [data(3, s.mac)], MAX_EXCHANGE_NS), 6 * MAX_EXCHANGE_NS), /MAX_EXCHANGE_NS/)
  })
})

/** Whether a record's FCS is the CRC-32 of its MPDU's other bytes, sent least significant octet first. */
const fcsRight = ({ r, rt }: { r: { data: Uint8Array }; rt: { lengthBytes: number } }): boolean =>
  new DataView(r.data.buffer, r.data.byteOffset, r.data.length).getUint32(r.data.length - 4, true) === crc32(r.data.subarray(rt.lengthBytes, r.data.length - 4))

/** Each record's radiotap fields and MAC header. */
const decoded = (file: PcapFile) =>
  file.records.map((r) => {
    const rt = readRadiotap(r.data)
    return { r, rt, h: readDot11(r.data, rt.lengthBytes) }
  })

const isAnswer = (h: { type: number; subtype: number }): boolean => h.type === 1 && (h.subtype === 13 || h.subtype === 9)

/** What the file says against what the air counted. */
const checkAgainstAir = (file: PcapFile, counts: AirCapture["counts"], air: { exchanges: number; collisions: number; retries: number; answersLost: number; collisionsByStation: Record<string, number> }) => {
  const d = decoded(file)
  assert.strictEqual(file.linkType, LINKTYPE_IEEE802_11_RADIOTAP)
  assert.isTrue(file.nanosecondResolution)
  assert.strictEqual(file.records.length, counts.records)
  for (let i = 1; i < d.length; i++) assert.isAtLeast(d[i]!.r.timeNs, d[i - 1]!.r.timeNs, `record ${i + 1} goes back in time`)
  for (const [i, x] of d.entries()) assert.strictEqual(fcsRight(x), (x.rt.flags & RadiotapFlag.BadFcs) === 0, `record ${i + 1}: its FCS says what its flag says`)
  // PPDUs: one per record, an A-MPDU's subframes one for all.
  const ampdus = new Set<number>()
  let ppdus = 0
  let lostAnswers = 0
  for (const { rt, h } of d) {
    if (isAnswer(h)) {
      if (rt.flags & RadiotapFlag.BadFcs) lostAnswers++
      continue
    }
    if (rt.ampdu === undefined) ppdus++
    else if (!ampdus.has(rt.ampdu.reference)) {
      ampdus.add(rt.ampdu.reference)
      ppdus++
    }
  }
  assert.strictEqual(ppdus, counts.ppdus)
  const inCollisions = Object.values(air.collisionsByStation).reduce((a, b) => a + b, 0)
  // The air counts an exchange when it starts; one may still be on the air when the run stops.
  const inFlight = air.exchanges - air.collisions + inCollisions - ppdus
  assert.isTrue(inFlight === 0 || inFlight === 1, `${inFlight} PPDUs missing`)
  assert.strictEqual(lostAnswers, air.answersLost)
  assert.strictEqual(counts.failedExchanges, air.retries)
  return d
}

/**
 * 802.11-2016 10.3.2.11.2: the new MPDUs (Retry clear) of one transmitter's individually addressed
 * QoS Data to one receiver (TID 0 throughout) count up by one, whatever else it sends between them;
 * returns how many such links there were.
 */
const checkQosDataSequences = (d: ReturnType<typeof decoded>): number => {
  const last = new Map<string, number>()
  for (const { h } of d) {
    if (h.type !== 2 || h.subtype !== 8 || (h.flags & 0x08) !== 0 || h.addr1 === BROADCAST) continue
    const link = `${h.addr2}>${h.addr1} TID ${h.qosControl! & 0x0f}`
    const previous = last.get(link)
    if (previous !== undefined) assert.strictEqual(h.sequence, (previous + 1) % 4096, `QoS Data ${link}`)
    last.set(link, h.sequence!)
  }
  return last.size
}

describe("AirCapture: a run's capture read back", () => {
  it.effect("runScenario's sink may be a Node write stream's write: the file it writes is the one a copying sink gets", () =>
    Effect.gen(function*() {
      const scenario = yield* Effect.orDie(decodeScenario({ durationSeconds: 1.5, warmupSeconds: 0 }))
      const path = join(mkdtempSync(join(tmpdir(), "vwifi-")), "air.pcap")
      const stream = createWriteStream(path)
      yield* Effect.orDie(runScenario(scenario, { seed: 3, pcap: (bytes) => void stream.write(bytes) }))
      yield* Effect.promise(() => new Promise<void>((resolve) => stream.end(resolve)))
      const copies: Array<Uint8Array> = []
      yield* Effect.orDie(runScenario(scenario, { seed: 3, pcap: (bytes) => void copies.push(bytes.slice()) }))
      const written = new Uint8Array(readFileSync(path))
      assert.isAbove(readPcap(written).records.length, 1000)
      assert.deepStrictEqual(written, new Uint8Array(Buffer.concat(copies)))
    }), 60_000)

  it.effect("the default scenario (WPA2, 802.11g 54 Mb/s): beacons with the SSID, the handshake, CCMP data at 54 Mb/s, Acks", () =>
    Effect.gen(function*() {
      const { file, counts, air } = yield* captured({ durationSeconds: 2, warmupSeconds: 0 }, 1.5)
      const d = checkAgainstAir(file, counts, air)
      const beacon = d.find(({ h }) => h.type === 0 && h.subtype === 8)!
      assert.strictEqual(beacon.h.addr1, BROADCAST)
      assert.strictEqual(beacon.rt.rateMbps, 6)
      const elements = readElements(beacon.r.data, beacon.h.bodyOffset + 12, beacon.r.data.length - 4)
      assert.strictEqual(new TextDecoder().decode(elements.get(0)), "lab")
      assert.isTrue(elements.has(48), "a WPA2 AP's beacon carries its RSN element")
      // Radiotap's TSFT is the MPDU's first bit: behind ERP-OFDM's 20 µs of preamble and SIGNAL (Table
      // 17-5). The Timestamp's first bit at 6 Mb/s is in data symbol ⌊(16 + 24 × 8) / 24⌋ = 8: 32 µs on,
      // on the AP's own TSF: apart from the capturing radio's by an offset that grows at the AP's clock
      // drift (a straight line, at most 50 ppm: two crystals within ±25 ppm), and a multiple of the
      // interval (100 TU = 102,400 µs) at each TBTT, which the beacon follows by its channel access,
      // behind at most one of the VM's exchanges (about 0.3 ms at 54 Mb/s): under 1 ms.
      const points: Array<{ readonly tsftUs: number; readonly offsetUs: number }> = []
      for (const { r, rt, h } of d.filter(({ h }) => h.type === 0 && h.subtype === 8)) {
        assert.strictEqual(rt.tsftUs, Math.floor(r.timeNs / 1000) + 20)
        const body = new DataView(r.data.buffer, r.data.byteOffset + h.bodyOffset)
        const timestampUs = body.getUint32(4, true) * 2 ** 32 + body.getUint32(0, true)
        points.push({ tsftUs: rt.tsftUs!, offsetUs: timestampUs - (rt.tsftUs! + 32) })
        assert.isBelow((timestampUs - 20 - 32) % 102_400, 1_000)
      }
      const first = points[0]!
      const last = points[points.length - 1]!
      const slope = (last.offsetUs - first.offsetUs) / (last.tsftUs - first.tsftUs)
      assert.isAtMost(Math.abs(slope), 50e-6)
      // Each on the line through the first and the last, to the µs both clocks count in.
      for (const p of points) assert.closeTo(p.offsetUs, first.offsetUs + slope * (p.tsftUs - first.tsftUs), 2)
      // Its association responses say Privacy (Capability bit 4, 802.11-2016 9.4.1.4).
      const responses = d.filter(({ h }) => h.type === 0 && h.subtype === 1)
      assert.isAbove(responses.length, 0)
      for (const { r, h } of responses) assert.strictEqual(new DataView(r.data.buffer, r.data.byteOffset).getUint16(h.bodyOffset, true) & 0x0010, 0x0010)
      const subtypes = new Set(d.map(({ h }) => `${h.type}/${h.subtype}`))
      for (const s of ["0/4", "0/5", "0/11", "0/0", "0/1", "2/8", "1/13"]) assert.isTrue(subtypes.has(s), `no frame of type/subtype ${s}`)
      const qosData = d.filter(({ h }) => h.type === 2 && h.subtype === 8)
      const eapol = qosData.filter(({ h }) => (h.flags & 0x40) === 0)
      assert.strictEqual(eapol.length, 4, "the 4-way handshake in the clear")
      // EAPOL-Key frames go at user priority 7 (mac80211's control port, net/mac80211/wme.c): TID 7,
      // AC_VO (802.11-2016 Table 10-1), both ways; the data at TID 0, best effort.
      for (const { h } of eapol) assert.strictEqual(h.qosControl! & 0x0f, 7, "an EAPOL-Key frame's TID")
      assert.deepStrictEqual(new Set(eapol.map(({ h }) => h.flags & 0x03)), new Set([0x01, 0x02]), "from the station (To DS) and from the AP (From DS)")
      const protectedData = qosData.filter(({ h }) => (h.flags & 0x40) !== 0)
      assert.isAbove(protectedData.length, 1000)
      for (const { rt, h } of protectedData) {
        assert.strictEqual(h.qosControl! & 0x0f, 0, "a data frame's TID")
        assert.strictEqual(rt.rateMbps, 54)
        assert.strictEqual(rt.channelMhz, 2437)
        assert.strictEqual(h.flags & 0x03, 0x01, "uplink goes To DS")
        assert.strictEqual(h.addr1, AP)
      }
      // Sequence numbers of one transmitter's new MPDUs count up by one.
      const sns = protectedData.filter(({ h }) => (h.flags & 0x08) === 0).map(({ h }) => h.sequence!)
      for (let i = 1; i < sns.length; i++) assert.strictEqual(sns[i], (sns[i - 1]! + 1) % 4096)
    }), 60_000)

  it.effect("802.11n HT40 (four VMs): A-MPDUs with the MCS field, answered by BlockAcks at the control-response rate", () =>
    Effect.gen(function*() {
      const { file, counts, air } = yield* captured(fourVmsHt40, 0.5)
      const d = checkAgainstAir(file, counts, air)
      const subframes = d.filter(({ rt }) => rt.ampdu !== undefined)
      assert.isAbove(subframes.length, 1000)
      for (const { rt } of subframes) assert.deepStrictEqual(rt.mcs, { known: 0x7f, flags: 0x05, index: 15 })
      // TSFT behind HT-mixed's preamble for two streams: 20 + HT-SIG 8 + HT-STF 4 + 2 HT-LTFs × 4 = 40 µs (19.4.3).
      for (const { r, rt } of subframes) assert.strictEqual(rt.tsftUs, Math.floor(r.timeNs / 1000) + 40)
      const blockAcks = d.filter(({ h }) => h.type === 1 && h.subtype === 9)
      assert.isAbove(blockAcks.length, 10)
      for (const { rt } of blockAcks) assert.strictEqual(rt.rateMbps, 24)
      assert.strictEqual(checkQosDataSequences(d), 4 + 4 + 4, "each VM's data to the AP (TID 0), its EAPOL-Key frames to the AP and the AP's to it (TID 7)")
    }), 60_000)

  it.effect("802.11n HT40 on 5 GHz channel 36: radiotap's 5 GHz channel, beacons whose HT Operation puts the secondary channel above and carry no ERP element", () =>
    Effect.gen(function*() {
      const ht40At36 = { ...fourVmsHt40, card: { ...fourVmsHt40.card, channel: 36 }, driver: { scanChannels: [36] } }
      const { file, counts, air } = yield* captured(ht40At36, 0.5)
      const d = checkAgainstAir(file, counts, air)
      // Channel 36 is 5180 MHz (5000 + 5 × 36, 802.11-2016 19.3.15.4); radiotap's 5 GHz flag is 0x0100.
      for (const { rt } of d) assert.deepStrictEqual([rt.channelMhz, rt.channelFlags! & 0x0180], [5180, 0x0100])
      const beacons = d.filter(({ h }) => h.type === 0 && h.subtype === 8)
      assert.isAbove(beacons.length, 0)
      for (const { r, h } of beacons) {
        const e = readElements(r.data, h.bodyOffset + 12, r.data.length - 4)
        assert.isFalse(e.has(42), "no ERP element in 5 GHz (9.4.2.12)")
        // Table E-4, operating class 116: channel 36's secondary (40) lies above: offset 1, STA Channel Width bit 2.
        assert.deepStrictEqual([...e.get(61)!.subarray(0, 2)], [36, 0b101])
      }
    }), 60_000)

  it.effect("power save: null data with the PM bit, PS-Polls, and beacons whose TIM names a dozing station", () =>
    Effect.gen(function*() {
      const { file, counts, air } = yield* captured(powerSave, 20)
      const d = checkAgainstAir(file, counts, air)
      assert.isTrue(d.some(({ h }) => h.type === 2 && h.subtype === 4 && (h.flags & 0x10) !== 0), "a null-data frame with PM set")
      assert.isTrue(d.some(({ h }) => h.type === 1 && h.subtype === 10), "a PS-Poll")
      const tims = d.filter(({ h }) => h.type === 0 && h.subtype === 8).map(({ r, h }) => readElements(r.data, h.bodyOffset + 12, r.data.length - 4).get(5)!)
      assert.isTrue(tims.some((t) => t.subarray(3).some((octet) => octet !== 0)), "a TIM with a station's bit set")
      // The AP's data to each station between its beacons: no holes.
      assert.isAtLeast(checkQosDataSequences(d), 2)
      // Each station's first association request announces its VM's listen interval (the scenario's; 1 when it names none).
      const announced = new Map<number, number>()
      for (const { r, h } of d) {
        if (h.type === 0 && h.subtype === 0 && !announced.has(h.addr2!)) announced.set(h.addr2!, new DataView(r.data.buffer, r.data.byteOffset).getUint16(h.bodyOffset + 2, true))
      }
      const configured = powerSave.vms.map((vm) => (vm.powerSave as { listenInterval?: number }).listenInterval ?? 1)
      assert.deepStrictEqual([...announced.values()].sort(), [...configured].sort())
    }), 120_000)

  it.effect("TCP both ways on an open link: checksums that verify, and every ACK names where a segment of its connection starts or ends", () =>
    Effect.gen(function*() {
      const scenario = {
        durationSeconds: 5,
        warmupSeconds: 0,
        aps: [{ ssid: "open", bssid: "02:00:00:00:01:00", security: { kind: "open" } }],
        vms: [{
          name: "both",
          ssid: "open",
          traffic: [{ kind: "tcp-tx", offeredMbps: 2, payloadBytes: 1000 }, { kind: "tcp-rx", offeredMbps: 2, payloadBytes: 700 }]
        }]
      }
      const { file, counts, air } = yield* captured(scenario, 2)
      const d = checkAgainstAir(file, counts, air)
      const boundaries = new Map<string, Set<number>>()
      const acks: Array<{ reverse: string; ack: number }> = []
      const stamps: Array<{ conn: string; reverse: string; tsVal: number; tsEcr: number }> = []
      for (const { r, h } of d) {
        if (h.type !== 2 || (h.subtype & 4) !== 0) continue // data with a body
        const v = new DataView(r.data.buffer, r.data.byteOffset, r.data.length)
        const ip = h.bodyOffset + 8 // behind LLC/SNAP
        if (v.getUint16(ip - 2) !== 0x0800 || r.data[ip + 9] !== 6) continue // IPv4 (RFC 1042 EtherType), TCP
        const total = v.getUint16(ip + 2)
        const tcp = ip + 20
        assert.strictEqual(onesComplementSum(r.data, ip, tcp), 0xffff, "IPv4 header checksum")
        assert.strictEqual(onesComplementSum(r.data, tcp, ip + total, [onesComplementSum(r.data, ip + 12, ip + 20), 6, total - 20]), 0xffff, "TCP checksum")
        const [src, dst] = [`${v.getUint32(ip + 12)}:${v.getUint16(tcp)}`, `${v.getUint32(ip + 16)}:${v.getUint16(tcp + 2)}`]
        // The header's data offset says 32 bytes: NOP, NOP and the timestamps option (RFC 7323 3.2: kind 8, length 10).
        const headerBytes = (r.data[tcp + 12]! >> 4) * 4
        assert.strictEqual(headerBytes, 32)
        assert.deepStrictEqual([...r.data.subarray(tcp + 20, tcp + 24)], [1, 1, 8, 10])
        const [tsVal, tsEcr] = [v.getUint32(tcp + 24), v.getUint32(tcp + 28)]
        stamps.push({ conn: `${src}>${dst}`, reverse: `${dst}>${src}`, tsVal, tsEcr })
        const length = total - 20 - headerBytes
        if (length > 0) {
          const seq = v.getUint32(tcp + 4)
          const set = boundaries.get(`${src}>${dst}`) ?? new Set()
          set.add(seq).add(seq + length)
          boundaries.set(`${src}>${dst}`, set)
        } else acks.push({ reverse: `${dst}>${src}`, ack: v.getUint32(tcp + 8) })
      }
      assert.strictEqual(boundaries.size, 2, "two connections carry data: the station's and the endpoint's")
      assert.deepStrictEqual(new Set(acks.map((a) => a.reverse)), new Set(boundaries.keys()), "both are acknowledged")
      for (const { reverse, ack } of acks) assert.isTrue(boundaries.get(reverse)!.has(ack), `ACK ${ack} on ${reverse}`)
      // Every echo (TSecr) is a timestamp the other side sent on the air before it (0 before any).
      const sent = new Map<string, Set<number>>()
      for (const { conn, reverse, tsVal, tsEcr } of stamps) {
        assert.isTrue(tsEcr === 0 || sent.get(reverse)?.has(tsEcr) === true, `TSecr ${tsEcr} on ${conn}`)
        sent.set(conn, (sent.get(conn) ?? new Set()).add(tsVal))
      }
      assert.isAbove(stamps.filter((x) => x.tsEcr !== 0).length, stamps.length / 2, "most packets echo one")
    }), 120_000)

  it.effect("U-APSD: the stations ask for it, trigger with QoS Nulls (PM set), and each service period ends with EOSP from the AP", () =>
    Effect.gen(function*() {
      const uapsd = JSON.parse(JSON.stringify(powerSave).replaceAll('"legacy"', '"uapsd"'))
      const { file, counts, air } = yield* captured(uapsd, 10)
      const d = checkAgainstAir(file, counts, air)
      // 802.11-2016 Table 9-1: QoS Null is type 2, subtype 12; 9.2.4.5: TID in bits 0–3, EOSP bit 4.
      const qosNulls = d.filter(({ h }) => h.type === 2 && h.subtype === 12)
      for (const { r, rt } of qosNulls) assert.strictEqual(r.data.length - rt.lengthBytes, 24 + 2 + 4, "a QoS Null is a QoS data header and the FCS")
      const triggers = qosNulls.filter(({ h }) => (h.flags & 0x03) === 0x01)
      assert.isAbove(triggers.length, 0, "a station's trigger")
      for (const { h } of triggers) {
        assert.strictEqual(h.flags & 0x10, 0x10, "a trigger keeps the station in power save (PM)")
        assert.strictEqual(h.addr1, AP)
        // TID 7, AC_VO (Table 10-1): mac80211 builds a QoS Null at TID 7 (ieee80211_nullfunc_get, net/mac80211/tx.c).
        assert.strictEqual(h.qosControl, 7)
      }
      const fromAp = d.filter(({ h }) => h.type === 2 && (h.flags & 0x03) === 0x02)
      const ends = fromAp.filter(({ h }) => h.qosControl !== undefined && (h.qosControl & 0x10) !== 0)
      assert.isAbove(ends.length, 0, "a frame from the AP with EOSP")
      // Its data goes best effort (TID 0); its EAPOL-Key frames (in the clear, EtherType 0x888e behind
      // LLC/SNAP) and its QoS Nulls ending a service period at TID 7, AC_VO (mac80211's sta_info.c
      // answers at the highest delivery-enabled AC: all four are).
      const eapol = ({ r, h }: (typeof fromAp)[number]) => h.subtype !== 12 && (h.flags & 0x40) === 0 && r.data[h.bodyOffset + 6] === 0x88 && r.data[h.bodyOffset + 7] === 0x8e
      assert.isAbove(fromAp.filter(eapol).length, 0)
      assert.isAbove(fromAp.filter(({ h }) => h.subtype === 12).length, 0, "a QoS Null from the AP")
      for (const x of fromAp) assert.strictEqual((x.h.qosControl ?? 0) & 0x0f, eapol(x) || x.h.subtype === 12 ? 7 : 0, "TID")
      // The stations' association requests: the WMM Information element's QoS Info has AC_BE's U-APSD flag (bit 3; WMM 2.2.1).
      const requests = d.filter(({ h }) => h.type === 0 && h.subtype === 0)
      assert.isAbove(requests.length, 0)
      for (const { r, h } of requests) {
        const wmm = readElements(r.data, h.bodyOffset + 4, r.data.length - 4).get(221)!
        assert.strictEqual(wmm[6]! & 0x08, 0x08)
      }
    }), 120_000)
})
