/**
 * A capture of the air: every PPDU the air's `ppdu` trace reports, written as pcap (`PcapFormat.ts`)
 * with a radiotap header (`Radiotap.ts`) in front of each 802.11 frame (`FrameEncoder.ts`), as a
 * monitor-mode card beside the medium would see it, on every channel at once.
 *
 * What it records: each PPDU as its transmitter sent it, one record per MPDU (an A-MPDU's subframes
 * share its reference number), stamped with the PPDU's first symbol, radiotap's TSFT at its first
 * data symbol (the MPDU's first bit, `Tsf.ts`); then the receiver's Ack or BlockAck, SIFS after the
 * PPDU, when it sent one. An MPDU its unicast receiver did not get (lost, or in a collision) carries
 * the bad-FCS flag and a wrong FCS; so does an answer the sender did not get. A unicast PPDU no one
 * listened for is recorded whole, and no answer follows it. A group-addressed PPDU carries no bad-FCS
 * flag (each receiver draws its own loss) and the signal of its strongest receiver; a collision
 * carries none. Sequence numbers: as a QoS STA keeps them (`SequenceCounters.ts`: one counter per
 * <receiver, TID> for QoS Data, one for the rest); every attempt of one MPDU has the same number, and
 * every attempt after the first has Retry set.
 *
 * Records reach the sink in time order through a short reorder window (an exchange is reported when it
 * ends, and media on other channels overlap it), in chunks: never one write per frame. Each record is
 * encoded once, straight into the chunk the sink gets; only a record that arrives before records
 * already in the window is moved, and the window's records when a chunk is handed over (they start
 * the next chunk: a new buffer, as the sink may keep the old one, unless it says it is done with it).
 */
import type { PpduOnAir } from "../air/Air.ts"
import { ackDurationNs, blockAckDurationNs, ppduDurationNs } from "../air/Airtime.ts"
import { frameMpduBytes, MAC_HEADER_BYTES } from "../air/FrameBytes.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import { basicRateFor } from "../air/RateTable.ts"
import { ACK_BYTES, BLOCK_ACK_BYTES, FCS_BYTES, MAX_AMPDU_MPDUS, timingsFor } from "../air/Timing.ts"
import { BROADCAST, FrameKind, Payload } from "../vocabulary/Frame.ts"
import { TCP_IP_OVERHEAD_BYTES } from "../vocabulary/PacketHeaders.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import { encodeAck, encodeBlockAck, encodeMpdu, SEQUENCE_NUMBER_MODULO, tidOf } from "./FrameEncoder.ts"
import type { MpduContext } from "./FrameEncoder.ts"
import { PCAP_FILE_HEADER_BYTES, PCAP_RECORD_HEADER_BYTES, writeFileHeader, writeRecordHeader } from "./PcapFormat.ts"
import { RadiotapFlag, radiotapBytes, writeRadiotap } from "./Radiotap.ts"
import { SequenceCounters } from "./SequenceCounters.ts"
import { TcpSegmentSizes } from "./TcpSegmentSizes.ts"
import { tsfOfPsduByteUs } from "./Tsf.ts"

/**
 * Where the capture's bytes go, a chunk at a time. The sink may keep what it is given (a Node
 * stream's `write` may be the sink): the capture never writes to those bytes again, unless the sink
 * says it is done with them when it returns (`pcapSinkUsingBytesAtOnce`).
 */
export type PcapSink = (bytes: Uint8Array) => void

/** The mark of a sink that is done with the bytes when it returns. */
const USES_BYTES_AT_ONCE = Symbol("vwifi.pcapSinkUsesBytesAtOnce")

/**
 * `sink`, marked as done with the bytes when it returns (it writes them synchronously, or copies
 * them): the capture then hands over its one chunk again and again. Otherwise each hand-over needs a
 * new chunk, a megabyte of fresh memory that the garbage collector sees as external memory and answers
 * with full collections (33 where there was 1, 330 MB captured in a micro-benchmark).
 */
