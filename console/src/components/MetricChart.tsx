import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { align, valueRange, type Series } from '../metric-queries.js';

const COLOURS = ['#2f6fdf', '#d9480f', '#2b8a3e', '#ae3ec9', '#e67700', '#0c8599'];

/** One metric chart (uPlot); its numbers are also in a visually hidden summary for screen readers. */
export function MetricChart({ title, unit, series, fromSeconds }: { title: string; unit: string; series: Series[]; fromSeconds: number }) {
  const box = useRef<HTMLDivElement>(null);
  const figure = useRef<HTMLElement>(null);
  const points = series.reduce((n, s) => n + s.values.length, 0);
  useEffect(() => {
    const el = box.current;
    const fig = figure.current;
    if (!el || !fig) return;
    // data-drawn is set once uPlot has drawn this data for this range: the figure's data-points and
    // data-range change when the page renders, but this effect runs after the paint and uPlot draws
    // a microtask after its constructor, so until then the canvas still shows the previous plot.
    delete fig.dataset.drawn;
    const now = Date.now() / 1000;
    const width = Math.max(240, el.clientWidth || 320);
    const plot = new uPlot({
      width, height: 160,
      scales: { x: { time: true, range: [now - fromSeconds, now] }, y: { range: (_u, min, max) => valueRange(min, max) } },
      axes: [{ stroke: 'currentColor' }, { stroke: 'currentColor', label: unit || undefined }],
      series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: COLOURS[i % COLOURS.length], width: 1.5, spanGaps: true }))],
      legend: { show: series.length > 1, live: false },
      hooks: { draw: [() => { fig.dataset.drawn = `${points}@${fromSeconds}`; }] },
    }, align(series) as uPlot.AlignedData, el);
    return () => plot.destroy();
  }, [series, fromSeconds, unit, points]);
  const latest = series.map((s) => `${s.label}: ${s.values.length ? s.values[s.values.length - 1]!.toFixed(2) : 'no data'}`).join('; ');
  return (
    <figure class="chart" data-points={points} data-range={fromSeconds} ref={figure}>
      <figcaption>{title}{unit ? ` (${unit})` : ''}</figcaption>
      <div class="plot">
        <div ref={box} aria-hidden="true" />
        {points === 0 && <p class="muted nodata">No data yet.</p>}
      </div>
      <p class="visually-hidden">{points === 0 ? 'No data yet.' : `Latest: ${latest}`}</p>
    </figure>
  );
}
