/**
 * The shells around the TCP state machines for the actors that run them (a guest, an endpoint): they
 * keep one flow's state, arm its timers in virtual time, and hand segments and ACKs to an `emit`
 * callback. Segment n carries bytes n·D..(n+1)·D of an endless stream (D: a segment's data), which
 * the application writes as fast as TCP takes it (bulk) or at a fixed rate (`PacedApp`). Every
 * segment and ACK carries the timestamps option: its TSval is the frame's `createdNs`, its TSecr the
 * frame's `echoNs`.
 */
import type { Kernel } from "../kernel/Kernel.ts"
import type { Timer } from "../kernel/TimerHeap.ts"
import { PACE_PERIOD_NS, TCP_SEND_BUFFER_SEGMENTS } from "../vocabulary/ModelConstants.ts"
import * as Writer from "./PacedWriter.ts"
import { sackOptionBytes, TCP_IP_OVERHEAD_BYTES, TCP_TIMESTAMPS_OPTION_BYTES } from "../vocabulary/PacketHeaders.ts"
import * as Rx from "./TcpReceiver.ts"
import * as Sender from "./TcpSender.ts"
import * as Sack from "./TcpSack.ts"

/** Maximum segment size, the MSS option's value (Ethernet MTU 1500 − 40 bytes of IP and TCP headers). */
export const MSS_BYTES = 1460

/**
 * The data a full segment carries under an MSS of `mssBytes`: the MSS counts no TCP option, so the
 * timestamps option comes out of it (RFC 9293 3.7.1; Linux's mss_cache, 1448 for an MSS of 1460).
 */
export const segmentDataBytes = (mssBytes: number): number => mssBytes - TCP_TIMESTAMPS_OPTION_BYTES

/** The IP packet carrying one full segment under an MSS of `mssBytes` (1500 bytes for 1460). */
export const segmentPacketBytes = (mssBytes: number): number => segmentDataBytes(mssBytes) + TCP_IP_OVERHEAD_BYTES
/** The IP packet carrying a bare ACK. */
export const ACK_PACKET_BYTES = TCP_IP_OVERHEAD_BYTES

/** The IP packet carrying an ACK with the SACK blocks `sack` (flat ranges, `TcpSack`). */
export const ackPacketBytes = (sack: ReadonlyArray<number>): number => ACK_PACKET_BYTES + sackOptionBytes(sack.length / 2)

export interface SenderPort {
  /** Packets the sender may hand down now (TX ring or queue room). */
  readonly room: () => number
  /**
   * Hands segments first..first+count−1 down (one doorbell for the batch), stamped now (TSval) and
   * echoing `echoNs` (TSecr); returns how many were taken.
   */
  readonly emitSegments: (first: number, count: number, echoNs: number) => number
}

/** An application that writes at a fixed rate; `wake` asks the owner to call `TcpSenderFlow.wake` (through its mailbox). */
export interface PacedApp {
  readonly segmentsPerNs: number
  readonly wake: () => void
}

export class TcpSenderFlow {
  state: Sender.SenderState
  /** TS.Recent: the newest timestamp of the peer's ACKs, which the segments echo. */
  private tsRecentNs = Sender.NO_ECHO
  private readonly kernel: Kernel
  private readonly port: SenderPort
  private readonly onTimer: (generation: number) => void
  private readonly app: PacedApp | undefined
  private writer: Writer.PacedWriter
  private wakeArmed = false
  private generation = 0
  /** When it last sent data (Linux's `lsndtime`), a retransmission included; −1 before any. */
  private lastSendNs = -1
  /** When the connection began: every segment it sends is stamped from here on. */
  private readonly startNs: number
  /**
   * The retransmission timer: one, moved at each arming, as Linux moves its socket's
   * (`inet_csk_reset_xmit_timer`, a `mod_timer`). A new timer per ACK left the earlier ones to fire
   * RTO later as void messages to the flow's actor: about one kernel event and one message per ACK.
   */
  private readonly timer: Timer
  private readonly fireTimer = (): void => this.onTimer(this.generation)

