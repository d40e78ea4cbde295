/**
 * The segment size of each TCP flow a capture has seen data of, so that an ACK's number can count
 * bytes (RFC 9293 3.4). The model's TCP counts segments (`Frame.seq`: a data segment's number, an
 * ACK's next segment expected), and an ACK frame does not carry the size of the segments it
 * acknowledges; the flow's data crossed the air before its ACKs, so the capture has seen it.
 */
import { MSS_BYTES, segmentDataBytes } from "../workload/TcpFlow.ts"

export class TcpSegmentSizes {
  /** Data source → data destination → payload bytes per segment. */
  private readonly bySource = new Map<number, Map<number, number>>()

  /** A data segment from `src` to `dst` carries `bytes` of payload. */
  noteData(src: number, dst: number, bytes: number): void {
    let to = this.bySource.get(src)
    if (to === undefined) {
      to = new Map()
      this.bySource.set(src, to)
    }
    if (to.get(dst) !== bytes) to.set(dst, bytes)
  }

  /** The payload bytes of the segments from `src` to `dst`; a full segment's under the scenario's default MSS if none was seen. */
  of(src: number, dst: number): number {
    return this.bySource.get(src)?.get(dst) ?? segmentDataBytes(MSS_BYTES)
  }
}
