import { assert, describe, it } from "@effect/vitest"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Schema, SchemaAST } from "effect"
import { isValidPhyConfig } from "../../src/air/PhyConfig.ts"
import type { PhyConfig } from "../../src/air/PhyConfig.ts"
import * as AddressPlan from "../../src/scenario/AddressPlan.ts"
import { fourVmsHt40, twoVmsTwoAps, wrongPassphrase } from "../../src/scenario/examples.ts"
import { Scenario } from "../../src/scenario/Scenario.ts"
import { checkScenario } from "../../src/scenario/ScenarioCheck.ts"
import type { ScenarioProblem } from "../../src/scenario/ScenarioCheck.ts"
import {
  decodeScenario,
  defaultScenario,
  encodeScenario,
  isDecodedScenario,
  loadScenarioFile,
  ScenarioError
} from "../../src/scenario/ScenarioLoad.ts"

const KEY = "vwifi-lab-key"
const vm = (name: string, extra: Record<string, unknown> = {}) => ({ name, ssid: "lab", passphrase: KEY, ...extra })

/** The problems a scenario object is rejected with. */
const problemsOf = (input: unknown) =>
  Effect.gen(function*() {
    const error = yield* Effect.flip(decodeScenario(input))
    assert.instanceOf(error, ScenarioError)
    assert.strictEqual(error._tag, "ScenarioError")
    assert.strictEqual(error.source, "(object)")
    return error.problems
  })

const assertProblem = (problems: ReadonlyArray<ScenarioProblem>, path: string, ...fragments: ReadonlyArray<string>) => {
  const atPath = problems.filter((p) => p.path === path)
  assert.isAbove(atPath.length, 0, `a problem at ${path}; got ${JSON.stringify(problems)}`)
  for (const fragment of fragments) {
    assert.isTrue(atPath.some((p) => p.message.includes(fragment)), `${path}: "${fragment}" in ${JSON.stringify(atPath)}`)
  }
}

const tempDir = mkdtempSync(join(tmpdir(), "vwifi-scenario-"))
const tempFile = (name: string, text: string): string => {
  const path = join(tempDir, name)
  writeFileSync(path, text)
  return path
}

/** A scenario with every field given, none at its default where that can be avoided. */
const full = {
  mode: "virtual-wifi",
  durationSeconds: 30,
  warmupSeconds: 2.5,
  host: { cpuGhz: 3.2, cores: 1, position: { x: 1, y: 2 }, walk: { waypoints: [{ x: 5, y: 2 }], speedMps: 1, loop: true } },
  card: {
    vmacs: 8,
    channel: 11,
    phy: { standard: "802.11n", mcs: 7, channelWidthMhz: 20, guardInterval: "long" },
    rateControl: "arf",
    txScheduler: "fifo",
    ampduFramesMax: 32,
    ampduTimeLimitUs: 2000,
    qos: true,
    channelDwellMs: 50,
    noiseFloorDbm: -92,
    txPowerDbm: 12,
    power: { txW: 2.1, rxW: 1.5, listenW: 1, sleepW: 0.05 }
  },
  aps: [
    {
      ssid: "office",
      bssid: "02:00:00:00:0A:0B",
      channel: 11,
      signalDbm: -60,
      txPowerDbm: 15, // its default: an AP with a fixed signal has no use for another (InertSettings.ts)
      beaconIntervalTu: 200,
      dtimPeriod: 3,
      maxInactivitySeconds: 120,
      blockAckWindow: 32,
      security: { kind: "wpa2-psk", passphrase: "office-secret" },
      endpoint: { wiredLatencyUs: 250, wiredRateMbps: 100 }
    },
    {
      ssid: "guest",
      bssid: "02:00:00:00:0c:0d",
      channel: 1,
      position: { x: 30, y: -4 },
      txPowerDbm: 15,
      beaconIntervalTu: 100,
      dtimPeriod: 1,
      maxInactivitySeconds: 300,
      blockAckWindow: 64,
      security: { kind: "open" },
      endpoint: { wiredLatencyUs: 50, wiredRateMbps: 1000 }
    }
  ],
  vms: [
    {
      name: "work",
      ssid: "office",
      passphrase: "office-secret",
      roaming: { enabled: true, thresholdDbm: -70, shortIntervalS: 10, longIntervalS: 600 },
      memoryMb: 1024,
      traffic: [
        { kind: "udp-tx", offeredMbps: 12.5, payloadBytes: 1000 },
        { kind: "udp-rx", offeredMbps: "saturate", payloadBytes: 18 },
        { kind: "tcp-tx", offeredMbps: 2.5, payloadBytes: 1400 },
        { kind: "tcp-rx", offeredMbps: "saturate", payloadBytes: 536 },
        { kind: "ping", intervalMs: 20, payloadBytes: 0 },
        { kind: "locate", intervalMs: 500 }
      ],
      powerSave: { mode: "off", listenInterval: 1, dynamicTimeoutMs: 100, maxSpLength: 0 }
    },
    {
      name: "visitor", ssid: "guest", roaming: { enabled: false, thresholdDbm: -65, shortIntervalS: 30, longIntervalS: 300 }, memoryMb: 256, traffic: [],
      powerSave: { mode: "uapsd", listenInterval: 3, dynamicTimeoutMs: 250, maxSpLength: 4 }
    }
  ],
  switches: {
    addressTranslation: "iommu",
    interruptCoalescing: { enabled: true, frames: 16, delayUs: 500, adaptive: false },
    fastDataPath: true
  },
  environment: {
    breakpointM: 5, exponentBeyondBreakpoint: 4, shadowingWithinBreakpointDb: 2, shadowingBeyondBreakpointDb: 6,
    shadowingDecorrelationM: 6, fading: "rayleigh", riceanKDb: 3
  },
  driver: { scanCacheAgeMs: 0, scanDwellMs: 50, scanChannels: [1, 11] },
  faults: [
    { kind: "crash-driver", atSeconds: 5 },
    { kind: "interrupts", atSeconds: 6, action: "delay", count: 3, delayMs: 2 },
    { kind: "mailbox-flood", atSeconds: 7, target: "nic", messages: 10 }
  ]
} as const

