/** The one table: every target of issue 11 next to its same-run baseline, measured, pass or fail. */

export interface Row {
  area: string;
  figure: string;
  target: string;
  /** The comparator measured in the same run (naive handler, bare Fastify, one process…), if any. */
  baseline: string;
  measured: string;
  /** null: a reference figure with no target of its own, or not measured in this run. */
  pass: boolean | null;
}

export const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : 'never');
export const perSecond = (value: number) => `${Math.round(value)}/s`;

export function printTable(rows: Row[]): void {
  console.table(
    rows.map((row) => ({
      area: row.area,
      figure: row.figure,
      target: row.target,
      baseline: row.baseline,
      measured: row.measured,
      result: row.pass === null ? '–' : row.pass ? 'PASS' : 'FAIL',
    })),
  );
}
