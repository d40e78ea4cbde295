/** The frame the card builds when it reads a TX descriptor from VM `owner`'s memory (registered in the ledger). */
import type { TxDescriptor } from "./CardCommand.ts"
import { Frame, FrameKind } from "./Frame.ts"
import type { Payload } from "./Frame.ts"
import type { FrameLedger } from "./FrameLedger.ts"

export const frameFromDescriptor = (ledger: FrameLedger, d: TxDescriptor, owner: number): Frame => {
  const frame = new Frame(ledger.nextFrameId(), FrameKind.Data, d.src, d.dst, 0)
  frame.payloadBytes = d.length
  frame.payload = d.payload as Payload
  frame.seq = d.seq
  frame.createdNs = d.createdNs
  frame.echoNs = d.echoNs
  frame.dmaEnd = d.dmaAddress + d.length
  frame.owner = owner
  if (d.subscribe !== undefined) frame.info = { subscribe: d.subscribe }
  ledger.register(frame)
  return frame
}
