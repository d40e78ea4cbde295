/**
 * Lanes for markers of one length that arrive in any order: each goes on the first lane where it
 * overlaps no marker (first fit), so a lane is added only when markers crowd one instant. A trace
 * needs this because complete events on one thread must nest (Perfetto), and a flow arrow binds to
 * the slice around its time: two frames' markers on one track would share, or steal, an arrow.
 *
 * A lane keeps its markers' starts sorted; markers mostly come in order (appended), and a late one
 * is found by binary search. Nothing is forgotten: a marker far in the past may still come (a frame
 * acknowledged long after its guest sent it), and the trace's cap on events bounds the count.
 */
export class MarkerLanes {
  /** Per lane, the starts of its markers, ascending. */
  private readonly starts: Array<Array<number>> = []
  private readonly length: number

  /** `length`: every marker's, in the unit of the starts given (a positive number). */
  constructor(length: number) {
    if (!(length > 0)) throw new RangeError(`a marker's length must be positive, got ${length}`)
    this.length = length
  }

  /** Lanes in use. */
  get count(): number {
    return this.starts.length
  }

  /** Places a marker from `start` to `start + length` (its end free for the next) and says on which lane, from 0. */
  place(start: number): number {
    const lanes = this.starts
    for (let lane = 0; lane < lanes.length; lane++) {
      if (this.fit(lanes[lane]!, start)) return lane
    }
    lanes.push([start])
    return lanes.length - 1
  }

  /** Inserts `start` into the lane `xs` if its marker overlaps none there. */
  private fit(xs: Array<number>, start: number): boolean {
    const n = xs.length
    const len = this.length
    // In order, after the lane's last marker: the usual case.
    if (start >= xs[n - 1]! + len) {
      xs.push(start)
      return true
    }
    let lo = 0
    let hi = n
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (xs[mid]! < start) lo = mid + 1
      else hi = mid
    }
    // The markers just before and from `start` are the only ones that could overlap it.
    if (lo < n && xs[lo]! < start + len) return false
    if (lo > 0 && xs[lo - 1]! + len > start) return false
    xs.splice(lo, 0, start)
    return true
  }
}
