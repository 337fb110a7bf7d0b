import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repositoryRoot } from '../support/processes.ts';

export const k8sBase = join(repositoryRoot, 'infra/k8s/base');

/** Every YAML document of a file; a syntax error in any of them throws, naming the file. */
export function yamlDocuments(path: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((document) => {
    if (document.errors.length > 0)
      throw new Error(`${path}: ${document.errors.map((error) => error.message).join('; ')}`);
    return document.toJS() as Record<string, unknown>;
  });
}

/** Every `.yaml`/`.yml` file under a folder of the repository. */
export function yamlFiles(folder: string): string[] {
  return readdirSync(join(repositoryRoot, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => join(repositoryRoot, folder, file));
}

const baseManifests = () =>
  readdirSync(k8sBase)
    .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml' && file !== 'switchyard.yaml')
    .flatMap((file) => yamlDocuments(join(k8sBase, file)));

interface Container {
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet: { path: string; port: string } };
  livenessProbe?: { httpGet: { path: string; port: string } };
}
interface Deployment {
  kind: 'Deployment';
  metadata: { name: string };
  spec: { template: { spec: { containers: Container[]; terminationGracePeriodSeconds?: number } } };
}

export interface Workload {
  name: string;
  terminationGracePeriodSeconds: number | undefined;
  probes: { kind: 'readiness' | 'liveness'; path: string; port: string; containerPort: number | undefined }[];
}

/** The Deployments of the base, with each probe's path and the container port its port name means. */
export function workloads(): Workload[] {
  return (baseManifests().filter((manifest) => manifest.kind === 'Deployment') as unknown as Deployment[]).map(
    (deployment) => {
      const { spec } = deployment.spec.template;
      return {
        name: deployment.metadata.name,
        terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
        probes: spec.containers.flatMap((container) =>
          (['readiness', 'liveness'] as const).flatMap((kind) => {
            const probe = container[`${kind}Probe`];
            if (probe === undefined) return [];
            const { path, port } = probe.httpGet;
            const containerPort = container.ports?.find((candidate) => candidate.name === port)?.containerPort;
            return [{ kind, path, port, containerPort }];
          }),
        ),
      };
    },
  );
}

export interface ScaledObjectSummary {
  name: string;
  target: string;
  tier: string;
  listName: string;
}

/** The KEDA ScaledObjects of the base, with the Redis list each one scales on. */
export function scaledObjects(): ScaledObjectSummary[] {
  return baseManifests()
    .filter((manifest) => manifest.kind === 'ScaledObject')
    .map((manifest) => {
      const object = manifest as {
        metadata: { name: string };
        spec: { scaleTargetRef: { name: string }; triggers: { type: string; metadata: { listName: string } }[] };
      };
      const trigger = object.spec.triggers.find((candidate) => candidate.type === 'redis');
      if (trigger === undefined) throw new Error(`${object.metadata.name}: no redis trigger`);
      return {
        name: object.metadata.name,
        target: object.spec.scaleTargetRef.name,
        tier: object.spec.scaleTargetRef.name.replace(/^executor-/, ''),
        listName: trigger.metadata.listName,
      };
    });
}

/** Every metric name the Grafana dashboard's queries use. */
export function grafanaMetricNames(): string[] {
  const dashboard = JSON.parse(
    readFileSync(join(repositoryRoot, 'infra/grafana/switchyard-dashboard.json'), 'utf8'),
  ) as {
    panels: { targets: { expr: string }[] }[];
  };
  const names = new Set<string>();
  for (const panel of dashboard.panels)
    for (const target of panel.targets)
      for (const match of target.expr.matchAll(/\b((?:switchyard|nodejs|process)_[a-z0-9_]+)\b/g))
        names.add(match[1] as string);
  return [...names].sort();
}

/** The series names of a Prometheus text scrape (`_bucket`, `_count`, `_sum` included as they come). */
export function scrapedSeriesNames(scrape: string): Set<string> {
  const names = new Set<string>();
  for (const line of scrape.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
    if (match) names.add(match[0]);
  }
  return names;
}
