/**
 * Values and empty arrays made in the representation they will end up in, so that code V8 optimised
 * during one world keeps fitting the next world's objects (issue 14).
 *
 * V8 stores a field, or an array's elements, in the most specific form its first values allow
 * (small integers) and moves it to a more general one (doubles, any object) when a later value does
 * not fit; optimised code from then on checks for the general form only. Each world builds its kernel,
 * stations and core anew, so their fresh arrays and fields failed those checks in the next world and
 * deoptimised the hottest functions: `--trace-deopt` counted 34–37 deoptimisations in a process's second
 * world of model (a), 11–13 in its third and 2–4 in its fourth; with these, 23–30, 4–7 and 0.
 */

/** An empty array of objects (functions, records), already in V8's form for objects. */
export const objectArray = <T>(): Array<T> => {
  const array: Array<T | undefined> = [undefined]
  array.length = 0
  return array as Array<T>
}

/**
 * `n` times `value` in an array already in V8's form for fractional numbers: for sums that may not
 * stay integers, and for numbers read from a `Float64Array`, which V8 may store as doubles.
 */
export const doubleArray = (n: number, value: number): Array<number> => {
  const array = [0.5]
  array.length = 0
  for (let i = 0; i < n; i++) array.push(value)
  return array
}

/**
 * A fraction to give a time field first, in its declaration, before the constructor sets its real
 * value: the field is then a double from the start. Every run passes 2^31 ns (2.1 simulated s), where
 * a field that began as a small integer changes form; values computed from it as the next world
 * starts (its warm-up's end, a guest's join) then changed theirs, and the code using them deoptimised.
 * A sum of times that starts at 0 does the same at its first fraction, and V8 then gives its object a
 * new hidden class: the next world's objects of that class no longer matched what fields holding them
 * had recorded (the card's status, its energy meter, its radio, the core's plan), and every function
 * relying on those fields was thrown away at the next world's start.
 */
export const DOUBLE_FIELD_SEED = 0.5

/**
 * Makes the `fields` of every object shaped like `sample` hold their numbers by reference. Call it on
 * a throwaway object made by the same constructor or literal as the real ones, before they are made.
 *
 * A number that is not a small integer (a 48-bit MAC address, a time past 2^31 ns, a key's identity)
 * lives in a 16-byte box. A field V8 keeps as a double owns its box, and every store into it from a
 * field of another kind makes a new one: a vMAC's BSSID copied into each frame, the endpoint's address
 * into each descriptor and on into its frame, made a box per frame at each step (80 of a queued
 * frame's 250 bytes, and (c) queues 4,096 frames at a time). A field V8 keeps for any value points at
 * the box it is given, shared by every copy; the first non-number a field holds makes it one. For
 * fields copied from object to object; a field updated with computed values, such as a clock, is
 * better as a double, whose box V8 updates in place.
 */
export const shareNumbers = <T extends object>(sample: T, fields: ReadonlyArray<keyof T>): void => {
  const s = sample as Record<keyof T, unknown>
  for (let i = 0; i < fields.length; i++) s[fields[i]!] = null
}

/**
 * `list` with `item` appended, made with it when there is none yet: an array of one is allocated at
 * its size, where `[]` and `push` grow it to 17 slots at once (152 bytes). For the lists a hot path
 * makes and hands on, which mostly hold one item.
 */
export const appendTo = <T>(list: Array<T> | undefined, item: T): Array<T> => {
  if (list === undefined) return [item]
  list.push(item)
  return list
}