describe("scenario: defaults", () => {
  it.effect("reproduce the seed's setup: one 2.53 GHz core, 4 vMACs, 802.11g 54 Mbps, one AP \"lab\", one VM", () =>
    Effect.gen(function*() {
      const s = yield* decodeScenario({})
      assert.deepStrictEqual(s, defaultScenario)
      assert.strictEqual(s.mode, "virtual-wifi")
      assert.deepStrictEqual(s.host, { cpuGhz: 2.53, cores: 1, position: { x: 0, y: 0 }, walk: { waypoints: [], speedMps: 1.4, loop: false } })
      assert.strictEqual(s.card.vmacs, 4)
      assert.strictEqual(s.card.channel, 6)
      assert.deepStrictEqual(s.card.phy, { standard: "802.11g", rateMbps: 54 })
      assert.strictEqual(s.card.rateControl, "fixed")
      assert.strictEqual(s.card.txScheduler, "round-robin")
      assert.strictEqual(s.card.channelDwellMs, 102.4)
      assert.strictEqual(s.aps.length, 1)
      const ap = s.aps[0]!
      assert.strictEqual(ap.ssid, "lab")
      assert.strictEqual(ap.bssid, "02:00:00:00:01:00")
      assert.strictEqual(ap.channel, 6)
      assert.deepStrictEqual(ap.security, { kind: "wpa2-psk", passphrase: KEY })
      assert.deepStrictEqual(ap.endpoint, { wiredLatencyUs: 100, wiredRateMbps: 1000 })
      assert.deepStrictEqual(s.vms, [
        {
          name: "vm1", ssid: "lab", passphrase: KEY, roaming: { enabled: true, thresholdDbm: -65, shortIntervalS: 30, longIntervalS: 300 }, memoryMb: 512,
          traffic: [{ kind: "udp-tx", offeredMbps: "saturate", payloadBytes: 1470 }],
          powerSave: { mode: "off", listenInterval: 1, dynamicTimeoutMs: 100, maxSpLength: 0 }
        }
      ])
      assert.deepStrictEqual(s.card.power, { txW: 1.14, rxW: 0.94, listenW: 0.82, sleepW: 0.1 })
      assert.strictEqual(ap.dtimPeriod, 2)
      assert.deepStrictEqual(s.switches, {
        addressTranslation: "software",
        interruptCoalescing: { enabled: false, frames: 8, delayUs: 200, adaptive: true },
        fastDataPath: false
      })
      assert.deepStrictEqual(s.driver, { scanCacheAgeMs: 2000, scanDwellMs: 33, scanChannels: [1, 6, 11] })
      assert.strictEqual(s.durationSeconds, 10)
      assert.strictEqual(s.warmupSeconds, 1)
      assert.deepStrictEqual(checkScenario(s), [])
    }))

  it.effect("fill what a partial object leaves out, at every depth", () =>
    Effect.gen(function*() {
      const s = yield* decodeScenario({
        card: { channel: 1, phy: { standard: "802.11g", rateMbps: 24 } },
        vms: [vm("a", { traffic: [{ kind: "ping" }, { kind: "tcp-rx" }, { kind: "udp-rx", offeredMbps: 3 }] })]
      })
      assert.strictEqual(s.card.vmacs, 4)
      assert.strictEqual(s.aps[0]!.channel, 1, "the default AP follows the card's channel")
      assert.deepStrictEqual(s.vms[0]!.traffic, [
        { kind: "ping", intervalMs: 100, payloadBytes: 56 },
        { kind: "tcp-rx", offeredMbps: "saturate", payloadBytes: 1460 },
        { kind: "udp-rx", offeredMbps: 3, payloadBytes: 1470 }
      ])
      assert.strictEqual(s.vms[0]!.memoryMb, 512)
    }))

  it("document every field: a description with its default, and the seed as the source where it is one", () => {
    const undocumented: Array<string> = []
    const descriptions = new Map<string, string>()
    const visit = (ast: SchemaAST.AST, path: string): void => {
      if (SchemaAST.isObjects(ast)) {
        for (const ps of ast.propertySignatures) {
          const p = path === "" ? String(ps.name) : `${path}.${String(ps.name)}`
          const description = SchemaAST.resolveDescription(ps.type)
          if (description === undefined || description.length < 10) undocumented.push(p)
          else descriptions.set(p, description)
          visit(ps.type, p)
        }
      } else if (SchemaAST.isUnion(ast)) ast.types.forEach((t) => visit(t, path))
      else if (SchemaAST.isArrays(ast)) ast.rest.forEach((t) => visit(t, `${path}[]`))
    }
    visit(Scenario.ast, "")
    assert.deepStrictEqual(undocumented, [])
    assert.include(descriptions.get("host.cpuGhz"), "seed: one core of a 2.53 GHz Core2 Duo")
    assert.include(descriptions.get("host.cpuGhz"), "GHz")
    assert.include(descriptions.get("host.cores"), "one core")
    assert.include(descriptions.get("card.vmacs"), "Default 4")
    assert.include(descriptions.get("mode"), "exactly one entry in vms")
    assert.include(descriptions.get("aps[].beaconIntervalTu"), "1 TU = 1024 µs")
  })
})

