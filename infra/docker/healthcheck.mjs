// Container health check: the first of the worker metrics port (9464) and the API port (8080)
// that answers decides. SWITCHYARD_HEALTH_URLS (comma-separated) overrides the two.
const urls = (process.env.SWITCHYARD_HEALTH_URLS ?? 'http://127.0.0.1:9464/healthz,http://127.0.0.1:8080/healthz')
  .split(',')
  .map((url) => url.trim())
  .filter((url) => url !== '');

for (const url of urls) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    process.exit(response.ok ? 0 : 1);
  } catch {
    // Nothing listens there in this role: try the next.
  }
}
process.exit(1);
