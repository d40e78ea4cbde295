/**
 * The boundary's decode of what a guest writes to the card (`CardCommand`), with one shortcut: a
 * write that cannot change between uses (a frozen plain object of primitive fields, such as a guest
 * driver's constant "one more descriptor" doorbell) decodes the same every time, so its result is
 * kept (weakly, by identity) instead of running the Schema again. Anything else is decoded afresh.
 * The Schema stays the only judge of what is valid: the shortcut only remembers its verdicts.
 */
import * as Schema from "effect/Schema"
import type * as Exit from "effect/Exit"
import { CardCommand } from "./CardCommand.ts"

const decodeUnknown = Schema.decodeUnknownExit(CardCommand)

type Decoded = ReturnType<typeof decodeUnknown>

const verdicts = new WeakMap<object, Decoded>()

/** Whether `raw` can never read differently: frozen, a plain object, every own property a primitive data property. */
const immutable = (raw: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(raw)
  if (proto !== Object.prototype && proto !== null) return false
  for (const d of Object.values(Object.getOwnPropertyDescriptors(raw))) {
    if (!("value" in d)) return false // a getter could answer differently each time
    if (typeof d.value === "object" ? d.value !== null : typeof d.value === "function") return false
  }
  return true
}

/** Decodes a guest's register write (`Schema.decodeUnknownExit(CardCommand)`, remembered for immutable writes). */
export const decodeCardCommand = (raw: unknown): Exit.Exit<CardCommand, Schema.SchemaError> => {
  if (typeof raw !== "object" || raw === null || !Object.isFrozen(raw)) return decodeUnknown(raw)
  const known = verdicts.get(raw)
  if (known !== undefined) return known
  const decoded = decodeUnknown(raw)
  if (immutable(raw)) verdicts.set(raw, decoded)
  return decoded
}
