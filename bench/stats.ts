/** A figure as the benchmarks report it: the median of the repetitions, with their min and max. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function figure(samples: number[]): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median: round(median), min: round(sorted[0]!), max: round(sorted.at(-1)!), samples: samples.map(round) };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export async function repeat(times: number, run: (i: number) => Promise<number>): Promise<Figure> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) samples.push(await run(i));
  return figure(samples);
}

export function round(n: number): number {
  return Math.round(n * 100) / 100;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