describe("scenario: round trip", () => {
  it.effect("a full scenario decodes, encodes to JSON and decodes back to the same value", () =>
    Effect.gen(function*() {
      const s = yield* decodeScenario(full)
      assert.strictEqual(s.aps[0]!.bssid, "02:00:00:00:0a:0b", "BSSIDs are normalised to lower case")
      assert.deepStrictEqual(s.card.phy, { standard: "802.11n", mcs: 7, channelWidthMhz: 20, guardInterval: "long" })
      const json = JSON.parse(JSON.stringify(encodeScenario(s))) as unknown
      assert.deepStrictEqual(yield* decodeScenario(json), s)
      assert.deepStrictEqual(json, { ...full, aps: full.aps.map((ap) => ({ ...ap, bssid: ap.bssid.toLowerCase() })) })
    }))

  it.effect("a decoded scenario is frozen all the way down, and known as decoded; a changed copy is not", () =>
    Effect.gen(function*() {
      const s = yield* decodeScenario(full)
      assert.isTrue(isDecodedScenario(s))
      assert.isTrue(Object.isFrozen(s) && Object.isFrozen(s.vms) && Object.isFrozen(s.vms[0]) && Object.isFrozen(s.card.phy))
      assert.throws(() => {
        ;(s.vms[0] as { name: string }).name = "other"
      }, TypeError)
      assert.isFalse(isDecodedScenario({ ...s, durationSeconds: 5 }), "a spread copy gets the run's checks again")
    }))

  it.effect("the default scenario encodes with every field explicit", () =>
    Effect.gen(function*() {
      const json = encodeScenario(defaultScenario) as Record<string, unknown>
      assert.deepStrictEqual(Object.keys(json).sort(), ["aps", "card", "driver", "durationSeconds", "environment", "faults", "host", "mode", "switches", "vms", "warmupSeconds"])
      assert.deepStrictEqual(yield* decodeScenario(json), defaultScenario)
    }))

  it.prop("decode ∘ encode is the identity on decoded scenarios (APs get the card's channel)", [Schema.toType(Scenario)], ([s]) => {
    const back = Schema.decodeUnknownSync(Scenario)(encodeScenario(s), { onExcessProperty: "error" })
    assert.deepStrictEqual(back, {
      ...s,
      aps: s.aps.map((ap) => ({
        ...ap,
        channel: ap.channel ?? s.card.channel,
        ...(ap.signalDbm === undefined && ap.position === undefined ? { signalDbm: -50 } : {})
      }))
    })
  }, { arbitrary: { runs: 200 } })
})