export const pcapSinkUsingBytesAtOnce = (sink: PcapSink): PcapSink => Object.assign((bytes: Uint8Array) => sink(bytes), { [USES_BYTES_AT_ONCE]: true })

const usesBytesAtOnce = (sink: PcapSink): boolean => (sink as { readonly [USES_BYTES_AT_ONCE]?: boolean })[USES_BYTES_AT_ONCE] === true

/** The capture's buffer: bytes handed to the sink at once. */
export const CAPTURE_CHUNK_BYTES = 1 << 20
/**
 * The longest exchange, with margin: its PPDU at most 5.49 ms (the HT-mixed PPDU's 5.484 ms,
 * 802.11-2016 19.3.9.3.5, or 4095 bytes at 6 Mb/s, Table 18-5, plus the signal extension), then SIFS
 * and a BlockAck or the Ack timeout. A record is written once no exchange still to end can start
 * before it: when the exchange now ending ends this long after it.
 */
export const MAX_EXCHANGE_NS = 10_000_000
/**
 * Room for one record: its header, the radiotap header and the largest MPDU, far above what a frame
 * of the model reaches (an MSDU is at most 2304 bytes, 802.11-2016 9.2.4.7.1, and the model sends no A-MSDU).
 */
const MAX_RECORD_BYTES = 16_384
/** Window entries committed before the window's arrays are cut back (a cut costs a copy of what is left). */
const WINDOW_COMPACT_ENTRIES = 1024
/**
 * What a frame flagged bad-FCS has its FCS XORed with: all ones, so it is wrong whatever it was and a
 * dissector that checks it finds it wrong, as the radiotap flag says (radiotap.org "Flags", 0x40).
 */
const BAD_FCS_MASK = 0xffff_ffff
/** Nanoseconds per microsecond (radiotap's TSFT and the Duration field count µs). */
const NS_PER_US = 1_000

/** What the capture wrote, to compare with the air's counters (`AirStats`). */
export interface CaptureCounts {
  /** pcap records: MPDUs and answers. */
  records: number
  /** PPDUs transmitted (each transmitter of a collision sends its own): exchanges − collisions + Σ collisionsByStation. */
  ppdus: number
  /** MPDUs in them. */
  mpdus: number
  /** MPDUs with Retry set. */
  retries: number
  /** MPDUs with the bad-FCS flag: lost or collided. */
  badFcs: number
  /** Acks and BlockAcks recorded, and those the sender did not get (`AirStats.answersLost`). */
  answers: number
  answersLost: number
  /** Unicast PPDUs not acknowledged whole: each is one of the air's retries (`AirStats.retries`). */
  failedExchanges: number
}

export class AirCapture {
  readonly counts: CaptureCounts = { records: 0, ppdus: 0, mpdus: 0, retries: 0, badFcs: 0, answers: 0, answersLost: 0, failedExchanges: 0 }
  private readonly sink: PcapSink
  /** The sink is done with the bytes when it returns: the chunk is used again (`pcapSinkUsingBytesAtOnce`). */
  private readonly reuseChunk: boolean
  /**
   * The bytes not yet handed to the sink. Records are encoded straight into it: [0, committed) is
   * final (no exchange still to end can precede it), [committed, used) is the reorder window's
   * records, in time order.
   */
  private chunk: Uint8Array
  private chunkView: DataView
  private committed = 0
  private used = 0
  /** The window's records, oldest first from `windowHead`: each one's time and where it starts in the chunk. */
  private readonly windowTimes: Array<number> = []
  private readonly windowStarts: Array<number> = []
  private windowHead = 0
  private lastCommittedNs = 0
  /** Where a record that arrived out of time order waits while the later ones move up (rare: another channel's exchange). */
  private readonly scratch = new Uint8Array(MAX_RECORD_BYTES)
  private readonly sequences = new SequenceCounters()
  private readonly tcp = new TcpSegmentSizes()
  private ampduReference = 0
  private readonly context: MpduContext

