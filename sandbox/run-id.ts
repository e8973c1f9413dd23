/** A simulator's run id: a non-negative safe integer (the demo's start time in milliseconds), 0 by default. */
export function checkedRunId(runId: number | undefined): number {
  const value = runId ?? 0;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`a simulator run id is a non-negative integer, not ${runId}`);
  }
  return value;
}