describe("scenario: 802.11n", () => {
  it.effect("an HT40 scenario decodes, with the PHY's defaults filled, into a valid PhyConfig", () =>
    Effect.gen(function*() {
      const s = yield* decodeScenario(fourVmsHt40)
      assert.deepStrictEqual(s.card.phy, { standard: "802.11n", mcs: 15, channelWidthMhz: 40, guardInterval: "short" })
      assert.strictEqual(s.vms.length, 4)
      for (const v of s.vms) assert.deepStrictEqual(v.traffic, [{ kind: "udp-tx", offeredMbps: "saturate", payloadBytes: 1470 }])
      const phy: PhyConfig = s.card.phy
      assert.isTrue(isValidPhyConfig(phy))
      const bare = yield* decodeScenario({ card: { phy: { standard: "802.11n" } } })
      assert.deepStrictEqual(bare.card.phy, { standard: "802.11n", mcs: 15, channelWidthMhz: 40, guardInterval: "short" })
    }))

  it.effect("an MCS beyond 23 or a width other than 20/40 is rejected at its field", () =>
    Effect.gen(function*() {
      const problems = yield* problemsOf({ card: { phy: { standard: "802.11n", mcs: 31, channelWidthMhz: 80 } } })
      assertProblem(problems, "card.phy.mcs", "expected an integer between 0 and 23, got 31")
      assertProblem(problems, "card.phy.channelWidthMhz", "expected one of 20, 40, got 80")
    }))
})

