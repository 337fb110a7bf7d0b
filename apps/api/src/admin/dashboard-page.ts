/** How often the page polls `/dashboard/data`: live enough to watch a batch, cheap for Redis (one read per queue). */
export const dashboardPollMs = 2_000;
/** Points kept per time series: 10 minutes at one poll every 2 s. */
const historyPoints = 300;

// The page's script runs in the browser: plain ES2020, Chart.js from /dashboard/assets.
const script = `
const pollMs = ${dashboardPollMs};
const historyPoints = ${historyPoints};
const palette = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02'];
const breakerColours = ['#1b9e77', '#e6ab02', '#d62728'];
const breakerNames = ['closed', 'half-open', 'open'];
const history = { labels: [], requests: {}, cost: [], baseline: [], saving: [], cacheHits: [], answered: [] };
const charts = {};
const tierFigure = (data, tier, field) => (data.byTier[tier] || {})[field] || 0;
const time = (iso) => new Date(iso).toLocaleTimeString();
const usd = (value) => '$' + value.toFixed(4);

function chart(id, config) {
  charts[id] = new Chart(document.getElementById(id), config);
  return charts[id];
}

function setup(tiers) {
  const line = (datasets, yTitle) => ({
    type: 'line',
    data: { labels: history.labels, datasets },
    options: { animation: false, responsive: true, maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, title: { display: true, text: yTitle } } } },
  });
  const bar = (yTitle, extra = {}) => ({
    type: 'bar',
    data: { labels: [], datasets: [] },
    options: { animation: false, responsive: true, maintainAspectRatio: false,
      scales: {
        y: { beginAtZero: true, title: { display: true, text: yTitle }, ...(extra.y || {}) },
        x: { stacked: !!extra.stacked },
      },
      plugins: { legend: { display: extra.legend !== false } } },
  });
  for (const tier of tiers) history.requests[tier] = [];
  chart('requests-chart', line(tiers.map((tier, index) => ({ label: tier, data: history.requests[tier],
    borderColor: palette[index % palette.length], backgroundColor: palette[index % palette.length] })),
    'requests answered'));
  chart('cost-chart', line([
    { label: 'cost', data: history.cost, borderColor: '#d95f02', backgroundColor: '#d95f02' },
    { label: 'all-premium baseline', data: history.baseline, borderColor: '#7570b3', backgroundColor: '#7570b3' },
    { label: 'saving', data: history.saving, borderColor: '#1b9e77', backgroundColor: '#1b9e77' },
  ], 'US dollars'));
  chart('cache-chart', line([
    { label: 'answered from the cache', data: history.cacheHits, borderColor: '#66a61e', backgroundColor: '#66a61e' },
    { label: 'all requests', data: history.answered, borderColor: '#7570b3', backgroundColor: '#7570b3' },
  ], 'requests today'));
  chart('escalation-chart', bar('% of hops escalated', { legend: false, y: { max: 100 } }));
  chart('breaker-chart',
    bar('0 closed, 1 half-open, 2 open', { legend: false, y: { max: 2, ticks: { stepSize: 1 } } }));
  const queueChart = bar('jobs', { stacked: true });
  queueChart.options.scales.y.stacked = true;
  chart('queue-chart', queueChart);
  chart('wait-chart', bar('seconds', { legend: false }));
}

function update(data) {
  history.labels.push(time(data.at));
  for (const tier of data.tiers) history.requests[tier].push(tierFigure(data, tier, 'requests'));
  const { costUsd: cost, baselineUsd: baseline, savedUsd: saving } = data.total;
  history.cost.push(cost);
  history.baseline.push(baseline);
  history.saving.push(saving);
  history.cacheHits.push(data.total.cacheHits);
  history.answered.push(data.total.requests);
  if (history.labels.length > historyPoints) {
    for (const series of [history.labels, history.cost, history.baseline, history.saving, history.cacheHits,
      history.answered, ...Object.values(history.requests)]) series.shift();
  }
  charts['requests-chart'].update();
  charts['cost-chart'].update();
  charts['cache-chart'].update();

  const escalation = charts['escalation-chart'];
  escalation.data.labels = data.tiers;
  escalation.data.datasets = [{ label: 'escalation rate', backgroundColor: '#e7298a', data: data.tiers.map((tier) => {
    const attempts = tierFigure(data, tier, 'attempts');
    return attempts === 0 ? 0 : Math.round((1000 * tierFigure(data, tier, 'escalations')) / attempts) / 10;
  }) }];
  escalation.update();

  const breakers = charts['breaker-chart'];
  const endpoints = Object.keys(data.breakers).sort();
  const states = endpoints.map((endpoint) => breakerNames.indexOf(data.breakers[endpoint]));
  breakers.data.labels = endpoints;
  breakers.data.datasets = [{ label: 'state', data: states.map((state) => Math.max(state, 0.05)),
    backgroundColor: states.map((state) => breakerColours[Math.max(state, 0)]) }];
  breakers.update();

  const queues = charts['queue-chart'];
  queues.data.labels = data.queues.map((queue) => queue.queue);
  queues.data.datasets = ['waiting', 'prioritized', 'active', 'delayed', 'failed'].map((state, index) => ({
    label: state, backgroundColor: palette[index % palette.length],
    data: data.queues.map((queue) => queue.counts[state] || 0) }));
  queues.update();
  const wait = charts['wait-chart'];
  wait.data.labels = data.queues.map((queue) => queue.queue);
  wait.data.datasets = [{ label: 'oldest waiting job', backgroundColor: '#66a61e',
    data: data.queues.map((queue) => queue.oldestWaitingAgeSeconds) }];
  wait.update();

  document.getElementById('summary').textContent =
    'Today (' + data.day + ' UTC): ' + data.total.requests + ' requests, ' + data.total.cacheHits +
    ' from the cache, cost ' + usd(cost) + ' against ' + usd(baseline) + ' all-premium (saving ' + usd(saving) +
    '); updated ' + time(data.at);
  document.body.dataset.polls = String(Number(document.body.dataset.polls || 0) + 1);
}

async function poll() {
  try {
    const response = await fetch('/dashboard/data',
      { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (response.status === 401 || response.status === 403) { location.href = '/admin/login?next=/dashboard'; return; }
    if (!response.ok) throw new Error('HTTP ' + response.status);
    const data = await response.json();
    if (Object.keys(charts).length === 0) setup(data.tiers);
    update(data);
    document.getElementById('problem').textContent = '';
  } catch (error) {
    document.getElementById('problem').textContent = 'Could not refresh: ' + error.message;
  } finally {
    setTimeout(poll, pollMs);
  }
}
poll();
`;