  constructor(kernel: Kernel, port: SenderPort, onTimer: (generation: number) => void, app?: PacedApp) {
    this.kernel = kernel
    this.port = port
    this.onTimer = onTimer
    this.app = app
    this.state = Sender.startSender(kernel.nowNs)
    this.writer = Writer.start(kernel.nowNs)
    this.timer = kernel.unsetTimer()
    this.startNs = kernel.nowNs
  }

  /** Sends what the window, the port and (for a paced application) the data written allow. */
  pump(): void {
    let written = Infinity
    const app = this.app
    if (app !== undefined) {
      this.writer = Writer.advance(this.writer, app.segmentsPerNs, this.kernel.nowNs, this.state.sndUna, TCP_SEND_BUFFER_SEGMENTS)
      written = this.writer.written
    }
    // After a long idle spell the window restarts before anything goes (Linux's tcp_event_data_sent).
    if (Sender.outstanding(this.state) === 0 && this.lastSendNs >= 0) this.state = Sender.afterIdle(this.state, this.kernel.nowNs - this.lastSendNs)
    while (true) {
      const room = this.port.room()
      if (room <= 0) return
      const wasIdle = Sender.outstanding(this.state) === 0
      const run = Sender.nextRun(this.state, this.state.rwnd, written)
      if (run === undefined) {
        // Application-limited: come back when there is more to send.
        if (app !== undefined && this.state.sndNxt >= written && Sender.sendable(this.state, this.state.rwnd) > 0) this.armWake(app)
        return
      }
      const count = Math.min(run.count, room)
      const taken = this.port.emitSegments(run.first, count, this.tsRecentNs)
      this.state = Sender.sentRun(this.state, run.first, taken)
      if (taken > 0) this.lastSendNs = this.kernel.nowNs
      if (wasIdle && taken > 0) this.armTimer()
      if (taken < run.count) return
    }
  }

  /**
   * An ACK for `ackNo` arrived, stamped `tsValNs`, echoing `echoNs`, carrying the SACK blocks `sack`
   * and offering `window` segments (undefined: as before). One that echoes a time before this
   * connection began answers a segment of an earlier one (its peer's ACK still on the wire when the
   * station joined again) and is not this connection's: a real stack tells them apart by the new
   * connection's port, which the model's packets do not carry.
   */
  ack(ackNo: number, tsValNs: number, echoNs: number, sack: ReadonlyArray<number> = Sack.NO_RANGES, window?: number): void {
    if (echoNs >= 0 && echoNs < this.startNs) return
    // A bare ACK's sequence number never moves, so every one is at or before Last.ACK.sent (RFC 7323 4.3).
    if (tsValNs > this.tsRecentNs) this.tsRecentNs = tsValNs
    const step = Sender.onAck(this.state, ackNo, this.kernel.nowNs, echoNs, sack, window)
    this.state = step.sender
    // A resend that finds no room goes when the pipe next allows it, or by the timer.
    if (step.retransmit) {
      const una = this.state.sndUna
      const taken = this.port.emitSegments(una, 1, this.tsRecentNs)
      this.state = Sender.sentRun(this.state, una, taken)
      if (taken > 0) this.lastSendNs = this.kernel.nowNs
    }
    if (step.timer === true) this.armTimer()
    else if (step.timer === false) this.stopTimer() // nothing in flight
    this.pump()
  }

  /** A retransmission timer fired; `generation` says which. */
  timeout(generation: number): void {
    if (generation !== this.generation) return
    this.state = Sender.onTimeout(this.state, this.kernel.nowNs)
    this.armTimer()
    this.pump()
  }

  /** The paced application's wake-up arrived. */
  wake(): void {
    this.wakeArmed = false
    this.pump()
  }

  private armWake(app: PacedApp): void {
    if (this.wakeArmed) return
    this.wakeArmed = true
    // No sooner than a pacing period: writes come in batches, as for paced UDP.
    this.kernel.setTimer(Math.max(Writer.nextWriteNs(this.writer, app.segmentsPerNs), this.kernel.nowNs + PACE_PERIOD_NS), app.wake)
  }