describe("scenario: mistakes are named by their field", () => {
  it.effect("wrong type", () =>
    Effect.gen(function*() {
      const problems = yield* problemsOf({ host: { cpuGhz: "fast" }, switches: { fastDataPath: "yes" }, vms: "vm1" })
      assertProblem(problems, "host.cpuGhz", "expected a number", "got \"fast\"")
      assertProblem(problems, "switches.fastDataPath", "expected true or false")
      assertProblem(problems, "vms", "expected an array")
      assertProblem(yield* problemsOf(null), "", "expected an object, got null")
    }))

  it.effect("out of range, with the range and the value given", () =>
    Effect.gen(function*() {
      const problems = yield* problemsOf({ vms: [vm("a", { memoryMb: 10 })], card: { vmacs: 17 }, host: { cores: 2 } })
      assertProblem(problems, "vms[0].memoryMb", "expected an integer between 64 and 65536, got 10")
      assertProblem(problems, "card.vmacs", "expected an integer between 1 and 16, got 17")
      assertProblem(problems, "host.cores", "one CPU core")
      const error = yield* Effect.flip(decodeScenario({ vms: [vm("a", { memoryMb: 10 })] }, "scenario.json"))
      assert.strictEqual(error.message, "scenario.json: vms[0].memoryMb: expected an integer between 64 and 65536, got 10")
    }))

  it.effect("a fractional value where an integer is needed is reported once", () =>
    Effect.gen(function*() {
      const problems = yield* problemsOf({ vms: [vm("a", { memoryMb: 1.5 })] })
      assert.deepStrictEqual(problems, [{ path: "vms[0].memoryMb", message: "expected an integer between 64 and 65536, got 1.5" }])
    }))

  it.effect("unknown key, at any depth, listing the known fields", () =>
    Effect.gen(function*() {
      const problems = yield* problemsOf({ durationSecond: 5, card: { vmac: 2 }, vms: [vm("a", { memory: 1024 })] })
      assertProblem(problems, "durationSecond", "unknown field", "durationSeconds")
      assertProblem(problems, "card.vmac", "unknown field; known fields: vmacs, channel, phy, rateControl, txScheduler, ampduFramesMax, ampduTimeLimitUs, qos, channelDwellMs, noiseFloorDbm, txPowerDbm, power")
      assertProblem(problems, "vms[0].memory", "unknown field", "memoryMb")
      const open = yield* problemsOf({ aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", security: { kind: "open", passphrase: KEY } }] })
      assertProblem(open, "aps[0].security.passphrase", "unknown field; known fields: kind")
    }))

  it.effect("bad MAC address", () =>
    Effect.gen(function*() {
      const problems = yield* problemsOf({ aps: [{ ssid: "lab", bssid: "02:00:00:00:01" }] })
      assertProblem(problems, "aps[0].bssid", "MAC address", "got \"02:00:00:00:01\"")
    }))

  it.effect("bad tag of a union: the tag field is named, with the choices", () =>
    Effect.gen(function*() {
      const problems = yield* problemsOf({
        card: { phy: { standard: "802.11ac" } },
        vms: [vm("a", { traffic: [{ kind: "udp" }, { offeredMbps: 5 }, { kind: "udp-tx", offeredMbps: "lots" }] })]
      })
      assertProblem(problems, "card.phy.standard", "expected one of \"802.11g\", \"802.11n\", got \"802.11ac\"")
      assertProblem(problems, "vms[0].traffic[0].kind", "\"udp-tx\", \"udp-rx\", \"tcp-tx\", \"tcp-rx\", \"ping\"", "got \"udp\"")
      assertProblem(problems, "vms[0].traffic[1].kind", "missing required field")
      assertProblem(problems, "vms[0].traffic[2].offeredMbps", "\"saturate\"", "got \"lots\"")
    }))

  it.effect("missing required fields, bad names and passphrases", () =>
    Effect.gen(function*() {
      const problems = yield* problemsOf({
        aps: [{ bssid: "02:00:00:00:01:00", security: { kind: "wpa2-psk", passphrase: "short" } }],
        vms: [{ name: "Web_1", ssid: "lab" }]
      })
      assertProblem(problems, "aps[0].ssid", "missing required field")
      assertProblem(problems, "aps[0].security.passphrase", "8 to 63 characters")
      // A passphrase is named, never shown (a message may end up in a log).
      assert.notInclude(JSON.stringify(problems), "short\"")
      assertProblem(problems, "vms[0].name", "lower-case letters", "got \"Web_1\"")
    }))

  it.effect("unknown SSID, listing the known ones", () =>
    Effect.gen(function*() {
      const problems = yield* problemsOf({ vms: [vm("a", { ssid: "lab2" })] })
      assert.deepStrictEqual(problems, [{ path: "vms[0].ssid", message: "no AP has SSID \"lab2\"; known SSIDs: \"lab\"" }])
    }))

  it.effect("duplicate VM name and BSSID; an ESS whose APs differ in security; an AP with a position and a fixed signal", () =>
    Effect.gen(function*() {
      const problems = yield* problemsOf({
        aps: [
          { ssid: "lab", bssid: "02:00:00:00:01:00" },
          { ssid: "lab", bssid: "02:00:00:00:01:00" },
          { ssid: "lab", bssid: "02:00:00:00:01:01", security: { kind: "open" } },
          { ssid: "lab", bssid: "02:00:00:00:01:02", position: { x: 1, y: 1 }, signalDbm: -60 }
        ],
        vms: [vm("a"), vm("b"), vm("a")]
      })
      assertProblem(problems, "vms[2].name", "duplicate VM name \"a\"", "vms[0].name")
      assertProblem(problems, "aps[1].bssid", "duplicate BSSID")
      assertProblem(problems, "aps[2].security", "one network (ESS)")
      assertProblem(problems, "aps[3].signalDbm", "not both")
      assert.isFalse(problems.some((p) => p.path === "aps[1].ssid"), "APs may share an SSID (an ESS)")
    }))

  it.effect("an AP's first beacon within its first beacon interval", () =>
    Effect.gen(function*() {
      const aps = (offsets: ReadonlyArray<number>) => offsets.map((tbttOffsetUs, i) => ({ ssid: `ap${i}`, bssid: `02:00:00:00:01:0${i}`, beaconIntervalTu: 10, tbttOffsetUs }))
      // 10 TU = 10,240 µs.
      const fine = yield* decodeScenario({ aps: aps([0, 10_239]), vms: [] })
      assert.deepStrictEqual(fine.aps.map((ap) => ap.tbttOffsetUs), [0, 10_239])
      assertProblem(yield* problemsOf({ aps: aps([0, 10_240]), vms: [] }), "aps[1].tbttOffsetUs", "within the first beacon interval", "0..10239, got 10240")
      assertProblem(yield* problemsOf({ aps: aps([-1]), vms: [] }), "aps[0].tbttOffsetUs")
    }))

  it.effect("passthrough with 2 VMs; native without exactly one", () =>
    Effect.gen(function*() {
      assertProblem(yield* problemsOf({ mode: "passthrough", vms: [vm("a"), vm("b")] }), "vms", "passthrough", "at most 1 VM")
      assertProblem(yield* problemsOf({ mode: "native", vms: [] }), "vms", "exactly 1 entry")
      assertProblem(yield* problemsOf({ mode: "native", vms: [vm("a"), vm("b")] }), "vms", "exactly 1 entry")
      assert.strictEqual((yield* decodeScenario({ mode: "passthrough", vms: [] })).vms.length, 0)
      assert.strictEqual((yield* decodeScenario({ mode: "native" })).vms.length, 1)
    }))

  it.effect("missing passphrase for a WPA2 AP (an open AP needs none)", () =>
    Effect.gen(function*() {
      const problems = yield* problemsOf({ vms: [{ name: "a", ssid: "lab" }] })
      assert.deepStrictEqual(problems.map((p) => p.path), ["vms[0].passphrase"])
      assertProblem(problems, "vms[0].passphrase", "WPA2")
      const open = yield* decodeScenario({ aps: [{ ssid: "cafe", bssid: "02:00:00:00:01:02", security: { kind: "open" } }], vms: [{ name: "a", ssid: "cafe" }] })
      assert.isUndefined(open.vms[0]!.passphrase)
    }))

  it.effect("other cross-field mistakes: warm-up too long, an AP no scan visits, 802.11g in 5 GHz, 802.11n without WMM", () =>
    Effect.gen(function*() {
      assertProblem(yield* problemsOf({ durationSeconds: 1, warmupSeconds: 1 }), "warmupSeconds", "shorter than durationSeconds")
      assertProblem(yield* problemsOf({ card: { channel: 3 } }), "aps[0].channel", "driver.scanChannels")
      assertProblem(yield* problemsOf({ card: { channel: 36 }, driver: { scanChannels: [36] } }), "card.channel", "2.4 GHz")
      // An 802.11g card cannot scan outside 2.4 GHz; an 802.11n card may.
      assertProblem(yield* problemsOf({ driver: { scanChannels: [6, 36, 11] } }), "driver.scanChannels[1]", "cannot scan channel 36")
      const ht20 = { standard: "802.11n", mcs: 7, channelWidthMhz: 20, guardInterval: "long" }
      assert.deepStrictEqual((yield* decodeScenario({ card: { phy: ht20 }, driver: { scanChannels: [6, 36] } })).driver.scanChannels, [6, 36])
      // 802.11n without WMM: an A-MPDU carries QoS data frames only.
      assertProblem(yield* problemsOf({ card: { phy: ht20, qos: false } }), "card.qos", "802.11n needs WMM")
      // HT40 needs a 40 MHz pair (Annex E): none for 165; 161 pairs with 157.
      const ht40 = { standard: "802.11n", mcs: 15, channelWidthMhz: 40, guardInterval: "short" }
      assertProblem(yield* problemsOf({ card: { phy: ht40, channel: 165 }, driver: { scanChannels: [165] } }), "card.phy.channelWidthMhz", "channel 165 has none")
      // Channel 14 is no HT channel at all (DSSS only), so it is refused as such, at 20 or 40 MHz.
      assertProblem(yield* problemsOf({ card: { phy: ht40, channel: 14 }, driver: { scanChannels: [14] } }), "card.channel", "got channel 14")
      assertProblem(
        yield* problemsOf({ card: { phy: ht40 }, driver: { scanChannels: [6, 165] }, aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", channel: 165 }] }),
        "aps[0].channel", "channel 165 has no 40 MHz pair")
      assert.strictEqual((yield* decodeScenario({ card: { phy: ht40, channel: 161 }, driver: { scanChannels: [161] } })).card.channel, 161)
    }))

  it.effect("802.11n only on the channels of Annex E: not 14, nor a number between 20 MHz channels", () =>
    Effect.gen(function*() {
      const ht20 = { standard: "802.11n", mcs: 7, channelWidthMhz: 20, guardInterval: "long" }
      for (const channel of [14, 20, 50, 38]) {
        assertProblem(yield* problemsOf({ card: { phy: ht20, channel }, driver: { scanChannels: [channel] } }), "card.channel", `got channel ${channel}`)
      }
      assertProblem(yield* problemsOf({ card: { phy: ht20 }, driver: { scanChannels: [6, 14] } }), "driver.scanChannels[1]", "got channel 14")
      assertProblem(
        yield* problemsOf({ card: { phy: ht20 }, driver: { scanChannels: [6, 50] }, aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", channel: 50 }] }),
        "aps[0].channel", "got channel 50")
      for (const channel of [1, 13, 36, 144, 149, 165]) {
        assert.strictEqual((yield* decodeScenario({ card: { phy: ht20, channel }, driver: { scanChannels: [channel] } })).card.channel, channel)
      }
    }))

  it.effect("a Virtual WiFi switch turned on in native or passthrough, where it would change nothing", () =>
    Effect.gen(function*() {
      const switches = { addressTranslation: "iommu", interruptCoalescing: { enabled: true }, fastDataPath: true }
      for (const mode of ["native", "passthrough"]) {
        const problems = yield* problemsOf({ mode, switches })
        assert.deepStrictEqual(problems.map((p) => p.path), ["switches.addressTranslation", "switches.interruptCoalescing.enabled", "switches.fastDataPath"])
        assertProblem(problems, "switches.fastDataPath", `mode "${mode}" has no use for`)
      }
      // Their defaults, or coalescing's settings while it is off, are no mistake.
      const off = { addressTranslation: "software", interruptCoalescing: { enabled: false, frames: 16 }, fastDataPath: false }
      assert.strictEqual((yield* decodeScenario({ mode: "native", switches: off })).mode, "native")
      assert.strictEqual((yield* decodeScenario({ switches })).switches.fastDataPath, true)
    }))

  it.effect("a locate flow where no AP has a position, so that it could make no estimate", () =>
    Effect.gen(function*() {
      const locator = { name: "a", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "ping" }, { kind: "locate" }] }
      assertProblem(yield* problemsOf({ vms: [locator] }), "vms[0].traffic[1].kind", "no AP has one")
      const placed = { ssid: "lab", bssid: "02:00:00:00:01:00", position: { x: 5, y: 0 } }
      const fixed = { ssid: "lab", bssid: "02:00:00:00:01:01", signalDbm: -60 }
      assert.strictEqual((yield* decodeScenario({ aps: [placed, fixed], vms: [locator] })).vms[0]!.traffic[1]!.kind, "locate")
    }))

  it.effect("an AP of a joined ESS on a channel no scan visits, whichever of its APs is listed first", () =>
    Effect.gen(function*() {
      const ap = (bssid: string, channel: number) => ({ ssid: "lab", bssid, channel })
      const second = yield* problemsOf({ aps: [ap("02:00:00:00:01:00", 6), ap("02:00:00:00:01:01", 3)] })
      assert.deepStrictEqual(second.map((p) => p.path), ["aps[1].channel"])
      assertProblem(second, "aps[1].channel", "channel 3 is not in driver.scanChannels")
      const first = yield* problemsOf({ aps: [ap("02:00:00:00:01:00", 3), ap("02:00:00:00:01:01", 6)] })
      assert.deepStrictEqual(first.map((p) => p.path), ["aps[0].channel"])
      // An AP no VM joins may sit anywhere: it is only heard (or not).
      const other = { ssid: "elsewhere", bssid: "02:00:00:00:01:02", channel: 3 }
      assert.strictEqual((yield* decodeScenario({ aps: [ap("02:00:00:00:01:00", 6), other] })).aps[1]!.channel, 3)
    }))

  it.effect("a passphrase for an open AP, which its driver would never join", () =>
    Effect.gen(function*() {
      const cafe = { ssid: "cafe", bssid: "02:00:00:00:01:02", security: { kind: "open" } }
      const problems = yield* problemsOf({ aps: [cafe], vms: [{ name: "a", ssid: "cafe", passphrase: "vwifi-lab-key" }] })
      assert.deepStrictEqual(problems.map((p) => p.path), ["vms[0].passphrase"])
      assertProblem(problems, "vms[0].passphrase", "is open", "leave the passphrase out")
      assert.notInclude(problems[0]!.message, "vwifi-lab-key")
    }))

  it.effect("a scan channel listed twice", () =>
    Effect.gen(function*() {
      const problems = yield* problemsOf({ driver: { scanChannels: [1, 6, 11, 6] } })
      assert.deepStrictEqual(problems.map((p) => p.path), ["driver.scanChannels[3]"])
      assertProblem(problems, "driver.scanChannels[3]", "duplicate scan channel \"6\" (also at driver.scanChannels[1])")
    }))

  it.effect("a BSSID the simulator uses itself, or a multicast one", () =>
    Effect.gen(function*() {
      const ap = (bssid: string) => ({ aps: [{ ssid: "lab", bssid }] })
      assertProblem(yield* problemsOf(ap("02:00:00:00:02:00")), "aps[0].bssid", "the card's vMAC 0", "02:00:00:00:02:00..02:00:00:00:02:03")
      assertProblem(yield* problemsOf(ap("02:00:00:00:03:00")), "aps[0].bssid", "scanning station")
      assertProblem(yield* problemsOf(ap("02:00:00:10:00:00")), "aps[0].bssid", "wired endpoint of AP 0")
      assertProblem(yield* problemsOf(ap("01:00:5e:00:00:01")), "aps[0].bssid", "multicast")
      assert.strictEqual((yield* decodeScenario({ card: { vmacs: 2 }, ...ap("02:00:00:00:02:02") })).aps[0]!.bssid, "02:00:00:00:02:02")
    }))

  it("MAC addresses convert to text and back", () => {
    assert.strictEqual(AddressPlan.macText(AddressPlan.macValue("02:00:00:0a:0b:0c")), "02:00:00:0a:0b:0c")
  })

  it.effect("every problem is reported, not only the first", () =>
    Effect.gen(function*() {
      const problems = yield* problemsOf({ card: { vmacs: 0, channel: 0 }, host: { cpuGhz: -1 } })
      assert.deepStrictEqual(problems.map((p) => p.path).sort(), ["card.channel", "card.vmacs", "host.cpuGhz"])
    }))
})

describe("scenario: what is allowed on purpose", () => {
  it.effect("more VMs than vMACs, a wrong passphrase, an AP on another (scanned) channel", () =>
    Effect.gen(function*() {
      const many = yield* decodeScenario({ card: { vmacs: 2 }, vms: [vm("a"), vm("b"), vm("c")] })
      assert.strictEqual(many.vms.length, 3)
      const wrong = yield* decodeScenario(wrongPassphrase)
      assert.strictEqual(wrong.vms[2]!.passphrase, "not-the-key")
      const other = yield* decodeScenario({ aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", channel: 11 }] })
      assert.strictEqual(other.aps[0]!.channel, 11)
      assert.strictEqual(other.card.channel, 6)
    }))

  it.effect("the examples decode", () =>
    Effect.gen(function*() {
      const two = yield* decodeScenario(twoVmsTwoAps)
      assert.deepStrictEqual(two.aps.map((a) => a.ssid), ["office", "home"])
      assert.deepStrictEqual(two.aps.map((a) => a.channel), [6, 6])
      assert.deepStrictEqual(two.vms.map((v) => v.traffic.map((t) => t.kind)), [["udp-tx", "ping"], ["udp-tx", "ping"]])
      assert.strictEqual((yield* decodeScenario(fourVmsHt40)).vms.length, 4)
      assert.strictEqual((yield* decodeScenario(wrongPassphrase)).vms.length, 3)
    }))
})

describe("scenario: files", () => {
  it.effect("a valid file loads (a byte-order mark is skipped)", () =>
    Effect.gen(function*() {
      const path = tempFile("ok.json", `\uFEFF${JSON.stringify({ card: { vmacs: 2 } }, null, 2)}`)
      const s = yield* loadScenarioFile(path)
      assert.strictEqual(s.card.vmacs, 2)
      assert.deepStrictEqual(s.vms, defaultScenario.vms)
    }))

  it.effect("invalid JSON gives the line and column", () =>
    Effect.gen(function*() {
      const path = tempFile("bad.json", "{\n  \"card\": { \"vmacs\": 2 }\n  \"vms\": []\n}\n")
      const error = yield* Effect.flip(loadScenarioFile(path))
      assert.strictEqual(error.source, path)
      assert.strictEqual(error.problems.length, 1)
      assert.strictEqual(error.message, `${path}: invalid JSON at line 3, column 3: expected ',' or '}' after a property value`)
      const bare = tempFile("bare.json", "{ \"mode\": virtual-wifi }")
      assert.include((yield* Effect.flip(loadScenarioFile(bare))).message, "line 1, column 11: unexpected 'v'")
      const blank = tempFile("blank.json", "\n")
      assert.include((yield* Effect.flip(loadScenarioFile(blank))).message, "line 2, column 1: unexpected end of input")
    }))

  it.effect("a missing file, or a directory, is named with its path", () =>
    Effect.gen(function*() {
      const missing = join(tempDir, "nope.json")
      const error = yield* Effect.flip(loadScenarioFile(missing))
      assert.strictEqual(error._tag, "ScenarioError")
      assert.strictEqual(error.message, `${missing}: cannot read the scenario file: no such file`)
      assert.include((yield* Effect.flip(loadScenarioFile(tempDir))).message, "directory")
    }))

  it.effect("an invalid scenario in a file names the file and the field", () =>
    Effect.gen(function*() {
      const path = tempFile("scenario.json", JSON.stringify({ vms: [vm("a", { memoryMb: 10 })] }))
      const error = yield* Effect.flip(loadScenarioFile(path))
      assert.strictEqual(error.message, `${path}: vms[0].memoryMb: expected an integer between 64 and 65536, got 10`)
    }))
})