/** The dashboard: seven live charts over `/dashboard/data`, drawn with the bundled Chart.js. */
export function dashboardPage(): string {
  const panel = (id: string, title: string) =>
    `<section><h2>${title}</h2>` +
    `<div class="chart"><canvas id="${id}" role="img" aria-label="${title}"></canvas></div></section>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchyard dashboard</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:1rem 2rem;color:#222}
header{display:flex;justify-content:space-between;align-items:baseline;gap:1rem;flex-wrap:wrap}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(28rem,1fr));gap:1rem}
section{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem}
h2{font-size:1rem;margin:.25rem 0}.chart{position:relative;height:14rem}
#problem{color:#b00020}
</style>
<script src="/dashboard/assets/chart.umd.min.js"></script>
</head><body>
<header><h1>Switchyard</h1><p id="summary">Loading…</p>
<nav><a href="/admin/queues">Queues (Bull Board)</a> ·
<form method="post" action="/admin/logout" style="display:inline"><button type="submit">Log out</button></form></nav>
</header>
<p id="problem" role="alert"></p>
<main>
${panel('requests-chart', 'Requests per tier today')}
${panel('cost-chart', 'Cost against the all-premium baseline today')}
${panel('cache-chart', 'Cache hits today')}
${panel('escalation-chart', 'Escalation rate per tier (escalations per attempt)')}
${panel('breaker-chart', 'Breaker state per provider endpoint')}
${panel('queue-chart', 'Queue depth')}
${panel('wait-chart', 'Oldest waiting job per queue')}
</main>
<script>${script}</script>
</body></html>
`;
}