  private armTimer(): void {
    this.generation++
    this.kernel.rescheduleTimer(this.timer, this.kernel.nowNs + this.state.rtoNs, this.fireTimer)
  }

  /** The timer stops; a timeout already told to the actor is void (its generation is past). */
  private stopTimer(): void {
    this.generation++
    this.kernel.cancelTimer(this.timer)
  }

  /**
   * The flow is discarded (its socket closed): its retransmission timer goes with it (Linux's
   * `inet_csk_clear_xmit_timers`), and cannot time out a later flow whose generation it would match.
   * (A paced application's wake-up names its flow: its owner checks.)
   */
  stop(): void {
    this.stopTimer()
  }
}

export class TcpReceiverFlow {
  state: Rx.TcpReceiver
  private readonly kernel: Kernel
  /**
   * Sends an ACK for `ackNo`, stamped now, echoing `echoNs`, carrying the SACK blocks `sack`
   * (`NO_RANGES` for none) and offering `window` segments.
   */
  private readonly emitAck: (ackNo: number, echoNs: number, sack: ReadonlyArray<number>, window: number) => void
  private readonly onTimer: (generation: number) => void
  private generation = 0
  private timerArmed = false
  /** The delayed-ACK timer, one, stopped when an ACK goes before it (as the sender's retransmission timer). */
  private readonly timer: Timer
  private readonly acceptFromNs: number
  private readonly fireTimer = (): void => this.onTimer(this.generation)

  /**
   * `acceptFromNs`: segments stamped before it belong to an earlier connection and are dropped (a
   * station's receiver, made when it connects, while its old peer's segments may still be on the
   * wire); an endpoint's receiver, made by the connection's first segment, takes every one.
   * `segmentBytes`: the data a full segment of the connection carries (its window counts them).
   */
  constructor(
    kernel: Kernel,
    segmentBytes: number,
    emitAck: (ackNo: number, echoNs: number, sack: ReadonlyArray<number>, window: number) => void,
    onTimer: (generation: number) => void,
    acceptFromNs = -Infinity
  ) {
    this.kernel = kernel
    this.state = Rx.newReceiver(segmentBytes)
    this.emitAck = emitAck
    this.onTimer = onTimer
    this.timer = kernel.unsetTimer()
    this.acceptFromNs = acceptFromNs
  }

  /** Whether a segment stamped `tsValNs` belongs to this connection (`acceptFromNs`). */
  accepts(tsValNs: number): boolean {
    return tsValNs >= this.acceptFromNs
  }

  /** Segment `seg`, stamped `tsValNs` and echoing `echoNs`, arrived; returns how many segments became deliverable in order. */
  segment(seg: number, tsValNs: number, echoNs: number = Sender.NO_ECHO): number {
    if (!this.accepts(tsValNs)) return 0
    const step = Rx.onSegment(this.state, seg, tsValNs, this.kernel.nowNs, echoNs)
    this.state = step.receiver
    if (step.ackNow) {
      this.generation++
      this.timerArmed = false
      this.kernel.cancelTimer(this.timer)
      this.sendAck()
    } else if (step.armDelayedAck && !this.timerArmed) {
      this.timerArmed = true
      this.generation++
      this.kernel.rescheduleTimer(this.timer, this.kernel.nowNs + Rx.DELAYED_ACK_NS, this.fireTimer)
    }
    return step.deliver
  }

  timeout(generation: number): void {
    if (generation !== this.generation) return
    this.timerArmed = false
    const step = Rx.onDelayedAckTimeout(this.state)
    this.state = step.receiver
    if (step.ackNow) this.sendAck()
  }

  private sendAck(): void {
    this.emitAck(this.state.rcvNxt, this.state.tsRecentNs, Sack.reported(this.state.blocks), Rx.offeredWindow(this.state))
  }

  /** The flow is discarded: its delayed-ACK timer goes with it. */
  stop(): void {
    this.generation++
    this.timerArmed = false
    this.kernel.cancelTimer(this.timer)
  }
}
