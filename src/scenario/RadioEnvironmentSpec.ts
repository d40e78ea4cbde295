/**
 * The scenario's radio environment: where things are, how the host walks, how signal falls with
 * distance, and how each VM's supplicant roams. Used by Scenario.ts; the defaults are cited here.
 */
import * as Schema from "effect/Schema"
import { TGN_D_BREAKPOINT_M, TGN_EXPONENT_BEYOND_BREAKPOINT } from "../environment/PathLoss.ts"
import { defaulted, numberBetween } from "./SchemaParts.ts"

/** Largest coordinate on the floor plan, in m (a campus; path loss beyond it is far below any receiver's sensitivity). */
const COORDINATE_LIMIT_M = 100_000

/** A point on the floor plan, in metres. */
export const PositionSpec = Schema.Struct({
  x: numberBetween(-COORDINATE_LIMIT_M, COORDINATE_LIMIT_M).annotate({ description: "East–west coordinate, in m." }),
  y: numberBetween(-COORDINATE_LIMIT_M, COORDINATE_LIMIT_M).annotate({ description: "North–south coordinate, in m." })
}).annotate({ description: "A position on the floor plan, { x, y } in metres." })
export type PositionSpec = typeof PositionSpec.Type

/**
 * Transmit power of the card and of an AP, in dBm: an estimate. Neither the Intel 5300's nor the
 * WAP410N's published sheets at hand give it; 2.4 GHz 802.11g/n radios of that generation state
 * 14–16 dBm at the OFDM rates (e.g. an 802.11n mini-PCI card's manual: 16 dBm at 6–9 Mbit/s, 14 dBm
 * at 48–54 Mbit/s), so 15 dBm.
 */
export const DEFAULT_TX_POWER_DBM = 15

/** A transmit-power field. */
export const txPowerField = (whose: string) =>
  defaulted(
    numberBetween(-10, 30),
    DEFAULT_TX_POWER_DBM,
    `Transmit power of ${whose}, in dBm, -10..30. Default ${DEFAULT_TX_POWER_DBM}: an estimate (2.4 GHz OFDM radios of the ` +
      "seed's generation state 14–16 dBm; the 5300's and the WAP410N's sheets do not give it)."
  )

/** Walking pace, in m/s: the preferred walking speed of adults, about 1.4 m/s (Browning et al., J. Appl. Physiol. 100, 2006). */
export const DEFAULT_WALKING_SPEED_MPS = 1.4

/** The host's walk: waypoints visited in turn from its position. */
export const WalkSpec = Schema.Struct({
  waypoints: defaulted(
    Schema.Array(PositionSpec).check(Schema.isMaxLength(1000, { expected: "at most 1000 waypoints" })),
    [],
    "Points the host walks to in turn, in straight lines, from its position, 0 to 1000. Default [] (it stays put)."
  ),
  speedMps: defaulted(
    numberBetween(0, 100),
    DEFAULT_WALKING_SPEED_MPS,
    `Walking speed, in m/s, 0..100. Default ${DEFAULT_WALKING_SPEED_MPS} (an adult's preferred walking speed; Browning et al. 2006).`
  ),
  loop: defaulted(
    Schema.Boolean,
    false,
    "After the last waypoint, walk back to the start and round again (true), or stop there (false). Default false."
  )
})
export type WalkSpec = typeof WalkSpec.Type

/**
 * Shadowing decorrelation distance, in m: an estimate after WINNER II's indoor-office scenario A1,
 * whose shadow-fading decorrelation distances are 3 m (line of sight) and 6 m (none) (IST-4-027756
 * WINNER II D1.1.2, 2007, Table 4-5); the shorter one, as TGn's office model has line of sight up to
 * its breakpoint.
 */
export const DEFAULT_SHADOWING_DECORRELATION_M = 3

/** The propagation model (`environment/`): the IEEE 802.11 TGn model D by default. */
export const EnvironmentSpec = Schema.Struct({
  breakpointM: defaulted(
    numberBetween(1, 1000),
    TGN_D_BREAKPOINT_M,
    `Breakpoint distance of the dual-slope path loss, in m, 1..1000: free-space loss up to it, a steeper slope after. ` +
      `Default ${TGN_D_BREAKPOINT_M} (TGn channel model D, typical office; Erceg et al., IEEE 802.11-03/940r4).`
  ),
  exponentBeyondBreakpoint: defaulted(
    numberBetween(2, 6),
    TGN_EXPONENT_BEYOND_BREAKPOINT,
    `Path-loss exponent beyond the breakpoint, 2..6. Default ${TGN_EXPONENT_BEYOND_BREAKPOINT} (every TGn model).`
  ),
  shadowingWithinBreakpointDb: defaulted(
    numberBetween(0, 20),
    3,
    "σ of the log-normal shadowing within the breakpoint distance, in dB, 0..20 (0: none). Default 3 (TGn models, line of sight)."
  ),
  shadowingBeyondBreakpointDb: defaulted(
    numberBetween(0, 20),
    5,
    "σ of the log-normal shadowing beyond the breakpoint distance, in dB, 0..20. Default 5 (TGn model D)."
  ),
  shadowingDecorrelationM: defaulted(
    numberBetween(0.5, 1000),
    DEFAULT_SHADOWING_DECORRELATION_M,
    `Distance between two positions of the host over which the shadowing of a link decorrelates (to 1/e), in m, 0.5..1000. ` +
      `Default ${DEFAULT_SHADOWING_DECORRELATION_M}: an estimate after WINNER II's indoor office (3 m with line of sight).`
  ),
  fading: defaulted(
    Schema.Literals(["none", "rayleigh", "ricean"]),
    "none",
    "Small-scale fading on top of the mean signal, a process in time per link (TGn's indoor Doppler spectrum: a still host's " +
      "fade changes over ~0.2 s, a walking host's faster): \"none\", \"rayleigh\" (no line of sight) or \"ricean\" (with riceanKDb). " +
      "Default \"none\"."
  ),
  riceanKDb: defaulted(
    numberBetween(-10, 30),
    3,
    "Ricean K-factor, in dB, -10..30 (used with fading \"ricean\"). Default 3 (TGn model D's line-of-sight K-factor)."
  )
})
export type EnvironmentSpec = typeof EnvironmentSpec.Type

/**
 * A VM's supplicant: background scanning and roaming within its ESS (wpa_supplicant's bgscan
 * "simple"). The defaults are NetworkManager's setting for roaming in an ESS, "simple:30:-65:300"
 * (nm-supplicant-config.c).
 */
export const RoamingSpec = Schema.Struct({
  enabled: defaulted(Schema.Boolean, true, "Whether the VM scans in the background and roams to a stronger AP of its SSID. Default true."),
  thresholdDbm: defaulted(
    numberBetween(-100, -20),
    -65,
    "Signal of the current AP below which the VM scans often, in dBm, -100..-20. Default -65 (NetworkManager's bgscan for ESS roaming)."
  ),
  shortIntervalS: defaulted(
    numberBetween(1, 86_400),
    30,
    "Background-scan interval while the signal is below the threshold, in s, 1..86400. Default 30 (NetworkManager)."
  ),
  longIntervalS: defaulted(
    numberBetween(1, 86_400),
    300,
    "Background-scan interval while the signal is above the threshold, in s, 1..86400. Default 300 (NetworkManager)."
  )
})
export type RoamingSpec = typeof RoamingSpec.Type
