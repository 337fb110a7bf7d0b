import type { BenchmarkResult, RouteLlmEvaluation } from './routellm-eval.ts';

/**
 * A standalone SVG of accuracy against strong share: one panel per benchmark, one line per
 * router (random dashed), the APGR of each router in the legend. No plotting library: the chart
 * is a few polylines, and a dependency would outweigh the code.
 */
const panelWidth = 380;
const panelHeight = 300;
const margin = { left: 62, right: 14, top: 34, bottom: 44 };
const legendHeight = 22;
// Colour-blind-safe palette (Okabe-Ito), in router order; random is always grey.
const palette = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const randomColour = '#999999';
const dashOf = (router: string) => (router === 'random' ? ' stroke-dasharray="5 3"' : '');

export function renderCurvesSvg(evaluation: RouteLlmEvaluation): string {
  const routers = evaluation.benchmarks[0]?.routers.map((result) => result.router) ?? [];
  const colourOf = (router: string) =>
    router === 'random'
      ? randomColour
      : (palette[routers.filter((name) => name !== 'random').indexOf(router) % palette.length] as string);
  const width = panelWidth * Math.max(1, evaluation.benchmarks.length);
  const legendRows = Math.ceil(routers.length / 4);
  const height = panelHeight + legendRows * legendHeight + 30;
  const title = `Accuracy vs strong share: ${evaluation.weakModel} (weak) / ${evaluation.strongModel} (strong)`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      'font-family="Helvetica, Arial, sans-serif" font-size="11">',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  evaluation.benchmarks.forEach((benchmark, index) => {
    parts.push(panel(benchmark, index * panelWidth, 24, colourOf));
  });
  routers.forEach((router, index) => {
    const x = 20 + (index % 4) * ((width - 40) / 4);
    const y = panelHeight + 40 + Math.floor(index / 4) * legendHeight;
    const label = `${router} (mean APGR ${format(evaluation.meanApgr[router] ?? null)})`;
    parts.push(
      `<line x1="${x}" y1="${y - 4}" x2="${x + 22}" y2="${y - 4}" stroke="${colourOf(router)}" stroke-width="2.5"` +
        `${dashOf(router)}/>`,
      `<text x="${x + 28}" y="${y}">${escapeXml(label)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function panel(benchmark: BenchmarkResult, left: number, top: number, colourOf: (router: string) => string): string {
  const plotWidth = panelWidth - margin.left - margin.right;
  const plotHeight = panelHeight - margin.top - margin.bottom;
  const low = Math.min(benchmark.weakPerformance, benchmark.strongPerformance);
  const high = Math.max(benchmark.weakPerformance, benchmark.strongPerformance);
  // 10% headroom of the gap on both sides: routers can beat the strong model alone.
  const pad = Math.max((high - low) * 0.1, 1e-6);
  const [yMin, yMax] = [low - pad, high + pad];
  const x = (share: number) => left + margin.left + share * plotWidth;
  const y = (value: number) => top + margin.top + (1 - (value - yMin) / (yMax - yMin)) * plotHeight;
  const heading = `${benchmark.benchmark} (${benchmark.prompts} prompts)`;
  const parts = [
    `<text x="${left + panelWidth / 2}" y="${top + 20}" text-anchor="middle" font-size="12" font-weight="bold">` +
      `${escapeXml(heading)}</text>`,
    `<rect x="${x(0)}" y="${y(yMax)}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#333333"/>`,
  ];
  for (let tick = 0; tick <= 4; tick += 1) {
    const share = tick / 4;
    const value = yMin + ((yMax - yMin) * tick) / 4;
    const valueLabel = benchmark.metric === 'accuracy' ? `${(value * 100).toFixed(1)}%` : value.toFixed(2);
    parts.push(
      `<line x1="${x(share)}" y1="${y(yMin)}" x2="${x(share)}" y2="${y(yMin) + 4}" stroke="#333333"/>`,
      `<text x="${x(share)}" y="${y(yMin) + 16}" text-anchor="middle">${share * 100}%</text>`,
      `<line x1="${x(0)}" y1="${y(value)}" x2="${x(1)}" y2="${y(value)}" stroke="#eeeeee"/>`,
      `<text x="${x(0) - 6}" y="${y(value) + 4}" text-anchor="end">${valueLabel}</text>`,
    );
  }
  parts.push(
    `<text x="${x(0.5)}" y="${y(yMin) + 32}" text-anchor="middle">share of prompts sent to the strong model</text>`,
    `<text transform="translate(${left + 12} ${y((yMin + yMax) / 2)}) rotate(-90)" text-anchor="middle">` +
      `${escapeXml(benchmark.metric)}</text>`,
  );
  // Random first, so the routers are drawn over it.
  const ordered = [...benchmark.routers].sort((a, b) => Number(b.router === 'random') - Number(a.router === 'random'));
  for (const result of ordered) {
    const points = result.vertices.map(
      (vertex) => `${x(vertex.strongShare).toFixed(1)},${y(vertex.performance).toFixed(1)}`,
    );
    const strokeWidth = result.router === 'random' ? 1.5 : 2;
    const title = `${result.router}: APGR ${format(result.apgr)}`;
    parts.push(
      `<polyline fill="none" stroke="${colourOf(result.router)}" stroke-width="${strokeWidth}"` +
        `${dashOf(result.router)} points="${thin(points).join(' ')}"><title>${escapeXml(title)}</title></polyline>`,
    );
  }
  return parts.join('\n');
}

/** At most ~400 points a line: 11,000 MMLU prompts would otherwise make a 1 MB file of invisible detail. */
function thin(points: string[]): string[] {
  const step = Math.ceil(points.length / 400);
  if (step <= 1) return points;
  return points.filter((_, index) => index % step === 0 || index === points.length - 1);
}

function format(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(3);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