  /** `bssPhy`: the BSS's data PHY, which the HT elements of its management frames describe. */
  constructor(sink: PcapSink, bssPhy: PhyConfig, chunkBytes = CAPTURE_CHUNK_BYTES) {
    if (chunkBytes < PCAP_FILE_HEADER_BYTES + MAX_RECORD_BYTES) throw new RangeError(`a capture chunk must hold a record: ${chunkBytes} bytes is too small`)
    this.sink = sink
    this.reuseChunk = usesBytesAtOnce(sink)
    this.chunk = new Uint8Array(chunkBytes)
    this.chunkView = new DataView(this.chunk.buffer)
    this.used = writeFileHeader(this.chunkView, 0)
    this.committed = this.used
    this.context = { ta: 0, fromAp: false, sequence: 0, packetNumber: 0, retry: false, durationUs: 0, qos: false, tcpSegmentBytes: 0, tsfUs: 0, bssPhy, channel: 0 }
  }

  /** One PPDU's exchange ended at `nowNs`: its records join the window; those no later exchange can precede are committed. */
  ppdu(p: PpduOnAir, nowNs: number): void {
    const { frames, station } = p
    const head = frames[0]!
    const unicast = head.ra !== BROADCAST
    const aggregated = frames.length > 1
    const reference = aggregated ? this.ampduReference++ : -1
    const sifsNs = timingsFor(p.phy).sifsNs
    const answerNs = aggregated ? blockAckDurationNs(p.phy) : ackDurationNs(p.phy)
    const c = this.context
    c.durationUs = unicast ? Math.ceil((sifsNs + answerNs) / NS_PER_US) : 0 // 9.2.5.2, 9.2.5.7
    c.qos = station.qos
    // A beacon's or probe response's Timestamp follows its MAC header; other frames have none.
    // Its AP's TSF, which runs apart from the capturing radio's (the run's clock: radiotap's TSFT), and
    // at its own rate (the PPDU's few hundred µs at the run's rate: under 0.1 ns apart at 200 ppm).
    c.tsfUs = head.kind === FrameKind.Beacon || head.kind === FrameKind.ProbeResponse
      ? tsfOfPsduByteUs(p.phy, p.startNs * (head.info?.tsfRate ?? 1) + (head.info?.tsfOffsetNs ?? 0), MAC_HEADER_BYTES)
      : 0
    const tsftUs = tsfOfPsduByteUs(p.phy, p.startNs, 0) // every subframe of an A-MPDU carries the PPDU's
    c.channel = p.channel
    this.counts.ppdus++
    let arrivedAt = 0
    let missed = 0
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i]!
      // The BSS's AP sends as its BSSID; a card sends as the vMAC (or scanner) the frame is from.
      c.fromAp = station.mac === f.bssid
      c.ta = c.fromAp ? station.mac : f.src
      let n = f.macSequence
      c.retry = n >= 0
      if (n < 0) {
        n = this.sequences.next(f, c.ta, c.qos, tidOf(f.kind))
        f.macSequence = n
      }
      c.sequence = n % SEQUENCE_NUMBER_MODULO
      c.packetNumber = n + 1 // CCMP's PN starts at 1 and never repeats under a key (12.5.3.4.4)
      // TCP headers are written on open links only (CCMP's body is zeros).
      if (f.kind === FrameKind.Data && !f.protected) {
        if (f.payload === Payload.TcpData) this.tcp.noteData(f.src, f.dst, f.payloadBytes - TCP_IP_OVERHEAD_BYTES)
        else if (f.payload === Payload.TcpAck) c.tcpSegmentBytes = this.tcp.of(f.dst, f.src)
      }
      // `arrived` keeps the order of `frames`.
      const got = p.arrived === undefined ? !p.collided : p.arrived[arrivedAt] === f
      if (got && p.arrived !== undefined) arrivedAt++
      const bad = p.collided || !got
      if (bad) missed++
      this.record(p.startNs, tsftUs, bad ? RadiotapFlag.BadFcs : 0, p.phy, p.channel, p.signalDbm, reference, i === frames.length - 1, f, station.qos)
      this.counts.mpdus++
      if (c.retry) this.counts.retries++
      if (bad) this.counts.badFcs++
    }
    if (unicast && (p.arrived === undefined || missed > 0 || p.answerLost)) this.counts.failedExchanges++
    if (p.answered) this.answer(p, head, p.startNs + ppduDurationNs(p.phy, p.psduBytes) + sifsNs)
    this.commitUntil(nowNs - MAX_EXCHANGE_NS)
  }

  /** Commits every record still in the window and hands the bytes to the sink: at the end of a run. */
  flush(): void {
    this.commitUntil(Infinity)
    if (this.used === 0) return
    this.sink(this.chunk.subarray(0, this.used))
    if (!this.reuseChunk) this.useChunk(new Uint8Array(this.chunk.length)) // the sink may keep what it got
    this.used = 0
    this.committed = 0
  }

  /** The receiver's Ack (one MPDU) or compressed BlockAck (an A-MPDU, implicit BlockAckReq), at the control-response rate. */
  private answer(p: PpduOnAir, head: Frame, atNs: number): void {
    const ta = this.context.ta // the data's transmitter: the answer's receiver
    const phy = basicRateFor(p.phy)
    const flags = RadiotapFlag.FcsAtEnd | (p.answerLost ? RadiotapFlag.BadFcs : 0)
    const at = this.begin(phy, p.signalDbm, -1)
    let length: number
    if (p.frames.length > 1) {
      const ssn = head.macSequence % SEQUENCE_NUMBER_MODULO
      let low = 0
      let high = 0
      for (const f of p.frames) {
        if (!f.receivedOnAir) continue
        const bit = (f.macSequence - ssn + SEQUENCE_NUMBER_MODULO) % SEQUENCE_NUMBER_MODULO
        if (bit < 32) low |= 1 << bit
        else if (bit < MAX_AMPDU_MPDUS) high |= 1 << (bit - 32)
      }
      length = encodeBlockAck(this.chunk, this.chunkView, at, ta, head.ra, 0, ssn, low, high)
      if (length !== BLOCK_ACK_BYTES) throw new Error(`a BlockAck is ${BLOCK_ACK_BYTES} bytes`)
    } else {
      length = encodeAck(this.chunk, this.chunkView, at, ta, 0)
      if (length !== ACK_BYTES) throw new Error(`an Ack is ${ACK_BYTES} bytes`)
    }
    this.finish(atNs, tsfOfPsduByteUs(phy, atNs, 0), flags, phy, p.channel, p.signalDbm, -1, false, at + length)
    this.counts.answers++
    if (p.answerLost) this.counts.answersLost++
  }

  /**
   * Makes room for one record at the end of the chunk and returns where its MPDU starts, behind the
   * record and radiotap headers (the radiotap header is written last, as it needs the flags; its
   * length is known now).
   */
  private begin(phy: PhyConfig, signalDbm: number, reference: number): number {
    if (this.used + MAX_RECORD_BYTES > this.chunk.length) this.makeRoom()
    return this.used + PCAP_RECORD_HEADER_BYTES + radiotapBytes(phy, !Number.isNaN(signalDbm), reference >= 0)
  }

  private record(timeNs: number, tsftUs: number, flags: number, phy: PhyConfig, channel: number, signalDbm: number, reference: number, last: boolean, f: Frame, qos: boolean): void {
    const at = this.begin(phy, signalDbm, reference)
    const expected = frameMpduBytes(f, qos)
    if (at - this.used + expected > MAX_RECORD_BYTES) throw new RangeError(`frame ${f.id}: a ${expected}-byte MPDU does not fit in a record of ${MAX_RECORD_BYTES} bytes`)
    const length = encodeMpdu(this.chunk, this.chunkView, at, f, this.context)
    if (length !== expected) throw new Error(`frame ${f.id} (kind ${f.kind}) encodes to ${length} bytes, but the air counts ${expected}`)
    this.finish(timeNs, tsftUs, RadiotapFlag.FcsAtEnd | flags, phy, channel, signalDbm, reference, last, at + length)
  }

  /** Completes the record that ends at `end` and puts it in the window, in time order: stamped `timeNs`, radiotap's TSFT `tsftUs`. */
  private finish(timeNs: number, tsftUs: number, flags: number, phy: PhyConfig, channel: number, signalDbm: number, reference: number, last: boolean, end: number): void {
    const view = this.chunkView
    const start = this.used
    if ((flags & RadiotapFlag.BadFcs) !== 0) view.setUint32(end - FCS_BYTES, (view.getUint32(end - FCS_BYTES, true) ^ BAD_FCS_MASK) >>> 0, true)
    writeRadiotap(view, start + PCAP_RECORD_HEADER_BYTES, tsftUs, flags, phy, channel, signalDbm, reference, last)
    writeRecordHeader(view, start, timeNs, end - start - PCAP_RECORD_HEADER_BYTES)
    if (timeNs < this.lastCommittedNs) throw new Error(`a record at ${timeNs} ns comes after one at ${this.lastCommittedNs} ns was written: an exchange outlasted MAX_EXCHANGE_NS`)
    const times = this.windowTimes
    const starts = this.windowStarts
    let i = times.length
    while (i > this.windowHead && times[i - 1]! > timeNs) i--
    if (i === times.length) {
      times.push(timeNs)
      starts.push(start)
    } else {
      // Earlier than records already in the window: it moves in front of them, and they move up.
      const length = end - start
      const at = starts[i]!
      this.scratch.set(this.chunk.subarray(start, end))
      this.chunk.copyWithin(at + length, at, start)
      this.chunk.set(this.scratch.subarray(0, length), at)
      for (let k = i; k < starts.length; k++) starts[k] = starts[k]! + length
      times.splice(i, 0, timeNs)
      starts.splice(i, 0, at)
    }
    this.used = end
    this.counts.records++
  }

  /** Commits the window's records up to `horizonNs`: no exchange still to end can precede them. */
  private commitUntil(horizonNs: number): void {
    const times = this.windowTimes
    let k = this.windowHead
    while (k < times.length && times[k]! <= horizonNs) k++
    if (k === this.windowHead) return
    this.lastCommittedNs = times[k - 1]!
    this.committed = k < times.length ? this.windowStarts[k]! : this.used
    this.windowHead = k
    // The arrays are cut back now and then, not at every commit.
    if (k === times.length || k >= WINDOW_COMPACT_ENTRIES) {
      times.splice(0, k)
      this.windowStarts.splice(0, k)
      this.windowHead = 0
    }
  }

  /**
   * Hands the committed bytes to the sink and moves the window's records to the start of a new chunk,
   * twice as large if the window alone would leave no room for a record; of the same chunk, if the sink
   * is done with the bytes when it returns and they leave room.
   */
  private makeRoom(): void {
    const committed = this.committed
    const windowBytes = this.used - committed
    const grow = windowBytes + MAX_RECORD_BYTES > this.chunk.length
    if (this.reuseChunk && !grow) {
      this.sink(this.chunk.subarray(0, committed))
      this.chunk.copyWithin(0, committed, this.used)
    } else {
      const next = new Uint8Array(grow ? this.chunk.length * 2 : this.chunk.length)
      next.set(this.chunk.subarray(committed, this.used))
      if (committed > 0) this.sink(this.chunk.subarray(0, committed))
      this.useChunk(next)
    }
    const starts = this.windowStarts
    for (let k = this.windowHead; k < starts.length; k++) starts[k] = starts[k]! - committed
    this.used = windowBytes
    this.committed = 0
  }

  private useChunk(chunk: Uint8Array): void {
    this.chunk = chunk
    this.chunkView = new DataView(chunk.buffer)
  }
}
