/**
 * The TX path's tracks of a timeline (`Timeline.ts`): each acknowledged frame's points on the path
 * (the stamps of `vocabulary/TxPath.ts` and the ack) that fall in the window, as markers linked by
 * flow arrows. A path across a bound of the window is drawn in part, as the core's slices are cut.
 *
 * ```
 * 4 radio queue (lane 1 of 3)   ▮   ▮        frames that reach a stage at one time (an A-MPDU's)
 * 4 radio queue (lane 2 of 3)   ▮            go on its further lanes: markers on a track never
 * 4 radio queue (lane 3 of 3)   ▮            overlap, so each arrow binds to its own frame's marker
 * ```
 */
import type { Frame } from "../vocabulary/Frame.ts"
import type { ChromeTraceWriter } from "./ChromeTrace.ts"
import { encoded, metadata, ticksOf, TICKS_PER_NS } from "./ChromeTrace.ts"
import { MarkerLanes } from "./MarkerLanes.ts"

/** How long a frame's stage marker lasts on its track, ns: long enough to see, to click, and to bind a flow arrow to. Modelling choice. */
export const FRAME_MARKER_NS = 1_000
const MARKER_TICKS = FRAME_MARKER_NS * TICKS_PER_NS

/** The trace's process (Perfetto's group of tracks) that holds the TX path. */
export const PID_TX = 3

/** A frame's points on the TX path, in order: the stamps of `vocabulary/TxPath.ts` and the ack. */
const txPoints = ["1 guest send", "2 device model → driver", "3 vMAC ring", "4 radio queue", "5 air exchange", "6 acked"] as const
const POINTS = txPoints.length

/** The thread id of a stage's lane (both from 0): lane 0's are the stages' numbers, 1 to 6; each further lane adds 6. */
const tidOf = (stage: number, lane: number): number => 1 + stage + POINTS * lane

export class TxPathTracks {
  /** Frames with a point in the window (drawn, below the cap), and of them those with a point outside it (drawn in part). */
  frames = 0
  framesInPart = 0
  private readonly out: ChromeTraceWriter
  private readonly fromNs: number
  private readonly untilNs: number
  private readonly fromTicks: number
  private readonly untilTicks: number
  /** Called for an event not written (the cap), with its virtual time. */
  private readonly refuse: (atNs: number) => void
  private readonly lanes = txPoints.map(() => new MarkerLanes(MARKER_TICKS))
  // One frame's points, reused: no allocation per frame.
  private readonly points = new Float64Array(POINTS)
  private readonly drawnStages = new Int32Array(POINTS)
  private readonly args = new Float64Array(3)
  private readonly keys = [encoded("frame"), encoded("vm"), encoded("seq")]
  private readonly name = encoded("frame")
  private readonly cat = encoded("tx")

  constructor(out: ChromeTraceWriter, fromNs: number, untilNs: number, refuse: (atNs: number) => void) {
    this.out = out
    this.fromNs = fromNs
    this.untilNs = untilNs
    this.fromTicks = ticksOf(fromNs)
    this.untilTicks = ticksOf(untilNs)
    this.refuse = refuse
  }

  /** `f` was acknowledged at `nowNs`: its points whose markers fit in the window, on their stages' lanes, linked by arrows. */
  acked(f: Frame, nowNs: number): void {
    const s = f.txPath
    // A path's points only move on: acked before the window or sent after it, none is in it.
    if (s === undefined || nowNs < this.fromNs || f.createdNs >= this.untilNs) return
    const p = this.points
    p[0] = f.createdNs
    p[1] = s.driverNs
    p[2] = s.vmacNs
    p[3] = s.airQueuedNs
    p[4] = s.airStartNs
    p[5] = nowNs
    let drawn = 0
    let outside = false
    for (let i = 0; i < POINTS; i++) {
      // NaN: a stage the frame did not pass (no device model natively), neither drawn nor outside.
      if (Number.isNaN(p[i]!)) continue
      const at = ticksOf(p[i]!)
      if (at < this.fromTicks || at + MARKER_TICKS > this.untilTicks) outside = true
      else this.drawnStages[drawn++] = i
    }
    if (drawn === 0) return
    this.frames++
    if (outside) this.framesInPart++
    const args = this.args
    args[0] = f.id
    args[1] = f.owner
    args[2] = f.seq
    for (let k = 0; k < drawn; k++) {
      const stage = this.drawnStages[k]!
      const at = ticksOf(p[stage]!)
      if (!this.out.room()) {
        this.refuse(p[stage]!)
        if (drawn > 1) this.refuse(p[stage]!)
        continue
      }
      const tid = tidOf(stage, this.lanes[stage]!.place(at))
      this.out.completeCounts(PID_TX, tid, at, at + MARKER_TICKS, this.name, this.cat, this.keys, args)
      // One point is no path: a marker without an arrow.
      if (drawn === 1) continue
      if (!this.out.room()) {
        this.refuse(p[stage]!)
        continue
      }
      // Inside the marker, which alone covers this time on its lane: the arrow binds to it.
      this.out.flow(k === 0 ? "s" : k === drawn - 1 ? "f" : "t", f.id, PID_TX, tid, at + MARKER_TICKS / 2, this.name, this.cat)
    }
  }

  /** The tracks' names and order: every stage's first lane, and the further lanes in use. */
  trackNames(): Array<string> {
    const names: Array<string> = []
    let order = 0
    txPoints.forEach((label, stage) => {
      const lanes = Math.max(1, this.lanes[stage]!.count)
      for (let lane = 0; lane < lanes; lane++) {
        const tid = tidOf(stage, lane)
        names.push(metadata("thread_name", PID_TX, tid, lanes === 1 ? label : `${label} (lane ${lane + 1} of ${lanes})`))
        names.push(metadata("thread_sort_index", PID_TX, tid, order++))
      }
    })
    return names
  }
}
