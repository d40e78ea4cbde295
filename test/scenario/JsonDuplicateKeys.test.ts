import { assert, describe, it } from "@effect/vitest"
import { jsonDuplicateKeyAt } from "../../src/scenario/JsonDuplicateKeys.ts"

describe("scenario files: a key given twice in one object", () => {
  it("is found where it repeats, as JSON.parse would have read it (escapes decoded)", () => {
    assert.deepStrictEqual(jsonDuplicateKeyAt('{"mode":"native","mode":"passthrough"}'), { key: "mode", offset: 17 })
    assert.deepStrictEqual(jsonDuplicateKeyAt('{"card":{"qos":true,"\\u0071os":false}}')?.key, "qos")
    assert.deepStrictEqual(jsonDuplicateKeyAt('{"vms":[{"name":"a","traffic":[{"kind":"ping","kind":"udp-tx"}]}]}')?.key, "kind")
  })

  it("is not confused by the same key in sibling objects, by values that read like keys, or by quotes inside strings", () => {
    assert.isUndefined(jsonDuplicateKeyAt('{"aps":[{"ssid":"a","bssid":"x"},{"ssid":"b","bssid":"y"}],"vms":[{"ssid":"a"}]}'))
    assert.isUndefined(jsonDuplicateKeyAt('{"name":"name","ssid":"name"}'))
    assert.isUndefined(jsonDuplicateKeyAt('{"a\\"b":1,"a":{"a\\"b":["a\\"b",{"a":1}]}}'))
    assert.isUndefined(jsonDuplicateKeyAt('[{"a":1},{"a":2}]'))
  })
})
