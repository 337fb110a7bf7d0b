import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repositoryRoot } from '../support/processes.ts';
import { k8sBase, scaledObjects, workloads, yamlDocuments, yamlFiles } from './infra-files.ts';

const read = (path: string) => readFileSync(join(repositoryRoot, path), 'utf8');

describe('deploy files', () => {
  it('parse: every manifest, the Prometheus configs and the compose file', () => {
    const files = [...yamlFiles('infra'), join(repositoryRoot, 'docker-compose.yml')];
    expect(files.length).toBeGreaterThanOrEqual(12);
    for (const file of files) expect(yamlDocuments(file).length, file).toBeGreaterThan(0);
    JSON.parse(read('infra/grafana/switchyard-dashboard.json'));
  });

  it('kustomizations name only files that exist, and the base config is a valid config', () => {
    for (const folder of ['infra/k8s/base', 'infra/k8s/overlays/example']) {
      const kustomization = parse(read(`${folder}/kustomization.yaml`)) as {
        resources: string[];
        configMapGenerator?: { files?: string[] }[];
      };
      const files = [
        ...kustomization.resources,
        ...(kustomization.configMapGenerator ?? []).flatMap((generator) => generator.files ?? []),
      ];
      for (const file of files) expect(existsSync(join(repositoryRoot, folder, file)), `${folder}: ${file}`).toBe(true);
    }
    const config = loadConfig(join(k8sBase, 'switchyard.yaml'));
    expect(config.metrics.port).toBe(9464);
    const names = workloads().map((workload) => workload.name);
    expect(names.sort()).toEqual(['api', 'classifier', ...config.tiers.map((tier) => `executor-${tier.name}`)].sort());
    expect(
      scaledObjects()
        .map((object) => object.tier)
        .sort(),
    ).toEqual(config.tiers.map((tier) => tier.name).sort());
  });

  it("gives every workload both probes and a grace period that covers the processes' shutdown deadline", () => {
    const config = loadConfig(join(k8sBase, 'switchyard.yaml'));
    for (const workload of workloads()) {
      expect(workload.probes.map((probe) => probe.kind).sort(), workload.name).toEqual(['liveness', 'readiness']);
      // Kubernetes waits 30 s when the field is absent; the deadline must end before the kill.
      expect(workload.terminationGracePeriodSeconds ?? 30, workload.name).toBeGreaterThan(
        config.shutdown.deadlineMs / 1000,
      );
    }
  });

  it('compose: a health check on every worker, the API on loopback unless told otherwise', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<
        string,
        { command?: string[]; healthcheck?: unknown; ports?: string[]; stop_grace_period?: string }
      >;
    };
    const roles = Object.entries(compose.services).filter(([, service]) =>
      ['api', 'classifier', 'executor'].includes(service.command?.[0] ?? ''),
    );
    expect(roles.length).toBe(5);
    for (const [name, service] of roles) {
      expect(service.healthcheck, name).toBeDefined();
      if (service.command?.[0] !== 'api') expect(service.command, name).toContain('--metrics-port');
      // Docker kills a container this long after SIGTERM: past the processes' own shutdown deadline.
      expect(Number.parseInt(service.stop_grace_period ?? '10s', 10), name).toBeGreaterThan(
        loadConfig().shutdown.deadlineMs / 1000,
      );
    }
    for (const port of compose.services.api?.ports ?? []) expect(port).toMatch(/^\$\{SWITCHYARD_BIND:-127\.0\.0\.1\}:/);
  });

  it('Dockerfile: two stages, production dependencies only, non-root, a health check', () => {
    const dockerfile = read('infra/docker/Dockerfile');
    expect(dockerfile.match(/^FROM /gm)?.length).toBe(2);
    expect(dockerfile).toMatch(
      /pnpm install --frozen-lockfile --prod --filter "@switchyard\/cli\.\.\." --filter "!@switchyard\/testkit"/,
    );
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*healthcheck\.mjs/m);
    const ignored = read('.dockerignore');
    expect(ignored).toContain('**/*.test.ts');
  });
});
