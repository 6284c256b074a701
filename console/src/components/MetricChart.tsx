import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface Series {
  label: string;
  /** Unix seconds, ascending. */
  times: number[];
  values: number[];
}

const COLOURS = ['#2f6fdf', '#d9480f', '#2b8a3e', '#ae3ec9', '#e67700', '#0c8599'];

/** Aligns several series on one time axis (uPlot's data layout); a missing point is null. */
export function align(series: Series[]): uPlot.AlignedData {
  const times = [...new Set(series.flatMap((s) => s.times))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const col: Array<number | null> = times.map(() => null);
    s.times.forEach((t, i) => { col[index.get(t)!] = s.values[i] ?? null; });
    return col;
  });
  return [times, ...columns] as uPlot.AlignedData;
}

/** One metric chart (uPlot); its numbers are also in a visually hidden summary for screen readers. */
export function MetricChart({ title, unit, series, fromSeconds }: { title: string; unit: string; series: Series[]; fromSeconds: number }) {
  const box = useRef<HTMLDivElement>(null);
  const points = series.reduce((n, s) => n + s.values.length, 0);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const now = Date.now() / 1000;
    const width = Math.max(240, el.clientWidth || 320);
    const plot = new uPlot({
      width, height: 160,
      scales: { x: { time: true, range: [now - fromSeconds, now] } },
      axes: [{ stroke: 'currentColor' }, { stroke: 'currentColor', label: unit || undefined }],
      series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: COLOURS[i % COLOURS.length], width: 1.5, spanGaps: true }))],
      legend: { show: series.length > 1 },
    }, align(series), el);
    return () => plot.destroy();
  }, [series, fromSeconds, unit]);
  const latest = series.map((s) => `${s.label}: ${s.values.length ? s.values[s.values.length - 1]!.toFixed(2) : 'no data'}`).join('; ');
  return (
    <figure class="chart" data-points={points}>
      <figcaption>{title}{unit ? ` (${unit})` : ''}</figcaption>
      <div ref={box} aria-hidden="true" />
      <p class="visually-hidden">{points === 0 ? 'No data yet.' : `Latest: ${latest}`}</p>
      {points === 0 && <p class="muted nodata">No data yet.</p>}
    </figure>
  );
}
