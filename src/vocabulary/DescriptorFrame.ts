/**
 * The frame the card builds when it reads a TX descriptor from VM `owner`'s memory. Each field is
 * read once, into the frame, and the checks (`CommandCheck.checkDescriptorFrame`) look at the frame:
 * what is checked is what is sent, whatever the guest's object does between two reads (a getter, a
 * write from another vCPU). A Subscribe request is decoded here into a fresh object.
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { SubscriptionSchema } from "./CardCommand.ts"
import { Frame, FrameKind, Payload } from "./Frame.ts"
import type { Payload as PayloadKind } from "./Frame.ts"
import type { FrameLedger } from "./FrameLedger.ts"
import { MAX_SACK_BLOCKS } from "./PacketHeaders.ts"

/** A field the guest wrote, as a number (anything else reads NaN, which every check refuses). */
const numberOf = (x: unknown): number => (typeof x === "number" ? x : NaN)

const decodeSubscription = Schema.decodeUnknownOption(SubscriptionSchema)

/** A Subscribe packet whose request did not decode: it carries this, which `checkDescriptorFrame` refuses. */
const UNREADABLE_SUBSCRIPTION = Object.freeze({})

/**
 * A TCP ACK's SACK blocks, read once into a fresh array: up to one element more than the most an
 * ACK can carry, so that `checkDescriptorFrame` sees an overlong list (or any that is no array: NaN).
 */
const sackOf = (x: unknown): ReadonlyArray<number> => {
  if (!Array.isArray(x)) return [NaN]
  const n = Math.min(x.length, 2 * MAX_SACK_BLOCKS + 1)
  const out: Array<number> = []
  for (let i = 0; i < n; i++) out.push(numberOf(x[i]))
  return out
}

/** The frame of descriptor `raw`, with id `id`, not yet in a ledger; undefined for a descriptor that is no object. */
export const descriptorFrame = (raw: unknown, id: number, owner: number): Frame | undefined => {
  if (typeof raw !== "object" || raw === null) return undefined
  const d = raw as Record<string, unknown>
  const frame = new Frame(id, FrameKind.Data, numberOf(d.src), numberOf(d.dst), 0)
  const length = numberOf(d.length)
  frame.payloadBytes = length
  frame.payload = numberOf(d.payload) as PayloadKind
  frame.seq = numberOf(d.seq)
  frame.createdNs = numberOf(d.createdNs)
  frame.echoNs = numberOf(d.echoNs)
  frame.dmaEnd = numberOf(d.dmaAddress) + length
  frame.owner = owner
  if (frame.payload === Payload.TcpAck) {
    frame.tcpWindow = numberOf(d.window)
    if (d.sack !== undefined) frame.sack = sackOf(d.sack)
  }
  if (frame.payload === Payload.Subscribe) {
    const request = d.subscribe
    frame.info = Option.match(decodeSubscription(request), { onNone: () => UNREADABLE_SUBSCRIPTION, onSome: (subscribe) => ({ subscribe }) })
  }
  return frame
}

/** `descriptorFrame`, registered in `ledger`. */
export const frameFromDescriptor = (ledger: FrameLedger, raw: unknown, owner: number): Frame | undefined => {
  const frame = descriptorFrame(raw, ledger.nextFrameId(), owner)
  if (frame !== undefined) ledger.register(frame)
  return frame
}
