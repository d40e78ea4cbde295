/** The Schema building blocks the scenario and its fault schedule share. */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as SchemaTransformation from "effect/SchemaTransformation"


/**
 * Makes a field optional in the encoded form, filled with `value` on decode, and documents it.
 * The default is written in the encoded form (so a nested struct's default may be `{}`).
 */
export const defaulted = <S extends Schema.Top>(schema: S, value: S["Encoded"], description: string) =>
  schema.pipe(Schema.withDecodingDefaultKey(Effect.succeed(value))).annotate({ description })

/** An integer in [minimum, maximum]; both checks carry the same message, so a value reports once. */
export const intBetween = (minimum: number, maximum: number) => {
  const expected = `an integer between ${minimum} and ${maximum}`
  return Schema.Number.check(Schema.isInt({ expected }), Schema.isBetween({ minimum, maximum }, { expected }))
}

/** A finite number in [minimum, maximum]. */
export const numberBetween = (minimum: number, maximum: number) => {
  const expected = `a number between ${minimum} and ${maximum}`
  return Schema.Number.check(Schema.isFinite({ expected }), Schema.isBetween({ minimum, maximum }, { expected }))
}

/** A finite number > 0 and ≤ `maximum`. */
export const positiveUpTo = (maximum: number) => {
  const expected = `a number greater than 0 and at most ${maximum}`
  return Schema.Number.check(Schema.isFinite({ expected }), Schema.isGreaterThan(0, { expected }), Schema.isLessThanOrEqualTo(maximum, { expected }))
}

/** An IEEE 802.11 channel number, 1..165 (2.4 GHz: 1..14, 5 GHz: 32..165). */
export const Channel = intBetween(1, 165)

const utf8 = new TextEncoder()

/** An SSID: 1 to 32 octets of UTF-8 (802.11-2016 9.4.2.2 allows 0..32; vwifi needs a name to join). */
export const Ssid = Schema.String.check(
  Schema.isNonEmpty({ expected: "a non-empty SSID" }),
  Schema.makeFilter((s: string) => utf8.encode(s).length <= 32, { expected: "an SSID of at most 32 bytes (UTF-8)" })
)

const MAC_PATTERN = /^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}$/
const macExpected = "a MAC address like \"02:00:00:00:01:00\""

/** A MAC address "aa:bb:cc:dd:ee:ff"; either case is accepted and decoded to lower case. */
export const MacAddress = Schema.String.check(Schema.isPattern(MAC_PATTERN, { expected: macExpected })).pipe(
  Schema.decodeTo(
    Schema.String.check(Schema.isPattern(/^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/, { expected: "a lower-case MAC address" })),
    SchemaTransformation.toLowerCase()
  )
)

/** A WPA2 passphrase: 8 to 63 characters (802.11-2016 J.4.1). */
export const Passphrase = Schema.String.check(
  Schema.isBetweenLength(8, 63, { expected: "a passphrase of 8 to 63 characters" })
)


/** A VM's name: 1 to 32 lower-case letters, digits and '-', not starting with '-'. */
export const VmName = Schema.String.check(
  Schema.isPattern(/^[a-z0-9][a-z0-9-]{0,31}$/, {
    expected: "a name of 1 to 32 characters: lower-case letters, digits and '-', not starting with '-'"
  })
)
