/**
 * Named points where the fault-injection tests make the process die. With `PARKZONES_FAULT_AT=name` the process
 * kills itself with SIGKILL on reaching the point `name` (as a power cut would: no cleanup, no flush); with
 * `PARKZONES_FAULT_TRACE=1` it writes `fault-point NAME` to stderr at every point it passes, so that a test can kill
 * it at a timed offset after one. Both are unset in normal use, where a point costs one property read.
 */
export type FaultPoint =
  | 'after-mark' // the upload is marked in flight (committed); its transaction has not begun
  | 'after-insert-rejects' // inside the transaction: rejects inserted
  | 'after-slice' // inside the transaction: one slice of the upload's good rows inserted (staging.ts sliceRows)
  | 'after-insert-trips' // inside the transaction: trips inserted
  | 'before-commit' // inside the transaction: everything written, COMMIT not yet sent
  | 'after-commit' // COMMIT returned; the in-flight mark is still set
  | 'after-clear'; // the in-flight mark is cleared: the upload is done

/** Passes the fault point `name`: dies there when PARKZONES_FAULT_AT names it (see the module comment). */
export function faultPoint(name: FaultPoint): void {
  if (process.env.PARKZONES_FAULT_TRACE === '1') process.stderr.write(`fault-point ${name}\n`);
  if (process.env.PARKZONES_FAULT_AT === name) process.kill(process.pid, 'SIGKILL');
}
