/**
 * vwifi as a library: the deterministic virtual-time kernel and the actor runtime the Virtual WiFi
 * model is built from.
 */
export * as Simulation from "./kernel/Simulation.ts"
export { Prng } from "./kernel/Prng.ts"
export { FiberLabel } from "./kernel/FiberLabel.ts"
export { Deadlock, RunawayFiber } from "./kernel/KernelError.ts"
export type { TraceSink } from "./kernel/Trace.ts"
export * as Actor from "./actor/Actor.ts"
export { ActorSystem } from "./actor/ActorSystem.ts"
export type { ActorMetrics, DeadLetter, DeadLetterReason } from "./actor/ActorSystem.ts"
export { ActorEscalated, ActorStopped, AskTimeout, MailboxFull } from "./actor/ActorError.ts"
export { Reply, ReplySchema } from "./actor/Reply.ts"
export type { Overflow } from "./actor/Mailbox.ts"
export { defaultSupervision } from "./actor/Supervision.ts"
export type { SupervisionPolicy } from "./actor/Supervision.ts"
export { runKernelDemo } from "./demo/KernelDemo.ts"

// The Virtual WiFi model.
export { Scenario } from "./scenario/Scenario.ts"
export { decodeScenario, defaultScenario, encodeScenario, loadScenarioFile, readScenarioJson, ScenarioError } from "./scenario/ScenarioLoad.ts"
export type { ScenarioInput } from "./scenario/Scenario.ts"
export * as InputBounds from "./scenario/InputBounds.ts"
export * as Examples from "./scenario/examples.ts"
export { build } from "./world/World.ts"
export type { VmHandle, World } from "./world/World.ts"
export { runScenario } from "./run/RunScenario.ts"
export type { RunScenarioOptions } from "./run/RunScenario.ts"
export { RunReport, VmReport } from "./report/RunReport.ts"
export * as CardCommand from "./vocabulary/CardCommand.ts"
export type { CardEvent, RejectReason, ScanResult } from "./vocabulary/CardEvent.ts"
export type { GuestMessage } from "./guest/GuestVm.ts"

// Faults, recovery, invariants, soak.
export { FaultSchedule, FaultSpec, HOSTILE_ATTACKS } from "./scenario/FaultSchedule.ts"
export type { FaultKind, HostileAttack } from "./scenario/FaultSchedule.ts"
export { generateFaults, faultFromDraw } from "./fault/FaultPlan.ts"
export type { FaultDraw, GenerateOptions } from "./fault/FaultPlan.ts"
export { caseScenario, caseVerdict, FaultCase, RECONNECT_BOUND_SECONDS } from "./fault/FaultCase.ts"
export { FaultsReport } from "./report/RunReport.ts"
export { runSoak } from "./soak/Soak.ts"
export type { SoakOptions } from "./soak/Soak.ts"
export { SoakHour, SoakReport } from "./report/SoakReport.ts"
